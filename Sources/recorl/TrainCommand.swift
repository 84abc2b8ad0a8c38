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
    @Option(help: "Algorithm: \(AlgorithmName.allValueStrings.joined(separator: ", ")).") var algo: AlgorithmName = .dqn
    @Option(help: "Environment steps over all copies (default: the environment's own for the algorithm).") var steps: Int?
    @Option(help: "Environment copies stepped together.") var envs: Int = 8
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "JSON file with hyper-parameters (fields of the algorithm's configuration; missing ones keep their defaults).")
    var config: String?
    @Option(help: "Output directory for metrics.csv, metrics.jsonl, config.json and checkpoint.safetensors.")
    var out: String = "runs/latest"
    @Option(help: "Environment steps between evaluations (written to the metrics files).") var evalInterval: Int?
    @Option(help: "Episodes per evaluation and in the final table.") var evalEpisodes: Int = 200
    @Flag(inversion: .prefixedNo, help: "DQN: Double DQN targets.") var double: Bool?
    @Flag(inversion: .prefixedNo, help: "DQN: dueling Q head.") var dueling: Bool?
    @Option(help: "DQN: steps per return in the targets (n-step returns).") var nSteps: Int?
    @Flag(inversion: .prefixedNo, help: "DQN: prioritized replay.") var prioritized: Bool?
    @Option(help: "Threads for BLAS and the engine (default: \(ThreadPolicy.environmentVariable) or all cores).") var threads: Int?

    mutating func validate() throws {
        if let steps, steps < 1 { throw ValidationError("--steps: \(steps) is not valid; expected a positive integer") }
        if envs < 1 { throw ValidationError("--envs: \(envs) is not valid; expected a positive integer") }
        if let evalInterval, evalInterval < 1 { throw ValidationError("--eval-interval: \(evalInterval) is not valid; expected a positive integer") }
        if evalEpisodes < 1 { throw ValidationError("--eval-episodes: \(evalEpisodes) is not valid; expected a positive integer") }
        if let nSteps, nSteps < 1 { throw ValidationError("--n-steps: \(nSteps) is not valid; expected a positive integer") }
        if let threads, threads < 1 { throw ValidationError("--threads: \(threads) is not valid; expected at least 1") }
        if algo != .dqn {
            let dqnFlags = [("--double", double != nil), ("--dueling", dueling != nil), ("--n-steps", nSteps != nil),
                            ("--prioritized", prioritized != nil)]
            if let (flag, _) = dqnFlags.first(where: \.1) {
                throw ValidationError("\(flag): applies to --algo dqn only, not \(algo.rawValue)")
            }
        }
    }

    /// The configuration from the preset, the `--config` file and the DQN flags, in that order.
    func resolvedConfiguration() throws -> AlgorithmConfiguration {
        var resolved = try algo.configuration(for: env, file: config)
        if case var .dqn(configuration) = resolved {
            if let double { configuration.double = double }
            if let dueling { configuration.dueling = dueling }
            if let nSteps { configuration.nSteps = nSteps }
            if let prioritized { configuration.prioritized = prioritized }
            resolved = .dqn(configuration)
        }
        try resolved.validate(environments: envs, file: config)
        return resolved
    }

    func run() throws {
        if let threads { ThreadPolicy.setThreadCount(threads) }
        let configuration = try resolvedConfiguration()
        let totalSteps = steps ?? env.defaultTrainingSteps(for: algo)
        let directory = URL(fileURLWithPath: out)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw CommandError("--out: cannot create directory \(out) (\(error.localizedDescription))")
        }
        try configuration.json().write(to: directory.appendingPathComponent("config.json"))
        let metrics = try MetricsLog(directory: directory, statisticNames: algo.statisticNames)

        let environment = env.make(copies: envs)
        let evaluationEnvironment = env.make(copies: min(evalEpisodes, 100))
        var generator = RandomGenerator(seed: seed)
        let agent = try configuration.makeAgent(observationDimension: environment.observationSpace.width,
                                                actionCount: env.actionNames.count, environments: envs,
                                                maxActingBatch: max(envs, evaluationEnvironment.count), generator: &generator)
        print("recorl train: \(algo.rawValue) on \(env.rawValue), \(totalSteps) steps, \(envs) copies, seed \(seed)")
        print("\(configuration.summary); BLAS \(BLASKernels.coreName), \(ThreadPolicy.threadCount) threads")
        let reporter = ProgressReporter()
        let interval = evalInterval ?? max(1, totalSteps / 10)
        // A terminal's bar redraws often; logs get one line per evaluation.
        let displayInterval = reporter.interactive ? max(1, min(interval, totalSteps / 200)) : interval
        var nextEvaluation = interval
        var failure: Error?
        try agent.train(on: environment, steps: totalSteps, seed: seed, generator: &generator,
                        reportInterval: displayInterval) { progress in
            reporter.show(progress)
            guard progress.step >= nextEvaluation || progress.step >= progress.totalSteps else { return }
            nextEvaluation += interval * ((progress.step - nextEvaluation) / interval + 1)
            let evaluation = Evaluation.greedy(agent, on: evaluationEnvironment, episodes: evalEpisodes, seed: Evaluation.seed)
            do {
                try metrics.append(MetricsRow(progress: progress, evaluationMeanReturn: evaluation.meanReturn))
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
