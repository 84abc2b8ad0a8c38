import ArgumentParser
import Foundation
import RecoEnvironments
import RecoRL
import RecoTensor

/// `recorl train`: trains a policy on an environment, logging metrics and saving a checkpoint, then
/// compares it with the baselines.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a recommendation policy and compare it with random and best-fixed-strategy baselines.")

    @Option(help: "Environment: \(EnvironmentName.allValueStrings.joined(separator: ", ")).") var env: EnvironmentName = .marketing
    @Option(help: "Algorithm: dqn.") var algo: Algorithm = .dqn
    @Option(help: "Environment steps over all copies (default: the environment's own).") var steps: Int?
    @Option(help: "Environment copies stepped together.") var envs: Int = 8
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "JSON file with hyper-parameters (fields of the algorithm's configuration; missing ones keep their defaults).")
    var config: String?
    @Option(help: "Output directory for metrics.csv, metrics.jsonl, config.json and checkpoint.safetensors.")
    var out: String = "runs/latest"
    @Option(help: "Environment steps between evaluations (written to the metrics files).") var evalInterval: Int?
    @Option(help: "Episodes per evaluation and in the final table.") var evalEpisodes: Int = 200
    @Flag(inversion: .prefixedNo, help: "Double DQN targets.") var double: Bool?
    @Flag(inversion: .prefixedNo, help: "Dueling Q head.") var dueling: Bool?
    @Option(help: "Steps per return in the targets (n-step returns).") var nSteps: Int?
    @Flag(inversion: .prefixedNo, help: "Prioritized replay.") var prioritized: Bool?
    @Option(help: "Threads for BLAS and the engine (default: \(ThreadPolicy.environmentVariable) or all cores).") var threads: Int?

    /// The algorithms `train` knows.
    enum Algorithm: String, ExpressibleByArgument, CaseIterable { case dqn }

    mutating func validate() throws {
        if let steps, steps < 1 { throw ValidationError("--steps: \(steps) is not valid; expected a positive integer") }
        if envs < 1 { throw ValidationError("--envs: \(envs) is not valid; expected a positive integer") }
        if let evalInterval, evalInterval < 1 { throw ValidationError("--eval-interval: \(evalInterval) is not valid; expected a positive integer") }
        if evalEpisodes < 1 { throw ValidationError("--eval-episodes: \(evalEpisodes) is not valid; expected a positive integer") }
        if let nSteps, nSteps < 1 { throw ValidationError("--n-steps: \(nSteps) is not valid; expected a positive integer") }
        if let threads, threads < 1 { throw ValidationError("--threads: \(threads) is not valid; expected at least 1") }
    }

    /// The configuration from the defaults, the `--config` file and the flags, in that order.
    func resolvedConfiguration() throws -> DQNConfiguration {
        var configuration = env.defaultDQNConfiguration
        if let config {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: config))
            } catch {
                throw CommandError("--config: cannot read \(config) (\(error.localizedDescription)); expected a JSON file")
            }
            do {
                configuration = try JSONDecoder().decode(DQNConfiguration.self, from: data)
            } catch let error as ConfigurationError {
                throw CommandError("--config \(config): \(error)")
            } catch {
                throw CommandError("--config \(config): not a JSON object of configuration fields (\(error))")
            }
        }
        if let double { configuration.double = double }
        if let dueling { configuration.dueling = dueling }
        if let nSteps { configuration.nSteps = nSteps }
        if let prioritized { configuration.prioritized = prioritized }
        do {
            try configuration.validate()
        } catch let error as ConfigurationError {
            throw CommandError("\(config.map { "--config \($0): " } ?? "")\(error)")
        }
        return configuration
    }

    func run() throws {
        if let threads { ThreadPolicy.setThreadCount(threads) }
        let configuration = try resolvedConfiguration()
        let totalSteps = steps ?? env.defaultTrainingSteps
        let directory = URL(fileURLWithPath: out)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw CommandError("--out: cannot create directory \(out) (\(error.localizedDescription))")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(configuration).write(to: directory.appendingPathComponent("config.json"))
        let metrics = try MetricsLog(directory: directory)

        let environment = env.make(copies: envs)
        let evaluationEnvironment = env.make(copies: min(evalEpisodes, 100))
        var generator = RandomGenerator(seed: seed)
        let agent = try DQNAgent(configuration: configuration, observationDimension: environment.observationSpace.width,
                                 actionCount: env.actionNames.count, environments: envs,
                                 maxActingBatch: max(envs, evaluationEnvironment.count), generator: &generator)
        print("recorl train: \(algo.rawValue) on \(env.rawValue), \(totalSteps) steps, \(envs) copies, seed \(seed)")
        print("network \(agent.online.specs.count) layers, \(agent.online.parameterCount) parameters; "
              + "double \(configuration.double), dueling \(configuration.dueling), n-step \(configuration.nSteps), "
              + "prioritized \(configuration.prioritized); BLAS \(BLASKernels.coreName), \(ThreadPolicy.threadCount) threads")
        let reporter = ProgressReporter()
        let interval = evalInterval ?? max(1, totalSteps / 10)
        // A terminal's bar redraws often; logs get one line per evaluation.
        let displayInterval = reporter.interactive ? max(1, min(interval, totalSteps / 200)) : interval
        var nextEvaluation = interval
        var failure: Error?
        try agent.train(on: environment, steps: totalSteps, seed: seed, generator: &generator,
                    reportInterval: displayInterval) { progress in
            reporter.show(progress)
            guard progress.step >= nextEvaluation || progress.step >= totalSteps else { return }
            nextEvaluation += interval * ((progress.step - nextEvaluation) / interval + 1)
            let evaluation = Evaluation.greedy(agent, on: evaluationEnvironment, episodes: evalEpisodes, seed: Evaluation.seed)
            do {
                try metrics.append(MetricsRow(step: progress.step, seconds: progress.seconds, stepsPerSecond: progress.stepsPerSecond,
                                              episodes: progress.episodes, trainingMeanReturn: progress.recentMeanReturn,
                                              evaluationMeanReturn: evaluation.meanReturn, epsilon: progress.epsilon,
                                              gradientSteps: progress.gradientSteps, loss: progress.loss))
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        let checkpoint = directory.appendingPathComponent("checkpoint.safetensors")
        try agent.save(to: checkpoint, metadata: ["environment": env.rawValue, "seed": String(seed)])
        print("saved \(checkpoint.path); metrics in \(directory.appendingPathComponent("metrics.csv").path)")
        print("")
        print(Evaluation.comparisonTable(agent, environment: env, episodes: evalEpisodes))
    }
}
