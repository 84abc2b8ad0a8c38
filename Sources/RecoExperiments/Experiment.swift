import Foundation
import RecoEnvironments
import RecoEvaluation
import RecoRL
import RecoTensor

/// What to train: the settings `recorl train` and `recorl compare` take, by name.
public struct TrainingRequest {
    public var environment = "marketing"
    /// What a data-backed environment is built from (`--data`, `--env-config`; for `reviews`).
    public var data: EnvironmentData?
    public var algorithm = "dqn"
    /// Environment steps over all copies (nil: the environment's default for the algorithm): 1 to
    /// `maximumSteps` (10^12).
    public var steps: Int?
    /// Environment copies stepped together: 1 to `maximumCopies` (4,096).
    public var copies = 8
    public var seed: UInt64 = 1
    /// A JSON file of configuration fields replacing the preset (missing fields keep the defaults).
    public var configurationFile: String?
    /// Changes applied after the preset or file (the command line's algorithm switches).
    public var adjust: (AlgorithmConfiguration) throws -> AlgorithmConfiguration = { $0 }
    /// Environment steps between evaluations (nil: a tenth of the run).
    public var evaluationInterval: Int?
    /// Episodes per evaluation: 1 to `maximumEvaluationEpisodes` (1,000,000).
    public var evaluationEpisodes = 200
    /// Whether to evaluate during the run at all (`compare` evaluates only after it).
    public var evaluates = true
    /// Where to write config, metrics, checkpoint and resumable snapshots (nil: nowhere).
    public var output: String?
    /// Environment steps between resumable snapshots in `output` (nil: at every evaluation).
    public var snapshotInterval: Int?
    /// Continue the run in `output` from its last snapshot (its record fixes environment, algorithm,
    /// copies, seed and intervals; `steps`, when given, sets a new total of at least the steps taken).
    public var resume = false
    /// Replace what an earlier run wrote into `output` (without it, a used directory is refused).
    public var overwrite = false

    public init() {}

    /// The most environment steps a run may take: 10^12.
    public static let maximumSteps = 1_000_000_000_000
    /// The most environment copies stepped together: 4,096.
    public static let maximumCopies = 4_096
    /// The most episodes per evaluation: 1,000,000.
    public static let maximumEvaluationEpisodes = 1_000_000

    /// Throws an `ExperimentError` naming `flag` unless `value` is in `range`.
    public static func require(_ value: Int, in range: ClosedRange<Int>, flag: String) throws {
        if !range.contains(value) {
            throw ExperimentError("\(flag): \(value) is not valid; expected an integer from \(range.lowerBound) to \(range.upperBound)")
        }
    }

    /// Checks the request's counts against their bounds, each error naming its flag.
    public func validateCounts() throws {
        try Self.require(copies, in: 1...Self.maximumCopies, flag: "--envs")
        if let steps { try Self.require(steps, in: 1...Self.maximumSteps, flag: "--steps") }
        if let evaluationInterval { try Self.require(evaluationInterval, in: 1...Int.max, flag: "--eval-interval") }
        if let snapshotInterval { try Self.require(snapshotInterval, in: 1...Int.max, flag: "--checkpoint-interval") }
        try Self.require(evaluationEpisodes, in: 1...Self.maximumEvaluationEpisodes, flag: "--eval-episodes")
        if let output, output.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ExperimentError("--out: \"\(output)\" is not valid; expected a directory path")
        }
    }
}

/// A finished training run.
public struct TrainingOutcome {
    public let agent: Agent
    public let environment: EnvironmentEntry
    public let configuration: AlgorithmConfiguration
    /// The last progress report.
    public let progress: TrainingProgress
    /// Mean greedy return at each evaluation, with its environment step.
    public let evaluations: [(step: Int, meanReturn: Float)]
    /// The run directory, when the request named one.
    public let directory: RunDirectory?
}

/// The plumbing every command shares, over an algorithm registry and an environment catalog: resolve
/// names and configurations, build environments and agents, train with periodic evaluation into the
/// metrics files, save the checkpoint. Tests and embedders pass their own registry to train their
/// own algorithms through the same path.
public struct Experiment {
    public var registry: AlgorithmRegistry
    public var catalog: EnvironmentCatalog

    public init(registry: AlgorithmRegistry = .standard, catalog: EnvironmentCatalog = .standard) {
        self.registry = registry
        self.catalog = catalog
    }

    /// The algorithm called `name`, with an error naming `--algo` otherwise.
    public func algorithm(named name: String) throws -> AlgorithmEntry {
        guard let entry = registry.entries.first(where: { $0.name == name }) else {
            throw ExperimentError("--algo: \"\(name)\" is not valid; expected one of \(registry.names.joined(separator: ", "))")
        }
        return entry
    }

