import Foundation
import RecoEnvironments
import RecoNetworks
import RecoTensor

/// What every agent offers, whatever its algorithm: its policies, a trainer, and checkpoints. The
/// command line, the algorithm registry, evaluations and benchmarks work through this protocol.
///
/// An agent is not reentrant: train it from one thread. Its policies are safe to share between
/// threads (see `Policy`) while it is not training.
public protocol Agent: AnyObject {
    /// The algorithm's registry name (`dqn`, `a2c`, `ppo`, `sac`), as written in checkpoints.
    var algorithm: String { get }
    /// Width `D` of the observations it acts on.
    var observationWidth: Int { get }
    /// Number of discrete actions `A`.
    var actionCount: Int { get }
    /// Gradient steps taken.
    var gradientStepCount: Int { get }
    /// The policy to deploy and evaluate: the best action by the agent's current estimates.
    var greedyPolicy: Policy { get }
    /// The policy the agent collects experience with (epsilon-greedy for value agents, sampling for
    /// policy agents), at its current exploration settings.
    var explorationPolicy: Policy { get }
    /// The trainer that drives this agent's learning loop (off-policy or on-policy).
    func makeTrainer() -> Trainer
    /// Writes the networks, optimiser state and hyper-parameters to `url`, with `metadata` alongside.
    func save(to url: URL, metadata: [String: String]) throws
}

/// A training loop: steps a batched environment, feeds the agent's learner, runs callbacks.
public protocol Trainer {
    /// Trains for `steps` environment steps (over all copies; rounded up to whole vector steps or
    /// rollouts). The environment is reset with `seed`; all other randomness comes from `generator`.
    /// Returns the final progress. Throws `TrainingError` when the environment does not fit the agent
    /// or an update diverges, and whatever a callback throws.
    ///
    /// Resumable runs: `snapshots` receives the run's state every `interval` steps and at the end;
    /// `resuming` continues a run from such a state (with the agent and replay restored from the same
    /// moment and the same callbacks) instead of resetting the environment, and then runs exactly as
    /// the uninterrupted run would have.
    func train(on environment: BatchedEnvironment, steps: Int, seed: UInt64, generator: inout RandomGenerator,
               callbacks: [TrainingCallback], snapshots: TrainingSnapshotWriter?, resuming: TrainingState?) throws
        -> TrainingProgress
}

extension Agent {
    /// Trains with the agent's own trainer (see `Trainer.train`).
    @discardableResult
    public func train(on environment: BatchedEnvironment, steps: Int, seed: UInt64, generator: inout RandomGenerator,
                      callbacks: [TrainingCallback] = [], snapshots: TrainingSnapshotWriter? = nil,
                      resuming: TrainingState? = nil) throws -> TrainingProgress {
        try makeTrainer().train(on: environment, steps: steps, seed: seed, generator: &generator, callbacks: callbacks,
                                snapshots: snapshots, resuming: resuming)
    }

    /// Writes a checkpoint without extra metadata.
    public func save(to url: URL) throws { try save(to: url, metadata: [:]) }

    /// Throws unless `environment` shows observations of this agent's width and takes its actions.
    func checkFits(_ environment: BatchedEnvironment) throws {
        guard environment.observationSpace.width == observationWidth else {
            throw TrainingError.incompatibleEnvironment(field: "observationSpace.width",
                                                        value: "\(environment.observationSpace.width)",
                                                        expected: "\(observationWidth), the agent's observation width")
        }
        guard environment.actionSpace.choices == actionCount else {
            throw TrainingError.incompatibleEnvironment(field: "actionSpace", value: "\(environment.actionSpace)",
                                                        expected: "discrete(\(actionCount)), the agent's actions")
        }
    }
}

/// Metadata keys the agents write besides their networks.
enum AgentMetadataKey {
    static let algorithm = "algorithm"
    static let gradientSteps = "gradient_steps"

    /// The key of an algorithm's configuration (`<algorithm>_configuration`).
    static func configuration(_ algorithm: String) -> String { "\(algorithm)_configuration" }
}

/// Reading and writing the metadata every agent's checkpoint carries.
enum AgentCheckpoint {
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

    /// The configuration of `algorithm`, after checking that the checkpoint was written by that algorithm.
    static func configuration<C: Decodable>(_ type: C.Type, algorithm: String, in checkpoint: Checkpoint,
                                            path: String) throws -> C {
        let recorded = checkpoint.metadata[AgentMetadataKey.algorithm] ?? "nothing"
        guard recorded == algorithm else {
            throw CheckpointError.invalidField(path: path, field: "__metadata__.algorithm", value: recorded, expected: algorithm)
        }
        return try configuration(C.self, in: checkpoint, key: AgentMetadataKey.configuration(algorithm), path: path)
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
