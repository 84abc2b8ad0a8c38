import Foundation
import Testing
import RecoEnvironments
import RecoNetworks
@testable import RecoRL
import RecoSimulators
import RecoTensor

/// One-step episodes whose observation is one id in `0..<vocabulary` (declared as an id column, with
/// one dense column after it when `denseColumn`), rewarded 1 for the action `(id * 3 + 1) % actions`
/// and 0 otherwise. Read as a number the id gives a saw-tooth Q function a small relu MLP cannot fit;
/// with an embedding each id is its own vector.
///
/// With `frozenVectors` the observation is instead that fixed vector of the id, with no id columns
/// declared: what an embedding whose gradient never reached the table would feed the MLP.
struct IdLookupEnvironment: Environment {
    let vocabulary: Int
    let actions: Int
    let denseColumn: Bool
    let frozenVectors: [[Float]]?
    private var id = 0

    init(vocabulary: Int, actions: Int, denseColumn: Bool = false, frozenVectors: [[Float]]? = nil) {
        self.vocabulary = vocabulary
        self.actions = actions
        self.denseColumn = denseColumn
        self.frozenVectors = frozenVectors
    }

    func rewardedAction(_ id: Int) -> Int { (id * 3 + 1) % actions }

    /// What the agent sees of `id` (the dense column, when there is one, at 0).
    func observation(of id: Int) -> [Float] {
        if let frozenVectors { return frozenVectors[id] }
        return denseColumn ? [Float(id), 0] : [Float(id)]
    }

    var observationSpace: Space {
        if let width = frozenVectors?.first?.count {
            return .box(lower: [Float](repeating: -.infinity, count: width), upper: [Float](repeating: .infinity, count: width))
        }
        return denseColumn ? .box(lower: [0, -1], upper: [Float(vocabulary - 1), 1]) : .box(lower: [0], upper: [Float(vocabulary - 1)])
    }
    var actionSpace: Space { .discrete(actions) }
    var observationIds: ObservationIds? { frozenVectors == nil ? ObservationIds(columns: 1, vocabulary: vocabulary) : nil }

    private mutating func draw(_ generator: inout RandomGenerator, _ observation: UnsafeMutableBufferPointer<Float>) {
        id = generator.index(below: vocabulary)
        if let frozenVectors {
            _ = observation.update(fromContentsOf: frozenVectors[id])
            return
        }
        observation[0] = Float(id)
        if denseColumn { observation[1] = generator.uniform(-1, 1) }
    }

    mutating func reset(using generator: inout RandomGenerator, observation: UnsafeMutableBufferPointer<Float>) {
        draw(&generator, observation)
    }

    mutating func step(_ action: UnsafeBufferPointer<Int32>, using generator: inout RandomGenerator,
                       observation: UnsafeMutableBufferPointer<Float>) -> StepOutcome {
        let reward: Float = Int(action[0]) == rewardedAction(id) ? 1 : 0
        draw(&generator, observation)
        return StepOutcome(reward: reward, terminated: true)
    }
}

@Suite struct ItemEmbeddingTests {
    static let vocabulary = 200
    static let actions = 4

    func environment(copies: Int = 4, denseColumn: Bool = false,
                     frozenVectors: [[Float]]? = nil) -> VectorEnvironment<IdLookupEnvironment> {
        VectorEnvironment(copies: copies) { _ in
            IdLookupEnvironment(vocabulary: Self.vocabulary, actions: Self.actions, denseColumn: denseColumn,
                                frozenVectors: frozenVectors)
        }
    }

    /// A fast DQN for the lookup task: uniform exploration (Q of every action is learned from the
    /// same data), a narrow trunk so fixed random vectors would not do.
    func lookupConfiguration(itemEmbeddingWidth: Int) -> DQNConfiguration {
        var configuration = DQNConfiguration()
        configuration.itemEmbeddingWidth = itemEmbeddingWidth
        configuration.hiddenLayers = [8]
        configuration.learningRate = 1e-2
        configuration.gamma = 0
        configuration.batchSize = 64
        configuration.bufferCapacity = 4_000
        configuration.learningStarts = 256
        configuration.trainFrequency = 4
        configuration.targetUpdateInterval = 50
        configuration.exploration = .constant(1)
        return configuration
    }

