import Foundation
import RecoNetworks

/// The parts of an on-policy checkpoint (A2C, PPO): configuration, networks and step count, checked against each other.
func loadOnPolicyParts<C: Decodable>(_ type: C.Type, algorithm: String, checkpoint: Checkpoint, path: String,
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