    /// `algorithm`'s configuration for `environment`: its preset, or the JSON file at `path` when given.
    public func configuration(for algorithm: AlgorithmEntry, environment: EnvironmentEntry,
                              file path: String?) throws -> AlgorithmConfiguration {
        guard let path else { return environment.preset(for: algorithm) }
        let data: Data
        do {
            // Read at most one byte past the limit, so a huge file (or a device) is refused, not read whole.
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            data = try handle.read(upToCount: ConfigurationLimits.maximumFileBytes + 1) ?? Data()
        } catch {
            throw ExperimentError("--config: cannot read \(path) (\(error.localizedDescription)); expected a JSON file")
        }
        let limit = ConfigurationLimits.maximumFileBytes
        guard data.count <= limit else {
            throw ExperimentError("--config \(path): more than \(limit) bytes; expected a configuration file of at most \(limit) bytes")
        }
        do {
            try ConfigurationText.check(data)
            return try algorithm.decodeConfiguration(data)
        } catch let error as ConfigurationError {
            throw ExperimentError("--config \(path): \(error)")
        } catch {
            throw ExperimentError("--config \(path): not a JSON object of \(algorithm.name) configuration fields (\(error))")
        }
    }

    /// The configuration `request` asks for, validated for its copies.
    public func resolvedConfiguration(_ request: TrainingRequest) throws -> AlgorithmConfiguration {
        let algorithm = try self.algorithm(named: request.algorithm)
        let environment = try catalog.entry(named: request.environment, data: request.data)
        try request.validateCounts()
        let configuration = try request.adjust(
            self.configuration(for: algorithm, environment: environment, file: request.configurationFile))
        do {
            // Each field first, then the memory the agent would take with the environment's real sizes,
            // before anything is built, then what depends on the copies.
            try configuration.validate()
            if let bounded = configuration as? MemoryBoundedConfiguration {
                let spaces = try EnvironmentSpaces(environment.make(copies: 1))
                try bounded.validateMemory(copies: request.copies, observationWidth: spaces.observationWidth,
                                           actions: spaces.actionCount, observationIds: spaces.observationIds)
            }
            try configuration.validate(copies: request.copies)
        } catch let error as ConfigurationError {
            throw ExperimentError("\(request.configurationFile.map { "--config \($0): " } ?? "")\(error)")
        }
        return configuration
    }

    /// Trains as `request` says. `display` (when given) runs every `displayInterval` steps; the greedy
    /// policy is evaluated every evaluation interval and at the end, each result appended to the
    /// metrics files and `evaluations.csv` when the request names an output directory, where every
    /// finished training episode goes to `episodes.csv`, and the configuration, the run's
    /// record, resumable snapshots (every snapshot interval and at the end) and the final checkpoint are
    /// written too. With `resume`, the run in that directory continues from its last snapshot and ends
    /// exactly as it would have without the interruption.
    public func train(_ request: TrainingRequest, displayInterval: Int? = nil,
                      display: ((TrainingProgress) -> Void)? = nil) throws -> TrainingOutcome {
        try request.validateCounts()
        if request.resume { return try resume(request, displayInterval: displayInterval, display: display) }
        let algorithm = try self.algorithm(named: request.algorithm)
        let environmentEntry = try catalog.entry(named: request.environment, data: request.data)
        let configuration = try resolvedConfiguration(request)
        let steps = request.steps ?? environmentEntry.defaultTrainingSteps(for: algorithm)
        let evaluationInterval = request.evaluationInterval ?? max(1, steps / 10)
        let directory = try request.output.map { try RunDirectory(creating: $0) }
        if let directory, directory.isUsed {
            guard request.overwrite else {
                throw ExperimentError("--out: \(directory.url.path) holds an earlier run; expected --resume to continue it or --overwrite to replace it")
            }
            try directory.removeRunFiles()
        }
        let record = RunRecord(environment: environmentEntry.name, algorithm: algorithm.name, copies: request.copies,
                               seed: request.seed, steps: steps, evaluationInterval: evaluationInterval,
                               evaluationEpisodes: request.evaluationEpisodes,
                               snapshotInterval: request.snapshotInterval ?? evaluationInterval,
                               data: environmentEntry.data)
        try directory?.write(configuration: configuration)
        try directory?.write(record: record)
        let environment = environmentEntry.make(copies: request.copies)
        var generator = RandomGenerator(seed: request.seed)
        let agent = try algorithm.makeAgent(configuration, spaces: EnvironmentSpaces(environment), generator: &generator)
        return try run(agent, record: record, request: request, algorithm: algorithm, environment: environmentEntry,
                       configuration: configuration, directory: directory, generator: &generator, resuming: nil,
                       displayInterval: displayInterval, display: display)
    }