    /// The share of ids whose greedy action is the rewarded one.
    func greedyAccuracy(_ agent: DQNAgent, frozenVectors: [[Float]]? = nil) throws -> Double {
        let task = IdLookupEnvironment(vocabulary: Self.vocabulary, actions: Self.actions, frozenVectors: frozenVectors)
        var correct = 0
        for id in 0..<Self.vocabulary where try agent.greedyPolicy.action(for: task.observation(of: id)) == task.rewardedAction(id) {
            correct += 1
        }
        return Double(correct) / Double(Self.vocabulary)
    }

    /// Trains a lookup DQN for 24,000 steps (4 copies) and returns its greedy accuracy.
    func lookupAccuracy(itemEmbeddingWidth: Int, frozenVectors: [[Float]]? = nil) throws -> (DQNAgent, Double) {
        var generator = RandomGenerator(seed: 71)
        let training = environment(frozenVectors: frozenVectors)
        let agent = try DQNAgent(configuration: lookupConfiguration(itemEmbeddingWidth: itemEmbeddingWidth), for: training,
                                 generator: &generator)
        try agent.train(on: training, steps: 24_000, seed: 71, generator: &generator)
        return (agent, try greedyAccuracy(agent, frozenVectors: frozenVectors))
    }

    /// DQN with 8-wide item embeddings learns which action each of 200 ids rewards (chance: 1 in 4;
    /// measured 0.98). Reading the id as a number, the same trunk does not (0.25); nor does it on fixed
    /// random 8-wide vectors per id (0.53), which is what a table whose gradient never arrived would give
    /// it: 200 ids are too many for the 8-unit trunk to tell apart on its own.
    @Test func dqnLearnsAnIdLookupWithEmbeddings() throws {
        let (agent, embedded) = try lookupAccuracy(itemEmbeddingWidth: 8)
        #expect(agent.online.specs.first?.kindName == IdColumnsEmbeddingKind.name)
        #expect(embedded >= 0.9, "greedy accuracy with embeddings \(embedded)")

        let (raw, plain) = try lookupAccuracy(itemEmbeddingWidth: 0)
        #expect(raw.online.specs.first?.kindName == LinearKind.name)
        #expect(plain <= 0.5, "greedy accuracy reading ids as numbers \(plain)")

        var vectorGenerator = RandomGenerator(seed: 72)
        let vectors = (0..<Self.vocabulary).map { _ in (0..<8).map { _ in vectorGenerator.normal() } }
        let (_, frozen) = try lookupAccuracy(itemEmbeddingWidth: 8, frozenVectors: vectors)
        #expect(frozen <= 0.75, "greedy accuracy on fixed random vectors \(frozen)")
    }

