import Foundation
import Testing
import RecoEnvironments
import RecoExperiments
import RecoNetworks
@testable import RecoRL
import RecoSimulators
import RecoTensor

@Suite struct PolicyAgentCheckpointTests {
    func temporaryURL(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("recorl-\(name)-\(UUID().uuidString).safetensors")
    }

    /// A briefly trained agent of each algorithm comes back from its checkpoint with the same scores for
    /// every action, the same greedy actions and the same step count.
    @Test(arguments: ["a2c", "ppo", "sac"])
    func checkpointRestoresTheAgent(algorithm: String) throws {
        var generator = RandomGenerator(seed: 51)
        let environment = VectorEnvironment(copies: 4) { _ in MarketingEnvironment() }
        let agent: Agent
        switch algorithm {
        case "a2c":
            var configuration = A2CConfiguration.marketing
            configuration.sharedNetwork = true
            configuration.maxGradientNorm = nil
            agent = try A2CAgent(configuration: configuration, for: environment, generator: &generator)
        case "ppo":
            agent = try PPOAgent(configuration: .marketing, for: environment, generator: &generator)
        default:
            var configuration = SACConfiguration.marketing
            configuration.learningStarts = 100
            agent = try SACAgent(configuration: configuration, for: environment, generator: &generator)
        }
        try agent.train(on: environment, steps: 1_024, seed: 3, generator: &generator)
        let url = temporaryURL(algorithm)
        defer { try? FileManager.default.removeItem(at: url) }
        try agent.save(to: url, metadata: ["environment": "marketing"])
        let (loaded, metadata) = try AlgorithmRegistry.standard.load(from: url)
        #expect(loaded.algorithm == algorithm && metadata["environment"] == "marketing")
        #expect(loaded.gradientStepCount == agent.gradientStepCount && agent.gradientStepCount > 0)
        environment.reset(seed: 9)
        let expected = Matrix(rows: 4, columns: 18), restored = Matrix(rows: 4, columns: 18)
        try agent.greedyPolicy.scores(environment.observations, into: expected.view)
        try loaded.greedyPolicy.scores(environment.observations, into: restored.view)
        #expect(restored.toArray() == expected.toArray())
        if let sac = agent as? SACAgent, let restored = loaded as? SACAgent {
            #expect(restored.temperature == sac.temperature)
            #expect(restored.configuration == sac.configuration)
        }
        if let a2c = loaded as? A2CAgent {
            #expect(a2c.networks.isShared && a2c.configuration.maxGradientNorm == nil)
        }
    }

    /// A checkpoint naming an algorithm the engine does not have is refused with the field and value.
    @Test func unknownAlgorithmIsRefused() throws {
        var generator = RandomGenerator(seed: 52)
        let agent = try PPOAgent(configuration: .cartPole, for: VectorEnvironment(copies: 1) { _ in CartPole() },
                                 generator: &generator)
        let url = temporaryURL("unknown")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint(items: agent.networks.checkpointItems, metadata: ["algorithm": "reinforce"]).write(to: url)
        #expect {
            _ = try AlgorithmRegistry.standard.load(from: url)
        } throws: { error in
            "\(error)".contains("__metadata__.algorithm") && "\(error)".contains("reinforce")
        }
    }

    /// Configuration files: missing fields keep their defaults, unknown ones are errors naming the field,
    /// and an optional turned off (`null`) survives a round trip.
    @Test func configurationsDecodePartiallyAndRoundTrip() throws {
        let ppo = try JSONDecoder().decode(PPOConfiguration.self, from: Data(#"{"epochs": 10, "targetKL": 0.02}"#.utf8))
        #expect(ppo.epochs == 10 && ppo.targetKL == 0.02 && ppo.clipRange == PPOConfiguration().clipRange)
        var a2c = A2CConfiguration()
        a2c.maxGradientNorm = nil
        let decoded = try JSONDecoder().decode(A2CConfiguration.self, from: JSONEncoder().encode(a2c))
        #expect(decoded == a2c)
        #expect(throws: ConfigurationError(field: "clipRatio", value: nil, expected: "one of " + [
            "activation", "adamEpsilon", "annealLearningRate", "clipRange", "clipValueLoss", "encoder", "encoderWidth", "entropyCoefficient", "epochs",
            "gaeLambda", "gamma", "hiddenLayers", "itemEmbeddingWidth", "learningRate", "maxGradientNorm", "minibatches",
            "normalizeAdvantages", "rolloutSteps", "sharedNetwork", "targetKL", "valueCoefficient"].joined(separator: ", "))) {
            _ = try JSONDecoder().decode(PPOConfiguration.self, from: Data(#"{"clipRatio": 0.1}"#.utf8))
        }
        var sac = SACConfiguration()
        sac.targetEntropyFraction = 1.5
        #expect(throws: ConfigurationError(field: "targetEntropyFraction", value: "1.5", expected: "a number in [0, 1)")) {
            try sac.validate()
        }
        var tooMany = PPOConfiguration()
        tooMany.minibatches = 600
        #expect(throws: ConfigurationError.self) { try tooMany.validate(copies: 4) }
    }
}
