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

    @Option(help: "Environment: \(EnvironmentCatalog.standard.names.joined(separator: ", ")) (default: marketing).") var env: String?
    @OptionGroup var environmentData: EnvironmentDataOptions
    @Option(help: "Algorithm: \(AlgorithmRegistry.standard.names.joined(separator: ", ")) (default: dqn).") var algo: String?
    @Option(parsing: .unconditional, help: "Environment steps over all copies (default: the environment's own for the algorithm).") var steps: Int?
    @Option(parsing: .unconditional, help: "Environment copies stepped together (default: 8).") var envs: Int?
    @Option(parsing: .unconditional, help: "Random seed (default: 1).") var seed: UInt64?
    @Option(help: "JSON file with hyper-parameters (fields of the algorithm's configuration; missing ones keep their defaults).")
    var config: String?
    @Option(help: "Output directory for metrics.csv, metrics.jsonl, config.json, run.json, checkpoint.safetensors and the resumable snapshot/ (default: runs/latest).")
    var out: String?
    @Option(help: "Continue the run in this directory from its last snapshot (its environment, algorithm, copies and seed; --steps sets a new total).")
    var resume: String?
    @Flag(help: "Replace an earlier run in --out (without it, a used directory is refused).") var overwrite = false
    @Option(parsing: .unconditional, help: "Environment steps between resumable snapshots (default: every evaluation).") var checkpointInterval: Int?
    @Option(parsing: .unconditional, help: "Environment steps between evaluations (written to the metrics files).") var evalInterval: Int?
    @Option(parsing: .unconditional, help: "Episodes per evaluation and in the final table.") var evalEpisodes: Int = 200
    @Flag(inversion: .prefixedNo, help: "DQN: Double DQN targets.") var double: Bool?
    @Flag(inversion: .prefixedNo, help: "DQN: dueling Q head.") var dueling: Bool?
    @Option(parsing: .unconditional, help: "DQN: steps per return in the targets (n-step returns).") var nSteps: Int?
    @Flag(inversion: .prefixedNo, help: "DQN: prioritized replay.") var prioritized: Bool?
    @Option(parsing: .unconditional, help: "Threads for BLAS and the engine (default: \(ThreadPolicy.environmentVariable) or all cores).") var threads: Int?
    @OptionGroup var encoding: EncoderOptions

    mutating func validate() throws {
        if let steps { try Bounds.requirePositive(steps, atMost: TrainingRequest.maximumSteps, flag: "--steps") }
        if let envs { try Bounds.requirePositive(envs, atMost: TrainingRequest.maximumCopies, flag: "--envs") }
        if let checkpointInterval { try Bounds.requirePositive(checkpointInterval, atMost: Int.max, flag: "--checkpoint-interval") }
        if let evalInterval { try Bounds.requirePositive(evalInterval, atMost: Int.max, flag: "--eval-interval") }
        try Bounds.requirePositive(evalEpisodes, atMost: TrainingRequest.maximumEvaluationEpisodes, flag: "--eval-episodes")
        if let nSteps { try Bounds.requirePositive(nSteps, atMost: ConfigurationLimits.maximumNSteps, flag: "--n-steps") }
        try Bounds.requireThreads(threads)
        if let out { try Bounds.requirePath(out, flag: "--out") }
        if let resume { try Bounds.requirePath(resume, flag: "--resume") }
        if let config { try Bounds.requirePath(config, flag: "--config") }
        if resume != nil {
            let fixed = [("--env", env != nil), ("--data", environmentData.data != nil), ("--env-config", environmentData.envConfig != nil), ("--algo", algo != nil), ("--envs", envs != nil), ("--seed", seed != nil),
                         ("--config", config != nil), ("--out", out != nil), ("--overwrite", overwrite),
                         ("--eval-interval", evalInterval != nil), ("--checkpoint-interval", checkpointInterval != nil),
                         ("--double", double != nil), ("--dueling", dueling != nil), ("--n-steps", nSteps != nil),
                         ("--prioritized", prioritized != nil), ("--encoder", encoding.encoder != nil),
                         ("--encoder-width", encoding.encoderWidth != nil)]
            if let (flag, _) = fixed.first(where: \.1) {
                throw ValidationError("\(flag): fixed by the run being resumed; with --resume give only --steps, --eval-episodes and --threads")
            }
        }
        let experiment = Experiment()
        if resume == nil { _ = try experiment.catalog.entry(named: environmentName, data: environmentData.read()) }
        _ = try experiment.algorithm(named: algorithmName)
        if algorithmName != AlgorithmEntry.dqn.name {
            let dqnFlags = [("--double", double != nil), ("--dueling", dueling != nil), ("--n-steps", nSteps != nil),
                            ("--prioritized", prioritized != nil)]
            if let (flag, _) = dqnFlags.first(where: \.1) {
                throw ValidationError("\(flag): applies to --algo dqn only, not \(algorithmName)")
            }
        }
    }

    var environmentName: String { env ?? "marketing" }
    var algorithmName: String { algo ?? "dqn" }

    /// The run as the experiments layer takes it: preset or `--config` file, then the DQN switches.
    func request() throws -> TrainingRequest {
        var request = TrainingRequest()
        request.environment = environmentName
        request.data = try environmentData.read()
        request.algorithm = algorithmName
        request.steps = steps
        request.copies = envs ?? 8
        request.seed = seed ?? 1
        request.configurationFile = config
        request.evaluationInterval = evalInterval
        request.evaluationEpisodes = evalEpisodes
        request.output = resume ?? out ?? "runs/latest"
        request.resume = resume != nil
        request.overwrite = overwrite
        request.snapshotInterval = checkpointInterval
        let (double, dueling, nSteps, prioritized, encoding, algorithm) = (double, dueling, nSteps, prioritized, encoding, algorithmName)
        request.adjust = { configuration in
            let configuration = try encoding.apply(to: configuration, algorithm: algorithm)
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
        let request = try request()
        let reporter = ProgressReporter()
        if let resume {
            print("recorl train: resuming the run in \(resume); BLAS \(BLASKernels.coreName), \(ThreadPolicy.threadCount) threads")
            let outcome = try experiment.train(request, displayInterval: reporter.interactive ? 1_000 : nil, display: reporter.show)
            try finish(outcome)
            return
        }
        let configuration = try experiment.resolvedConfiguration(request)
        let environment = try experiment.catalog.entry(named: environmentName, data: request.data)
        let algorithm = try experiment.algorithm(named: algorithmName)
        let totalSteps = steps ?? environment.defaultTrainingSteps(for: algorithm)
        print("recorl train: \(algorithmName) on \(environmentName), \(totalSteps) steps, \(request.copies) copies, seed \(request.seed)")
        print("\(configuration.summary); BLAS \(BLASKernels.coreName), \(ThreadPolicy.threadCount) threads")
        let interval = evalInterval ?? max(1, totalSteps / 10)
        // A terminal's bar redraws often; logs get one line per evaluation.
        let displayInterval = reporter.interactive ? max(1, min(interval, totalSteps / 200)) : interval
        try finish(try experiment.train(request, displayInterval: displayInterval, display: reporter.show))
    }

    private func finish(_ outcome: TrainingOutcome) throws {
        if let directory = outcome.directory {
            print("saved \(directory.checkpoint.path); metrics in \(directory.metricsCSV.path)")
        }
        print("")
        print(try EvaluationSettings.comparisonTable(outcome.agent, environment: outcome.environment, episodes: evalEpisodes))
    }
}
