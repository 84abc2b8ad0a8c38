import Foundation
import Testing
import RecoEnvironments
import RecoNetworks
import RecoRL
import RecoSimulators
import RecoTensor

/// A checkpoint whose stored configuration contradicts its tensors (rewritten with a valid checksum, so
/// only the consistency check can catch it) is refused, for every algorithm, instead of loading networks
/// other than the configuration says.
@Suite struct CheckpointConsistencyTests {
    @Test(arguments: ["dqn", "a2c", "ppo", "sac"])
    func configurationContradictingTheTensorsIsRefused(algorithm: String) throws {
        let entry = try AlgorithmRegistry.standard.entry(named: algorithm)
        var generator = RandomGenerator(seed: 5)
        let environment = VectorEnvironment(copies: 2) { _ in MarketingEnvironment() }
        let agent = try entry.makeAgent(entry.defaultConfiguration(), spaces: EnvironmentSpaces(environment), generator: &generator)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("consistency-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try agent.save(to: url)
        _ = try AlgorithmRegistry.standard.load(from: url)   // the untouched file loads

        var checkpoint = try Checkpoint.read(from: url)
        let key = "\(algorithm)_configuration"
        let stored = try #require(checkpoint.metadata[key])
        let edited = stored.replacingOccurrences(of: #""hiddenLayers":[128,128]"#, with: #""hiddenLayers":[128,64]"#)
            .replacingOccurrences(of: #""hiddenLayers":[64,64]"#, with: #""hiddenLayers":[64,32]"#)
        #expect(edited != stored, "the default hidden layers are in \(stored)")
        checkpoint.metadata[key] = edited
        try checkpoint.write(to: url)
        #expect {
            _ = try AlgorithmRegistry.standard.load(from: url)
        } throws: { error in
            "\(error)".contains("does not describe the stored networks")
        }
    }
}
