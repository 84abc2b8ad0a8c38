import Foundation
import RecoNetworks

// Checkpoints of A2C and PPO: the actor (and separate critic) with their optimisers, and the
// configuration, checked against each other when read back.
extension ActorCriticAgent {
    /// Writes the actor and critic with their optimisers and the configuration to `url`, with `metadata`.
    public func save(to url: URL, metadata: [String: String]) throws {
        try Checkpoint(items: networks.checkpointItems, metadata: checkpointMetadata(configuration, adding: metadata)).write(to: url)
    }

    /// Rebuilds an agent saved by `save(to:metadata:)` from the checkpoint read at `path`; the stored
    /// configuration must describe the stored networks (an edited `hiddenLayers`, `activation` or
    /// `sharedNetwork` would otherwise load networks other than the configuration says). The id columns
    /// an embedding reads come from the stored networks' first layer, so agents trained on an
    /// environment with ids load with the same architecture.
    public init(checkpoint: Checkpoint, path: String) throws {
        let configuration = try AgentCheckpoint.configuration(Configuration.self, algorithm: Self.algorithmName,
                                                              in: checkpoint, path: path)
        let networks = try ActorCriticNetworks.load(from: checkpoint, path: path)
        let expected = ActorCriticNetworks.specs(observationWidth: networks.observationWidth,
                                                 observationIds: ObservationInput.ids(embeddedBy: networks.actor.specs),
                                                 itemEmbeddingWidth: configuration.itemEmbeddingWidth, encoder: configuration.encoder,
                                                 encoderWidth: configuration.encoderWidth, actionCount: networks.actionCount,
                                                 hidden: configuration.hiddenLayers, activation: configuration.activation.layer,
                                                 shared: configuration.sharedNetwork)
        guard networks.actor.specs == expected.actor, networks.critic?.specs == expected.critic else {
            throw CheckpointError.mismatch(path: path, detail: "the stored configuration (hiddenLayers \(configuration.hiddenLayers), "
                                           + "activation, sharedNetwork \(configuration.sharedNetwork), "
                                           + "itemEmbeddingWidth \(configuration.itemEmbeddingWidth)) does not describe the stored networks")
        }
        try self.init(configuration: configuration, networks: networks, gradientSteps: AgentCheckpoint.gradientSteps(in: checkpoint))
    }
}
