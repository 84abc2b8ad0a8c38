import Foundation
import RecoEnvironments
import RecoNetworks
import RecoTensor

extension DQNAgent {
    /// Writes the online and target networks, the optimiser state and the configuration to `url`, with
    /// `metadata` (for example the environment's name) alongside. The replay buffer is not saved.
    public func save(to url: URL, metadata: [String: String]) throws {
        try Checkpoint(items: [.init(name: "online", network: online, optimizer: optimizer),
                               .init(name: "target", network: target)],
                       metadata: checkpointMetadata(configuration, adding: metadata)).write(to: url)
    }

    /// Rebuilds an agent saved by `save(to:metadata:)`, and returns it with the metadata.
    public static func load(from url: URL) throws -> (agent: DQNAgent, metadata: [String: String]) {
        let checkpoint = try Checkpoint.read(from: url)
        return (try DQNAgent(checkpoint: checkpoint, path: url.path), checkpoint.metadata)
    }

    /// Rebuilds an agent saved by `save(to:metadata:)` from the checkpoint read at `path`.
    public convenience init(checkpoint: Checkpoint, path: String) throws {
        let configuration = try AgentCheckpoint.configuration(DQNConfiguration.self, algorithm: "dqn", in: checkpoint, path: path)
        guard let online = checkpoint.item(named: "online"), let target = checkpoint.item(named: "target"),
              let adam = online.optimizer as? Adam else {
            throw CheckpointError.mismatch(path: path, detail: "a DQN checkpoint holds networks online (with Adam) and target")
        }
        guard online.network.specs == target.network.specs else {
            throw CheckpointError.mismatch(path: path, detail: "online and target networks have different architectures")
        }
        // The id columns come from the stored embedding, so an agent of an environment with ids rebuilds alike.
        let expected = DQNAgent.networkSpecs(configuration, observationWidth: online.network.inputWidth,
                                             observationIds: ObservationInput.ids(embeddedBy: online.network.specs),
                                             actionCount: online.network.outputWidth)
        guard online.network.specs == expected else {
            throw CheckpointError.mismatch(path: path, detail: "the stored configuration (hiddenLayers \(configuration.hiddenLayers), "
                                           + "dueling \(configuration.dueling), itemEmbeddingWidth \(configuration.itemEmbeddingWidth)) does not describe the stored networks")
        }
        // Networks come back with the saved maximum batch; updates need the configured batch.
        try self.init(configuration: configuration, online: online.network.withWorkspaces(for: configuration.batchSize),
                      target: target.network.withWorkspaces(for: configuration.batchSize), optimizer: adam,
                      gradientSteps: AgentCheckpoint.gradientSteps(in: checkpoint))
    }
}
