import Foundation
import RecoNetworks
import RecoTensor

extension DQNAgent {
    /// Writes the online and target networks, the optimiser state and the configuration to `url`, with
    /// `metadata` (for example the environment's name) alongside. The replay buffer is not saved.
    public func save(to url: URL, metadata: [String: String] = [:]) throws {
        try Checkpoint(items: [.init(name: "online", network: online, optimizer: optimizer),
                               .init(name: "target", network: target)],
                       metadata: checkpointMetadata(configuration, adding: metadata)).write(to: url)
    }

    /// Rebuilds an agent saved by `save(to:metadata:)`, and returns it with the metadata.
    public static func load(from url: URL, environments: Int = 1, maxActingBatch: Int = 256) throws -> (agent: DQNAgent, metadata: [String: String]) {
        let path = url.path
        let checkpoint = try Checkpoint.read(from: url)
        guard checkpoint.metadata[AgentMetadataKey.algorithm] == "dqn" else {
            throw CheckpointError.invalidField(path: path, field: "__metadata__.algorithm",
                                               value: checkpoint.metadata[AgentMetadataKey.algorithm] ?? "nothing", expected: "dqn")
        }
        let configuration = try AgentCheckpoint.configuration(DQNConfiguration.self, in: checkpoint,
                                                              key: AgentMetadataKey.configuration("dqn"), path: path)
        guard let online = checkpoint.item(named: "online"), let target = checkpoint.item(named: "target"),
              let adam = online.optimizer as? Adam else {
            throw CheckpointError.mismatch(path: path, detail: "a DQN checkpoint holds networks online (with Adam) and target")
        }
        guard online.network.specs == target.network.specs else {
            throw CheckpointError.mismatch(path: path, detail: "online and target networks have different architectures")
        }
        // Networks come back with the saved maximum batch; rebuild workspaces if acting needs more.
        let needed = max(configuration.batchSize, maxActingBatch)
        let onlineNetwork = try online.network.withWorkspaces(for: needed)
        let targetNetwork = try target.network.withWorkspaces(for: needed)
        let agent = try DQNAgent(configuration: configuration, online: onlineNetwork, target: targetNetwork, optimizer: adam,
                                 environments: environments,
                                 gradientSteps: AgentCheckpoint.gradientSteps(in: checkpoint))
        return (agent, checkpoint.metadata)
    }
}
