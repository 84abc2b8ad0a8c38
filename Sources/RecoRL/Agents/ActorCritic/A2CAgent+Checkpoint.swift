import Foundation
import RecoNetworks

extension A2CAgent {
    /// Writes the actor and critic with their optimisers and the configuration to `url`, with `metadata`.
    public func save(to url: URL, metadata: [String: String]) throws {
        try Checkpoint(items: networks.checkpointItems, metadata: checkpointMetadata(configuration, adding: metadata)).write(to: url)
    }

    /// Rebuilds an agent saved by `save(to:metadata:)` from the checkpoint read at `path`.
    public convenience init(checkpoint: Checkpoint, path: String) throws {
        let parts = try loadOnPolicyParts(A2CConfiguration.self, algorithm: "a2c", checkpoint: checkpoint, path: path,
                                          shared: \.sharedNetwork, hidden: \.hiddenLayers, activation: { $0.activation.layer })
        try self.init(configuration: parts.configuration, networks: parts.networks, gradientSteps: parts.gradientSteps)
    }
}
