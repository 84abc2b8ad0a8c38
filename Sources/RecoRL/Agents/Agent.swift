import Foundation
import RecoEnvironments
import RecoNetworks
import RecoTensor

/// What every agent offers, whatever its algorithm: training on a batched environment, greedy acting,
/// per-action scores for explanations, and checkpoints. The command line, evaluations and benchmarks
/// work through this protocol.
public protocol Agent: AnyObject {
    /// The algorithm's short name (`dqn`, `a2c`, `ppo`, `sac`), as written in checkpoints.
    var algorithm: String { get }
    var observationDimension: Int { get }
    var actionCount: Int { get }
    /// Gradient steps taken.
    var gradientStepCount: Int { get }
    /// What `actionScores` returns: Q values or probabilities.
    var actionScoreKind: ActionScoreKind { get }

    /// The agent's best action (highest score, lowest index on ties) for each of `N` observations.
    func greedyActions(_ observations: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>)
    /// Each action's score for each observation (`N x A`), as a view valid until the agent's next forward pass.
    func actionScores(_ observations: MatrixView) -> MatrixView
    /// Trains for `steps` environment steps (over all copies), calling `report` every `reportInterval`
    /// steps and at the end. The environment is reset with `seed`; all other randomness comes from
    /// `generator`. Throws `TrainingError.diverged` when an update's loss stops being finite.
    func train(on environment: BatchedEnvironment, steps: Int, seed: UInt64, generator: inout RandomGenerator,
               reportInterval: Int, report: (TrainingProgress) -> Void) throws
    /// Writes the networks, optimiser state and hyper-parameters to `url`, with `metadata` alongside.
    func save(to url: URL, metadata: [String: String]) throws
}

/// The meaning of an agent's per-action scores.
public enum ActionScoreKind: String, Sendable {
    /// Expected discounted return of taking the action (value-based agents).
    case qValue = "Q value"
    /// Probability that the policy picks the action (policy-based agents).
    case probability = "probability"
}

extension DQNAgent: Agent {
    public var algorithm: String { "dqn" }
    public var actionScoreKind: ActionScoreKind { .qValue }
    public func actionScores(_ observations: MatrixView) -> MatrixView { values(observations) }
}

/// Loading any agent from a checkpoint, by the algorithm it records.
public enum AgentCheckpoint {
    /// Rebuilds the agent saved at `url` (its algorithm is read from the file) for acting on batches of up
    /// to `maxActingBatch` observations and training on `environments` copies; returns it with the
    /// file's metadata.
    public static func load(from url: URL, environments: Int = 1, maxActingBatch: Int = 256) throws -> (agent: Agent, metadata: [String: String]) {
        let checkpoint = try Checkpoint.read(from: url)
        let algorithm = checkpoint.metadata[AgentMetadataKey.algorithm] ?? "nothing"
        switch algorithm {
        case "dqn":
            let loaded = try DQNAgent.load(from: url, environments: environments, maxActingBatch: maxActingBatch)
            return (loaded.agent, loaded.metadata)
        case "a2c":
            return (try A2CAgent(checkpoint: checkpoint, path: url.path, environments: environments, maxActingBatch: maxActingBatch),
                    checkpoint.metadata)
        case "ppo":
            return (try PPOAgent(checkpoint: checkpoint, path: url.path, environments: environments, maxActingBatch: maxActingBatch),
                    checkpoint.metadata)
        case "sac":
            return (try SACAgent(checkpoint: checkpoint, path: url.path, environments: environments, maxActingBatch: maxActingBatch),
                    checkpoint.metadata)
        default:
            throw CheckpointError.invalidField(path: url.path, field: "__metadata__.algorithm", value: algorithm,
                                               expected: "one of dqn, a2c, ppo, sac")
        }
    }

    /// Decodes the JSON configuration stored under `key` in a checkpoint's metadata.
    static func configuration<C: Decodable>(_ type: C.Type, in checkpoint: Checkpoint, key: String, path: String) throws -> C {
        let text = checkpoint.metadata[key] ?? ""
        do {
            return try JSONDecoder().decode(C.self, from: Data(text.utf8))
        } catch {
            throw CheckpointError.invalidField(path: path, field: "__metadata__.\(key)", value: text.isEmpty ? "nothing" : text,
                                               expected: "a \(C.self) in JSON (\(error))")
        }
    }

    /// The gradient steps a checkpoint records (0 when it records none).
    static func gradientSteps(in checkpoint: Checkpoint) -> Int {
        Int(checkpoint.metadata[AgentMetadataKey.gradientSteps] ?? "0") ?? 0
    }

    /// `configuration` as compact JSON for checkpoint metadata.
    static func encode<C: Encodable>(_ configuration: C) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(configuration), as: UTF8.self)
    }
}

/// Metadata keys the agents write besides their networks.
enum AgentMetadataKey {
    static let algorithm = "algorithm"
    static let gradientSteps = "gradient_steps"

    /// The key of an algorithm's configuration (`<algorithm>_configuration`).
    static func configuration(_ algorithm: String) -> String { "\(algorithm)_configuration" }
}

extension Agent {
    /// The metadata every agent's checkpoint carries (algorithm, `configuration` in JSON, gradient
    /// steps), added to the caller's `metadata`.
    func checkpointMetadata<C: Encodable>(_ configuration: C, adding metadata: [String: String]) throws -> [String: String] {
        var all = metadata
        all[AgentMetadataKey.algorithm] = algorithm
        all[AgentMetadataKey.configuration(algorithm)] = try AgentCheckpoint.encode(configuration)
        all[AgentMetadataKey.gradientSteps] = String(gradientStepCount)
        return all
    }
}
