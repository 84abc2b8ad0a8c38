import Foundation
import RecoNetworks
import RecoTensor

extension DQNAgent {
    /// Metadata keys this agent writes besides the networks.
    enum MetadataKey {
        static let algorithm = "algorithm"
        static let configuration = "dqn_configuration"
        static let gradientSteps = "gradient_steps"
    }

    /// Writes the online and target networks, the optimiser state and the configuration to `url`, with
    /// `metadata` (for example the environment's name) alongside. The replay buffer is not saved.
    public func save(to url: URL, metadata: [String: String] = [:]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var all = metadata
        all[MetadataKey.algorithm] = "dqn"
        all[MetadataKey.configuration] = String(decoding: try encoder.encode(configuration), as: UTF8.self)
        all[MetadataKey.gradientSteps] = String(gradientStepCount)
        try Checkpoint(items: [.init(name: "online", network: online, optimizer: optimizer),
                               .init(name: "target", network: target)], metadata: all).write(to: url)
    }

    /// Rebuilds an agent saved by `save(to:metadata:)`, and returns it with the metadata.
    public static func load(from url: URL, environments: Int = 1, maxActingBatch: Int = 256) throws -> (agent: DQNAgent, metadata: [String: String]) {
        let path = url.path
        let checkpoint = try Checkpoint.read(from: url)
        guard checkpoint.metadata[MetadataKey.algorithm] == "dqn" else {
            throw CheckpointError.invalidField(path: path, field: "__metadata__.algorithm",
                                               value: checkpoint.metadata[MetadataKey.algorithm] ?? "nothing", expected: "dqn")
        }
        let configuration: DQNConfiguration
        do {
            configuration = try JSONDecoder().decode(DQNConfiguration.self,
                                                     from: Data((checkpoint.metadata[MetadataKey.configuration] ?? "").utf8))
        } catch {
            throw CheckpointError.invalidField(path: path, field: "__metadata__.\(MetadataKey.configuration)",
                                               value: checkpoint.metadata[MetadataKey.configuration] ?? "nothing",
                                               expected: "a DQN configuration in JSON (\(error))")
        }
        guard let online = checkpoint.item(named: "online"), let target = checkpoint.item(named: "target"),
              let adam = online.optimizer as? Adam else {
            throw CheckpointError.mismatch(path: path, detail: "a DQN checkpoint holds networks online (with Adam) and target")
        }
        guard online.network.specs == target.network.specs else {
            throw CheckpointError.mismatch(path: path, detail: "online and target networks have different architectures")
        }
        // Networks come back with the saved maximum batch; rebuild workspaces if acting needs more.
        let needed = max(configuration.batchSize, maxActingBatch)
        let onlineNetwork = try resized(online.network, maxBatch: needed)
        let targetNetwork = try resized(target.network, maxBatch: needed)
        let agent = try DQNAgent(configuration: configuration, online: onlineNetwork, target: targetNetwork, optimizer: adam,
                                 environments: environments,
                                 gradientSteps: Int(checkpoint.metadata[MetadataKey.gradientSteps] ?? "0") ?? 0)
        return (agent, checkpoint.metadata)
    }

    private static func resized(_ network: SequentialNetwork, maxBatch: Int) throws -> SequentialNetwork {
        if network.maxBatch >= maxBatch { return network }
        var unused = RandomGenerator(seed: 0)
        let larger = try SequentialNetwork(network.specs, maxBatch: maxBatch, generator: &unused)
        larger.copyParameters(from: network)
        return larger
    }
}
