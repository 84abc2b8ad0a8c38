import Foundation
import RecoExperiments

extension ServedPolicy {
    /// The greedy policy of the agent saved at `checkpoint` (`SavedAgent.load`, with `dataset` for an
    /// environment over data), with its environment's action names, and that environment. Its version
    /// is the algorithm and a hash of the checkpoint's bytes (`dqn-1f3a...`), so a new checkpoint gets a
    /// new version. Throws `ExperimentError` naming `--checkpoint` when the file is missing or does not fit.
    public static func model(checkpoint: String, dataset: String? = nil) throws -> (policy: ServedPolicy, environment: EnvironmentEntry) {
        let (agent, environment) = try SavedAgent.load(checkpoint, dataset: dataset)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: checkpoint))
        let version = "\(agent.algorithm)-" + String(FNV1a.hash(bytes), radix: 16)
        return (try ServedPolicy(policy: agent.greedyPolicy, version: version, actionNames: environment.actionNames), environment)
    }

    /// The greedy policy of the checkpoint at `path`, to roll out beside a policy serving
    /// `servingEnvironment`: a 422 `ServingError` naming `checkpoint` when it cannot be read or was
    /// trained on another environment.
    public static func candidate(checkpoint path: String, dataset: String?, servingEnvironment: String) throws -> ServedPolicy {
        let loaded: (policy: ServedPolicy, environment: EnvironmentEntry)
        do {
            loaded = try model(checkpoint: path, dataset: dataset)
        } catch {
            throw ServingError(.unprocessableContent, field: "checkpoint", value: path, expected: "a readable checkpoint (\(error))")
        }
        guard loaded.environment.name == servingEnvironment else {
            throw ServingError(.unprocessableContent, field: "checkpoint", value: "\(path) (trained on \(loaded.environment.name))",
                               expected: "a checkpoint trained on \(servingEnvironment), the served environment")
        }
        return loaded.policy
    }
}
