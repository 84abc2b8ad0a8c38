import ArgumentParser
import Foundation
import RecoExperiments
import RecoRL
import RecoTensor

/// `recorl train`: trains a policy on an environment, logging metrics and saving a checkpoint, then
/// compares it with the baselines.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a recommendation policy and compare it with random and best-fixed-strategy baselines.")

    @Option(help: "Environment: \(EnvironmentCatalog.standard.names.joined(separator: ", ")).") var env = "marketing"
    @Option(help: "Algorithm: \(AlgorithmRegistry.standard.names.joined(separator: ", ")).") var algo = "dqn"
    @Option(parsing: .unconditional, help: "Environment steps over all copies (default: the environment's own for the algorithm).") var steps: Int?
    @Option(parsing: .unconditional, help: "Environment copies stepped together.") var envs: Int = 8
    @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "JSON file with hyper-parameters (fields of the algorithm's configuration; missing ones keep their defaults).")
    var config: String?
    @Option(help: "Output directory for metrics.csv, metrics.jsonl, config.json and checkpoint.safetensors.")
    var out: String = "runs/latest"
    @Option(parsing: .unconditional, help: "Environment steps between evaluations (written to the metrics files).") var evalInterval: Int?
    @Option(parsing: .unconditional, help: "Episodes per evaluation and in the final table.") var evalEpisodes: Int = 200
    @Flag(inversion: .prefixedNo, help: "DQN: Double DQN targets.") var double: Bool?
    @Flag(inversion: .prefixedNo, help: "DQN: dueling Q head.") var dueling: Bool?
    @Option(parsing: .unconditional, help: "DQN: steps per return in the targets (n-step returns).") var nSteps: Int?
    @Flag(inversion: .prefixedNo, help: "DQN: prioritized replay.") var prioritized: Bool?
    @Option(parsing: .unconditional, help: "Threads for BLAS and the engine (default: \(ThreadPolicy.environmentVariable) or all cores).") var threads: Int?

    mutating func validate() throws {
        if let steps { try Bounds.requirePositive(steps, atMost: TrainingRequest.maximumSteps, flag: "--steps") }
        try Bounds.requirePositive(envs, atMost: TrainingRequest.maximumCopies, flag: "--envs")
        if let evalInterval { try Bounds.requirePositive(evalInterval, atMost: Int.max, flag: "--eval-interval") }
        try Bounds.requirePositive(evalEpisodes, atMost: TrainingRequest.maximumEvaluationEpisodes, flag: "--eval-episodes")
        if let nSteps { try Bounds.requirePositive(nSteps, atMost: ConfigurationLimits.maximumNSteps, flag: "--n-steps") }
        try Bounds.requireThreads(threads)
        try Bounds.requirePath(out, flag: "--out")
        if let config { try Bounds.requirePath(config, flag: "--config") }
        let experiment = Experiment()
        _ = try experiment.catalog.entry(named: env)
        _ = try experiment.algorithm(named: algo)
        if algo != AlgorithmEntry.dqn.name {
            let dqnFlags = [("--double", double != nil), ("--dueling", dueling != nil), ("--n-steps", nSteps != nil),
                            ("--prioritized", prioritized != nil)]
            if let (flag, _) = dqnFlags.first(where: \.1) {
                throw ValidationError("\(flag): applies to --algo dqn only, not \(algo)")
            }
        }
    }

    /// The run as the experiments layer takes it: preset or `--config` file, then the DQN switches.
    var request: TrainingRequest {
        var request = TrainingRequest()
        request.environment = env
        request.algorithm = algo
        request.steps = steps
        request.copies = envs
        request.seed = seed
        request.configurationFile = config
        request.evaluationInterval = evalInterval
        request.evaluationEpisodes = evalEpisodes
        request.output = out
        let (double, dueling, nSteps, prioritized) = (double, dueling, nSteps, prioritized)
        request.adjust = { configuration in
            guard var dqn = configuration as? DQNConfiguration else { return configuration }
            if let double { dqn.double = double }
            if let dueling { dqn.dueling = dueling }
            if let nSteps { dqn.nSteps = nSteps }
            if let prioritized { dqn.prioritized = prioritized }
            return dqn
        }
        return request
    }

    func run() throws {
        if let threads { ThreadPolicy.setThreadCount(threads) }
        let experiment = Experiment()
        let request = request
        let configuration = try experiment.resolvedConfiguration(request)
        let environment = try experiment.catalog.entry(named: env)
        let algorithm = try experiment.algorithm(named: algo)
        let totalSteps = steps ?? environment.defaultTrainingSteps(for: algorithm)
        print("recorl train: \(algo) on \(env), \(totalSteps) steps, \(envs) copies, seed \(seed)")
        print("\(configuration.summary); BLAS \(BLASKernels.coreName), \(ThreadPolicy.threadCount) threads")
        let reporter = ProgressReporter()
        let interval = evalInterval ?? max(1, totalSteps / 10)
        // A terminal's bar redraws often; logs get one line per evaluation.
        let displayInterval = reporter.interactive ? max(1, min(interval, totalSteps / 200)) : interval
        let outcome = try experiment.train(request, displayInterval: displayInterval, display: reporter.show)
        if let directory = outcome.directory {
            print("saved \(directory.checkpoint.path); metrics in \(directory.metricsCSV.path)")
        }
        print("")
        print(try EvaluationSettings.comparisonTable(outcome.agent, environment: environment, episodes: evalEpisodes))
    }
}