    /// Continues the run in `request.output` from its newest snapshot.
    private func resume(_ request: TrainingRequest, displayInterval: Int?,
                        display: ((TrainingProgress) -> Void)?) throws -> TrainingOutcome {
        guard let output = request.output else { throw ExperimentError("--resume: expected the directory of the run to resume") }
        let directory = try RunDirectory(creating: output)
        var record = try directory.readRecord()
        let algorithm = try self.algorithm(named: record.algorithm)
        let environmentEntry = try catalog.entry(named: record.environment, data: record.data)
        let (agent, state) = try RunSnapshots.load(from: directory.url, registry: registry)
        if let steps = request.steps {
            guard steps >= state.step else {
                throw ExperimentError("--steps: \(steps) is not valid; expected at least the \(state.step) steps the run has taken")
            }
            record.steps = steps
            try directory.write(record: record)
        }
        var generator = state.generator
        let configuration = try self.configuration(for: algorithm, environment: environmentEntry,
                                                   file: directory.url.appendingPathComponent("config.json").path)
        return try run(agent, record: record, request: request, algorithm: algorithm, environment: environmentEntry,
                       configuration: configuration, directory: directory, generator: &generator, resuming: state,
                       displayInterval: displayInterval, display: display)
    }

    /// The training run itself, fresh or resumed: evaluation into the metrics files and
    /// `evaluations.csv`, training episodes into `episodes.csv`, snapshots, the final checkpoint.
    private func run(_ agent: Agent, record: RunRecord, request: TrainingRequest, algorithm: AlgorithmEntry,
                     environment environmentEntry: EnvironmentEntry, configuration: AlgorithmConfiguration,
                     directory: RunDirectory?, generator: inout RandomGenerator, resuming state: TrainingState?,
                     displayInterval: Int?, display: ((TrainingProgress) -> Void)?) throws -> TrainingOutcome {
        let metrics = try directory?.metricsLog(metrics: algorithm.metrics, keepingRowsThrough: state?.step)
        let evaluationLog = try directory.map { try EvaluationLog(directory: $0.url, keepingRowsThrough: state?.step) }
        let episodeLog = try directory.map { try EpisodeLog(directory: $0.url, keepingRowsThrough: state?.step) }
        let environment = environmentEntry.make(copies: record.copies)
        let evaluationEnvironment = environmentEntry.makeEvaluation(copies: EvaluationSettings.copies(for: record.evaluationEpisodes))
        var evaluations: [(step: Int, meanReturn: Float)] = []
        var latest: (result: PolicyEvaluation.Result, meanMaxQ: Float?)?  // from `evaluate` to `onResult`
        let evaluation = EvaluationCallback(
            every: record.evaluationInterval,
            evaluate: { policy in
                let outcome = try PolicyEvaluation.evaluateWithMeanMaxQ(evaluationEnvironment, episodes: record.evaluationEpisodes,
                                                                        seed: EvaluationSettings.seed, policy: policy)
                latest = outcome
                return outcome.result.meanReturn
            },
            onResult: { progress, meanReturn in
                evaluations.append((progress.step, meanReturn))
                try metrics?.append(MetricsRow(progress: progress, evaluationMeanReturn: meanReturn))
                if let latest { try evaluationLog?.append(step: progress.step, result: latest.result, meanMaxQ: latest.meanMaxQ) }
            })
        var callbacks: [TrainingCallback] = request.evaluates ? [evaluation] : []
        if let episodeLog { callbacks.append(episodeLog) }
        if let display { callbacks.insert(ProgressCallback(every: displayInterval ?? max(1, record.steps / 10), display), at: 0) }
        var metadata = [RunDirectory.environmentKey: environmentEntry.name, RunDirectory.seedKey: String(record.seed)]
        if let data = environmentEntry.data {
            if data.hasDirectory { metadata[RunDirectory.datasetKey] = data.directory }
            metadata[RunDirectory.environmentSettingsKey] = data.settings
        }
        let snapshots = directory.map {
            RunSnapshots(directory: $0, interval: record.snapshotInterval, metadata: metadata, beforeWriting: { try episodeLog?.flush() })
        }
        let progress = try agent.train(on: environment, steps: record.steps, seed: record.seed, generator: &generator,
                                       callbacks: callbacks, snapshots: snapshots, resuming: state)
        if let directory { try agent.save(to: directory.checkpoint, metadata: metadata) }
        return TrainingOutcome(agent: agent, environment: environmentEntry, configuration: configuration, progress: progress,
                               evaluations: evaluations, directory: directory)
    }
}
