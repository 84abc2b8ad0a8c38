import Foundation
import Testing
import RecoEnvironments
import RecoEvaluation
import RecoExperiments
import RecoNetworks
import RecoRL
import RecoSimulators
import RecoTensor

// A toy algorithm added through the registry alone: these files plus one `register` call, then trained,
// evaluated, checkpointed and reloaded through the same plumbing the command line uses.

/// The toy's hyper-parameters.
struct ToyBanditConfiguration: AlgorithmConfiguration, Equatable {
    var stepSize: Float = 0.01
    /// 1: explore uniformly, so every action's value is its mean reward over the states random play visits.
    var epsilon: Float = 1
    var batchSize = 32

    func validate() throws {
        guard stepSize > 0 && stepSize <= 1 else {
            throw ConfigurationError(field: "stepSize", value: "\(stepSize)", expected: "a number in (0, 1]")
        }
    }

    var summary: String { "step size \(stepSize), epsilon \(epsilon)" }
}

/// A context-free bandit: one value per action, moved toward the rewards of replayed transitions of that
/// action; it acts epsilon-greedily on those values. It learns the best fixed action and nothing more.
final class ToyBanditAgent: OffPolicyLearner {
    static let meanValue = Metric("mean_value", "mean of the action values")
    let configuration: ToyBanditConfiguration
    var algorithm: String { "toy-bandit" }
    let observationWidth: Int
    let actionCount: Int
    private(set) var gradientStepCount = 0
    let values: ParameterStore
    let replay: Replay
    private let batch: ReplayBatch
    lazy var greedyPolicy: Policy = TablePolicy(values: values, observationWidth: observationWidth)
    lazy var explorationPolicy: Policy = EpsilonGreedyPolicy(greedy: greedyPolicy, epsilon: configuration.epsilon)

    init(configuration: ToyBanditConfiguration, spaces: EnvironmentSpaces, values: [Float]? = nil) throws {
        self.configuration = configuration
        observationWidth = spaces.observationWidth
        actionCount = spaces.actionCount
        self.values = ParameterStore(name: "values", shape: [spaces.actionCount])
        if let values { _ = self.values.values.update(fromContentsOf: values) }
        replay = try ReplayBuffer(capacity: 10_000, observationWidth: observationWidth)
        batch = ReplayBatch(size: configuration.batchSize, observationWidth: observationWidth)
    }

    var updateSchedule: UpdateSchedule { UpdateSchedule(learningStarts: 100, trainFrequency: 8, gradientSteps: 1) }
    var returnSteps: (n: Int, gamma: Float) { (1, 0) }
    func behaviourPolicy(atStep step: Int, of totalSteps: Int) -> Policy { explorationPolicy }

    func update(using generator: inout RandomGenerator) -> UpdateReport {
        replay.sample(into: batch, using: &generator)
        var loss: Float = 0
        for i in 0..<batch.size {
            let action = Int(batch.actions[i]), error = batch.rewards[i] - values.values[action]
            values.values[action] += configuration.stepSize * error
            loss += error * error / Float(batch.size)
        }
        gradientStepCount += 1
        return UpdateReport(loss: loss, metrics: [ToyBanditAgent.meanValue: values.values.reduce(0, +) / Float(actionCount)])
    }

    func save(to url: URL, metadata: [String: String]) throws {
        var all = metadata
        all["algorithm"] = algorithm
        all["toy_values"] = values.values.map { String($0) }.joined(separator: ",")
        all["toy_width"] = String(observationWidth)
        try Checkpoint(items: [], metadata: all).write(to: url)
    }

    static func load(_ checkpoint: Checkpoint, path: String) throws -> Agent {
        let values = (checkpoint.metadata["toy_values"] ?? "").split(separator: ",").compactMap { Float(String($0)) }
        let width = Int(checkpoint.metadata["toy_width"] ?? "") ?? 0
        let spaces = try EnvironmentSpaces(observationSpace: .unboundedBox(max(1, width)), actionSpace: .discrete(max(1, values.count)))
        return try ToyBanditAgent(configuration: ToyBanditConfiguration(), spaces: spaces, values: values)
    }
}

/// The greedy policy of a value table (the same action for every observation).
final class TablePolicy: Policy, @unchecked Sendable {
    let values: ParameterStore
    let observationWidth: Int
    var actionCount: Int { values.count }
    var scoreKind: ActionScoreKind? { .qValue }

    init(values: ParameterStore, observationWidth: Int) {
        self.values = values
        self.observationWidth = observationWidth
    }

