import Foundation
import RecoNetworks

/// The parts of an on-policy checkpoint: configuration, networks and step count, checked against each other.
private func loadOnPolicyParts<C: Decodable>(_ type: C.Type, algorithm: String, checkpoint: Checkpoint, path: String,
                                             shared: (C) -> Bool) throws
    -> (configuration: C, networks: ActorCriticNetworks, gradientSteps: Int) {
    let configuration = try AgentCheckpoint.configuration(C.self, algorithm: algorithm, in: checkpoint, path: path)
    let networks = try ActorCriticNetworks.load(from: checkpoint, path: path)
    guard networks.isShared == shared(configuration) else {
        throw CheckpointError.mismatch(path: path, detail: "the configuration's sharedNetwork is \(shared(configuration)) "
                                       + "but the file holds \(networks.isShared ? "one shared network" : "separate actor and critic")")
    }
    return (configuration, networks, AgentCheckpoint.gradientSteps(in: checkpoint))
}

extension A2CAgent {
    /// Writes the actor and critic with their optimisers and the configuration to `url`, with `metadata`.
    public func save(to url: URL, metadata: [String: String]) throws {
        try Checkpoint(items: networks.checkpointItems, metadata: checkpointMetadata(configuration, adding: metadata)).write(to: url)
    }

    /// Rebuilds an agent saved by `save(to:metadata:)` from the checkpoint read at `path`.
    convenience init(checkpoint: Checkpoint, path: String) throws {
        let parts = try loadOnPolicyParts(A2CConfiguration.self, algorithm: "a2c", checkpoint: checkpoint, path: path,
                                          shared: \.sharedNetwork)
        try self.init(configuration: parts.configuration, networks: parts.networks, gradientSteps: parts.gradientSteps)
    }
}

extension PPOAgent {
    /// Writes the actor and critic with their optimisers and the configuration to `url`, with `metadata`.
    public func save(to url: URL, metadata: [String: String]) throws {
        try Checkpoint(items: networks.checkpointItems, metadata: checkpointMetadata(configuration, adding: metadata)).write(to: url)
    }

    /// Rebuilds an agent saved by `save(to:metadata:)` from the checkpoint read at `path`.
    convenience init(checkpoint: Checkpoint, path: String) throws {
        let parts = try loadOnPolicyParts(PPOConfiguration.self, algorithm: "ppo", checkpoint: checkpoint, path: path,
                                          shared: \.sharedNetwork)
        try self.init(configuration: parts.configuration, networks: parts.networks, gradientSteps: parts.gradientSteps)
    }
}

extension AlgorithmEntry {
    /// Synchronous advantage actor-critic.
    public static let a2c = AlgorithmEntry(
        name: "a2c", summary: "synchronous advantage actor-critic (GAE, one step per rollout)",
        configuration: A2CConfiguration.self,
        metrics: [.entropy, .explainedVariance, .learningRate, .policyLoss, .valueLoss],
        make: { configuration, spaces, generator in try A2CAgent(configuration: configuration, spaces: spaces, generator: &generator) },
        load: { checkpoint, path in try A2CAgent(checkpoint: checkpoint, path: path) })

    /// Proximal policy optimisation.
    public static let ppo = AlgorithmEntry(
        name: "ppo", summary: "proximal policy optimisation (clipped surrogate, minibatch epochs)",
        configuration: PPOConfiguration.self,
        metrics: [.approximateKL, .clipFraction, .entropy, .explainedVariance, .learningRate, .policyLoss, .stoppedEarly,
                  .valueLoss],
        make: { configuration, spaces, generator in try PPOAgent(configuration: configuration, spaces: spaces, generator: &generator) },
        load: { checkpoint, path in try PPOAgent(checkpoint: checkpoint, path: path) })
}