    /// The spaces carry the environment's id columns and refuse ids that do not fit the observation.
    @Test func spacesCarryAndValidateObservationIds() throws {
        let spaces = try EnvironmentSpaces(environment(denseColumn: true))
        #expect(spaces.observationIds == ObservationIds(columns: 1, vocabulary: Self.vocabulary))
        #expect(try EnvironmentSpaces(VectorEnvironment(copies: 1) { _ in CartPole() }).observationIds == nil)
        let box = Space.box(lower: [0, 0], upper: [1, 1])
        for (ids, field) in [(ObservationIds(columns: 0, vocabulary: 5), "observationIds.columns"),
                             (ObservationIds(columns: 3, vocabulary: 5), "observationIds.columns"),
                             (ObservationIds(columns: 1, vocabulary: 0), "observationIds.vocabulary")] {
            #expect { try EnvironmentSpaces(observationSpace: box, actionSpace: .discrete(2), observationIds: ids) } throws: {
                "\($0)".contains(field)
            }
        }
        let whole = try EnvironmentSpaces(observationSpace: box, actionSpace: .discrete(2),
                                          observationIds: ObservationIds(columns: 2, vocabulary: 5))
        #expect(whole.observationIds?.columns == 2)
    }

    /// Every deep agent starts its networks with the embedding when the spaces declare ids and
    /// `itemEmbeddingWidth > 0`, its MLP reading the widened input; width 0 or no ids leave them as before.
    @Test func everyDeepAgentEmbedsDeclaredIds() throws {
        let spaces = try EnvironmentSpaces(environment(denseColumn: true))
        let plain = try EnvironmentSpaces(observationSpace: spaces.observationSpace, actionSpace: spaces.actionSpace,
                                          copies: spaces.copies)
        let embedding = LayerSpec.idColumnsEmbedding(idColumns: 1, vocabulary: Self.vocabulary, width: 16, restWidth: 1)
        func networks(_ algorithm: String, _ spaces: EnvironmentSpaces, width: Int) throws -> [[LayerSpec]] {
            var generator = RandomGenerator(seed: 3)
            switch algorithm {
            case "dqn":
                var configuration = DQNConfiguration()
                configuration.itemEmbeddingWidth = width
                configuration.dueling = true
                let agent = try DQNAgent(configuration: configuration, spaces: spaces, generator: &generator)
                return [agent.online.specs, agent.target.specs]
            case "a2c":
                var configuration = A2CConfiguration()
                configuration.itemEmbeddingWidth = width
                let agent = try A2CAgent(configuration: configuration, spaces: spaces, generator: &generator)
                return [agent.networks.actor.specs] + (agent.networks.critic.map { [$0.specs] } ?? [])
            case "ppo":
                var configuration = PPOConfiguration()
                configuration.itemEmbeddingWidth = width
                configuration.sharedNetwork = true
                let agent = try PPOAgent(configuration: configuration, spaces: spaces, generator: &generator)
                return [agent.networks.actor.specs]
            default:
                var configuration = SACConfiguration()
                configuration.itemEmbeddingWidth = width
                let agent = try SACAgent(configuration: configuration, spaces: spaces, generator: &generator)
                return [agent.actor.specs, agent.critic1.specs, agent.target2.specs]
            }
        }
        for algorithm in ["dqn", "a2c", "ppo", "sac"] {
            for specs in try networks(algorithm, spaces, width: 16) {
                #expect(specs.first == embedding, "\(algorithm)")
                let linear = try #require(specs[1].kind as? LinearKind, "\(algorithm)")
                #expect(linear.inputs == 17, "\(algorithm): the MLP reads 16 + 1 columns")
            }
            #expect(try networks(algorithm, spaces, width: 0) == networks(algorithm, plain, width: 16), "\(algorithm)")
            #expect(try networks(algorithm, plain, width: 16) == networks(algorithm, plain, width: 0), "\(algorithm)")
        }
    }

    /// Agents with embeddings come back from their checkpoints through the registry with the same
    /// architecture and scores; an edited `itemEmbeddingWidth` is refused, and a configuration without
    /// the field (an older checkpoint) decodes to the default.
    @Test(arguments: ["dqn", "a2c", "ppo", "sac"])
    func checkpointRebuildsTheEmbedding(algorithm: String) throws {
        var generator = RandomGenerator(seed: 5)
        let training = environment(denseColumn: true)
        let entry = try AlgorithmRegistry.standard.entry(named: algorithm)
        let agent = try entry.makeAgent(entry.defaultConfiguration(), spaces: EnvironmentSpaces(training), generator: &generator)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("recorl-embedding-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try agent.save(to: url, metadata: [:])
        let (loaded, _) = try AlgorithmRegistry.standard.load(from: url)
        training.reset(seed: 9)
        let expected = Matrix(rows: 4, columns: Self.actions), restored = Matrix(rows: 4, columns: Self.actions)
        try agent.greedyPolicy.scores(training.observations, into: expected.view)
        try loaded.greedyPolicy.scores(training.observations, into: restored.view)
        #expect(restored.toArray() == expected.toArray())

        // The stored configuration with another width no longer describes the stored networks.
        let checkpoint = try Checkpoint.read(from: url)
        let key = AgentMetadataKey.configuration(algorithm)
        let stored = try #require(checkpoint.metadata[key])
        var edited = checkpoint
        edited.metadata[key] = stored.replacingOccurrences(of: "\"itemEmbeddingWidth\":16", with: "\"itemEmbeddingWidth\":8")
        #expect(edited.metadata[key] != stored)
        #expect(throws: CheckpointError.self) { _ = try entry.loadAgent(from: edited, path: "edited") }
        var older = checkpoint
        older.metadata[key] = stored.replacingOccurrences(of: "\"itemEmbeddingWidth\":16,", with: "")
        #expect(older.metadata[key] != stored)
        _ = try entry.loadAgent(from: older, path: "older")
    }

    /// An observation whose id column holds no valid id is refused by the agents' policies with an
    /// error naming the row, column, value and range, before any network reads it.
    @Test func policiesRefuseInvalidIds() throws {
        var generator = RandomGenerator(seed: 7)
        let spaces = try EnvironmentSpaces(environment(denseColumn: true))
        let dqn = try DQNAgent(spaces: spaces, generator: &generator)
        let ppo = try PPOAgent(spaces: spaces, generator: &generator)
        for policy in [dqn.greedyPolicy, dqn.explorationPolicy, ppo.greedyPolicy, ppo.explorationPolicy] {
            #expect(try policy.action(for: [3, 0.5]) >= 0)
            for bad: Float in [Float(Self.vocabulary), -1, 1.5, .nan] {
                #expect(throws: NetworkError.invalidInput(field: "row 0, id column 0", value: "\(bad)",
                                                          expected: "a whole number in 0..<\(Self.vocabulary)")) {
                    _ = try policy.action(for: [bad, 0.5])
                }
            }
            #expect(throws: NetworkError.self) { _ = try policy.scores(for: [Float(Self.vocabulary), 0.5]) }
        }
    }

    /// `itemEmbeddingWidth`: 0 to 1,024, decoded with its default when missing, in the summary, and
    /// its table counted in the memory estimate.
    @Test func configurationField() throws {
        let decoded = try JSONDecoder().decode(DQNConfiguration.self, from: Data(#"{"nSteps": 2}"#.utf8))
        #expect(decoded.itemEmbeddingWidth == 16)
        #expect(try JSONDecoder().decode(SACConfiguration.self, from: Data(#"{"itemEmbeddingWidth": 0}"#.utf8)).itemEmbeddingWidth == 0)
        var dqn = DQNConfiguration(), a2c = A2CConfiguration(), ppo = PPOConfiguration(), sac = SACConfiguration()
        dqn.itemEmbeddingWidth = 1_025
        a2c.itemEmbeddingWidth = -1
        ppo.itemEmbeddingWidth = 1_025
        sac.itemEmbeddingWidth = 1_025
        let configurations: [AlgorithmConfiguration] = [dqn, a2c, ppo, sac]
        for configuration in configurations {
            #expect(throws: ConfigurationError.self) { try configuration.validate() }
            #expect { try configuration.validate() } throws: { ($0 as? ConfigurationError)?.field == "itemEmbeddingWidth" }
        }
        #expect(DQNConfiguration().summary.contains("item embedding 16"))
        // A vocabulary of 2^24 ids at width 1,024 is 64 GiB per table: refused, charged to the width.
        dqn.itemEmbeddingWidth = 1_024
        let huge = ObservationIds(columns: 1, vocabulary: 1 << 24)
        let bounded: [MemoryBoundedConfiguration] = [dqn, { var c = A2CConfiguration(); c.itemEmbeddingWidth = 1_024; return c }(),
                                                     { var c = PPOConfiguration(); c.itemEmbeddingWidth = 1_024; return c }(),
                                                     { var c = SACConfiguration(); c.itemEmbeddingWidth = 1_024; return c }()]
        for configuration in bounded {
            try configuration.validateMemory(copies: 4, observationWidth: 5, actions: 4)
            #expect { try configuration.validateMemory(copies: 4, observationWidth: 5, actions: 4, observationIds: huge) } throws: {
                ($0 as? ConfigurationError)?.field == "itemEmbeddingWidth"
            }
        }
    }
}
