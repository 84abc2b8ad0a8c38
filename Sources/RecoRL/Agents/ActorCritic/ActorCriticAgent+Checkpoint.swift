import Foundation
import RecoNetworks

/// The parts of an on-policy checkpoint (A2C, PPO): configuration, networks and step count, checked against each other.
func loadOnPolicyParts<C: Decodable>(_ type: C.Type, algorithm: String, checkpoint: Checkpoint, path: String,
                                     shared: (C) -> Bool, hidden: (C) -> [Int], activation: (C) -> LayerSpec) throws
    -> (configuration: C, networks: ActorCriticNetworks, gradientSteps: Int) {
    let configuration = try AgentCheckpoint.configuration(C.self, algorithm: algorithm, in: checkpoint, path: path)
    let networks = try ActorCriticNetworks.load(from: checkpoint, path: path)
    guard networks.isShared == shared(configuration) else {
        throw CheckpointError.mismatch(path: path, detail: "the configuration's sharedNetwork is \(shared(configuration)) "
                                       + "but the file holds \(networks.isShared ? "one shared network" : "separate actor and critic")")
    }
    // The stored configuration must describe the stored networks (an edited hiddenLayers or activation
    // would otherwise load and train networks other than the configuration says).
    let expected = ActorCriticNetworks.specs(observationWidth: networks.observationWidth, actionCount: networks.actionCount,
                                             hidden: hidden(configuration), activation: activation(configuration),
                                             shared: shared(configuration))
    guard networks.actor.specs == expected.actor, networks.critic?.specs == expected.critic else {
        throw CheckpointError.mismatch(path: path, detail: "the stored configuration (hiddenLayers \(hidden(configuration)), "
                                       + "activation, sharedNetwork) does not describe the stored networks")
    }
    return (configuration, networks, AgentCheckpoint.gradientSteps(in: checkpoint))
}