    func act(_ observations: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>,
             logProbabilities: UnsafeMutableBufferPointer<Float>?, using generator: inout RandomGenerator) throws {
        try checkBatch(observations, actions: actions.count, logProbabilities: logProbabilities?.count)
        let best = values.values.indices.max { values.values[$0] < values.values[$1] } ?? 0
        actions.update(repeating: Int32(best))
        logProbabilities?.update(repeating: 0)
    }
}

extension AlgorithmEntry {
    static let toyBandit = AlgorithmEntry(
        name: "toy-bandit", summary: "a context-free bandit (test only)", configuration: ToyBanditConfiguration.self,
        metrics: [ToyBanditAgent.meanValue],
        make: { configuration, spaces, _ in try ToyBanditAgent(configuration: configuration, spaces: spaces) },
        load: ToyBanditAgent.load)
}

@Suite(.serialized) struct RegistryTests {
    func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("recorl-registry-\(UUID().uuidString)").path
    }

    /// The toy is trained through `Experiment` (what `recorl train` runs): its metric gets a column in
    /// the metrics file, its checkpoint loads back through the registry, and it learns what a bandit
    /// can: the action of highest mean reward over the states uniformly random play visits (measured here
    /// directly), which a wrong-signed or missing update would not find.
    @Test func aToyAlgorithmTrainsThroughTheCommandLinePlumbing() throws {
        var registry = AlgorithmRegistry.standard
        try registry.register(.toyBandit)
        let experiment = Experiment(registry: registry)
        var request = TrainingRequest()
        request.algorithm = "toy-bandit"
        request.steps = 8_000
        request.evaluationEpisodes = 100
        request.output = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: request.output ?? "") }
        let outcome = try experiment.train(request)

        let csv = try String(contentsOf: try #require(outcome.directory).metricsCSV, encoding: .utf8)
        let header = try #require(csv.split(separator: "\n").first)
        #expect(header.hasSuffix(",loss,mean_value"), "\(header)")
        #expect(csv.split(separator: "\n").count == 11, "one row per tenth of the run")
        let (loaded, environment) = try SavedAgent.load(try #require(outcome.directory).checkpoint.path, registry: registry)
        #expect(loaded.algorithm == "toy-bandit" && environment.name == "marketing")
        #expect(try loaded.greedyPolicy.action(for: [Float](repeating: 0.5, count: 11))
                == outcome.agent.greedyPolicy.action(for: [Float](repeating: 0.5, count: 11)))

        let users = VectorEnvironment(copies: 1_000) { _ in MarketingEnvironment() }
        var totals = [Float](repeating: 0, count: 18), counts = [Float](repeating: 0, count: 18)
        var generator = RandomGenerator(seed: 98)
        users.reset(seed: 99)
        for _ in 0..<20 {
            let actions = (0..<users.copies).map { _ in Int32(generator.index(below: 18)) }
            actions.withUnsafeBufferPointer { users.step($0) }
            for (i, action) in actions.enumerated() {
                totals[Int(action)] += users.rewards[i]
                counts[Int(action)] += 1
            }
        }
        let immediate = zip(totals, counts).map { $0 / $1 }
        let chosen = try loaded.greedyPolicy.action(for: [Float](repeating: 0.5, count: 11))
        #expect(immediate[chosen] >= (immediate.max() ?? 0) - 0.03, "chose \(chosen) of \(immediate)")
        #expect(immediate[chosen] > immediate.reduce(0, +) / Float(immediate.count) + 0.03, "chose \(chosen) of \(immediate)")
    }

    /// Names are unique; unknown names give an error listing the known ones.
    @Test func namesAreUniqueAndUnknownNamesAreListed() throws {
        var registry = AlgorithmRegistry.standard
        #expect(throws: ConfigurationError.self) { try registry.register(.dqn) }
        #expect {
            _ = try registry.entry(named: "reinforce")
        } throws: { error in
            "\(error)".contains("reinforce") && "\(error)".contains("dqn, a2c, ppo, sac")
        }
    }

    /// Every registered algorithm's updates report exactly the metrics its entry lists, so the metrics
    /// files' columns and what the learners write cannot drift apart.
    @Test(arguments: AlgorithmRegistry.standard.names)
    func updatesReportExactlyTheRegisteredMetrics(algorithm: String) throws {
        let entry = try AlgorithmRegistry.standard.entry(named: algorithm)
        var request = TrainingRequest()
        request.algorithm = algorithm
        // The RecoGym baselines read its view-history layout; the deep RL agents train on marketing.
        if entry.family == .bandit { request.environment = "recogym" }
        request.steps = 4_096
        request.evaluates = false
        let outcome = try Experiment().train(request)
        #expect(Set(outcome.progress.metrics.keys) == Set(entry.metrics), "\(algorithm): \(outcome.progress.metrics.keys)")
        #expect(Set(entry.metrics).count == entry.metrics.count)
    }
}
