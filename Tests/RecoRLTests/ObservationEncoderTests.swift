import Foundation
import Testing
import RecoEnvironments
import RecoNetworks
@testable import RecoRL
import RecoTensor

/// One-step episodes whose observation is a window of 3 distinct item ids out of 4 (declared as id
/// columns), rewarded 1 for the action equal to the id in the window's first slot. The set of ids does
/// not say which came first, so a bag of items (their mean) can do no better than guess among the three
/// (1/3); a sequence encoder sees the order.
struct WindowOrderEnvironment: Environment {
    static let items = 4
    static let window = 3
    private var first = 0

    /// Every window: the 24 orderings of 3 of the 4 items.
    static let windows: [[Int]] = (0..<items).flatMap { a in
        (0..<items).flatMap { b in (0..<items).compactMap { c in Set([a, b, c]).count == 3 ? [a, b, c] : nil } }
    }

    var observationSpace: Space {
        .box(lower: [Float](repeating: 0, count: Self.window), upper: [Float](repeating: Float(Self.items - 1), count: Self.window))
    }
    var actionSpace: Space { .discrete(Self.items) }
    var observationIds: ObservationIds? { ObservationIds(columns: Self.window, vocabulary: Self.items) }

    private mutating func draw(_ generator: inout RandomGenerator, _ observation: UnsafeMutableBufferPointer<Float>) {
        let window = Self.windows[generator.index(below: Self.windows.count)]
        first = window[0]
        for (slot, id) in window.enumerated() { observation[slot] = Float(id) }
    }

    mutating func reset(using generator: inout RandomGenerator, observation: UnsafeMutableBufferPointer<Float>) {
        draw(&generator, observation)
    }

    mutating func step(_ action: UnsafeBufferPointer<Int32>, using generator: inout RandomGenerator,
                       observation: UnsafeMutableBufferPointer<Float>) -> StepOutcome {
        let reward: Float = Int(action[0]) == first ? 1 : 0
        draw(&generator, observation)
        return StepOutcome(reward: reward, terminated: true)
    }
}

@Suite struct ObservationEncoderTests {
    func configuration(_ encoder: ObservationEncoder) -> DQNConfiguration {
        var configuration = DQNConfiguration()
        configuration.encoder = encoder
        configuration.encoderWidth = 16
        configuration.itemEmbeddingWidth = 8
        configuration.hiddenLayers = [16]
        configuration.learningRate = 5e-3
        configuration.gamma = 0
        configuration.batchSize = 64
        configuration.bufferCapacity = 4_000
        configuration.learningStarts = 256
        configuration.trainFrequency = 2
        configuration.targetUpdateInterval = 50
        configuration.exploration = .constant(1)
        return configuration
    }

    /// The share of the 24 windows whose greedy action is the first item, after 12,000 steps (4 copies).
    func accuracy(_ encoder: ObservationEncoder) throws -> (DQNAgent, Double) {
        var generator = RandomGenerator(seed: 1208)
        let training = VectorEnvironment(copies: 4) { _ in WindowOrderEnvironment() }
        let agent = try DQNAgent(configuration: configuration(encoder), for: training, generator: &generator)
        try agent.train(on: training, steps: 12_000, seed: 1208, generator: &generator)
        let correct = try WindowOrderEnvironment.windows.filter { window in
            try agent.greedyPolicy.action(for: window.map(Float.init)) == window[0]
        }.count
        return (agent, Double(correct) / Double(WindowOrderEnvironment.windows.count))
    }

    /// DQN reading the window with a GRU or attention learns which item came first; the bag of items
    /// cannot tell the orderings of one set apart and stays near a guess among three.
    @Test func sequenceEncodersSeeTheOrderABagCannot() throws {
        let (bagAgent, bag) = try accuracy(.mlp)
        #expect(bagAgent.online.specs.first?.kindName == IdColumnsEmbeddingKind.name)
        #expect(bag <= 0.5, "bag of items: \(bag)")
        let (gruAgent, gru) = try accuracy(.gru)
        #expect(gruAgent.online.specs.map(\.kindName).prefix(2) == [IdColumnsSequenceKind.name, GRUKind.name])
        #expect(gru >= 0.9, "GRU: \(gru)")
        let (attentionAgent, attention) = try accuracy(.attention)
        #expect(attentionAgent.online.specs.map(\.kindName).contains(SelfAttentionKind.name))
        #expect(attention >= 0.9, "attention: \(attention)")
    }

    /// Every deep agent builds its networks with the encoder, and comes back from its checkpoint through
    /// the registry with the same scores.
    @Test(arguments: ["dqn", "a2c", "ppo", "sac"], [ObservationEncoder.gru, .attention])
    func checkpointRebuildsTheEncoder(algorithm: String, encoder: ObservationEncoder) throws {
        var generator = RandomGenerator(seed: 5)
        let training = VectorEnvironment(copies: 4) { _ in WindowOrderEnvironment() }
        let entry = try AlgorithmRegistry.standard.entry(named: algorithm)
        guard var configuration = entry.defaultConfiguration() as? any AlgorithmConfiguration & ObservationEncodingConfiguration else {
            Issue.record("\(algorithm) has no encoder settings")
            return
        }
        configuration.encoder = encoder
        configuration.encoderWidth = 8
        let agent = try entry.makeAgent(configuration, spaces: EnvironmentSpaces(training), generator: &generator)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("recorl-encoder-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try agent.save(to: url, metadata: [:])
        let (loaded, _) = try AlgorithmRegistry.standard.load(from: url)
        training.reset(seed: 9)
        let expected = Matrix(rows: 4, columns: WindowOrderEnvironment.items)
        let restored = Matrix(rows: 4, columns: WindowOrderEnvironment.items)
        try agent.greedyPolicy.scores(training.observations, into: expected.view)
        try loaded.greedyPolicy.scores(training.observations, into: restored.view)
        #expect(restored.toArray() == expected.toArray())
        #expect(throws: NetworkError.self) { _ = try loaded.greedyPolicy.action(for: [0, 1, 9]) }
    }

    /// `encoder` and `encoderWidth` decode with their defaults when missing; a bad value names its field.
    @Test func configurationFields() throws {
        let decoded = try JSONDecoder().decode(PPOConfiguration.self, from: Data(#"{"encoder": "gru", "encoderWidth": 24}"#.utf8))
        #expect(decoded.encoder == .gru && decoded.encoderWidth == 24)
        #expect(try JSONDecoder().decode(DQNConfiguration.self, from: Data("{}".utf8)).encoder == .mlp)
        #expect(throws: (any Error).self) { try JSONDecoder().decode(SACConfiguration.self, from: Data(#"{"encoder": "lstm"}"#.utf8)) }
        var attention = A2CConfiguration()
        attention.encoder = .attention
        attention.encoderWidth = 30
        #expect { try attention.validate() } throws: { ($0 as? ConfigurationError)?.field == "encoderWidth" }
        var gru = DQNConfiguration()
        gru.encoder = .gru
        gru.encoderWidth = 0
        #expect { try gru.validate() } throws: { ($0 as? ConfigurationError)?.field == "encoderWidth" }
        #expect(gru.summary.contains("encoder gru 0"))
    }
}
