import Foundation
import RecoTensor

/// Uniform experience replay: a ring of the last `capacity` (n-step) transitions, sampled uniformly
/// with replacement. N-step returns are formed before transitions arrive (see `NStepAccumulator`).
///
/// Transitions live in preallocated, lazily zeroed columns (`capacity x D` matrices for observations
/// and next observations, one column each for actions, rewards, dones and discounts), so even 10 million
/// transitions of width 64 (5 GB) cost only the memory actually filled. Adding and sampling
/// allocate nothing.
public final class ReplayBuffer: Replay {
    /// Maximum number of transitions kept.
    public var capacity: Int { storage.capacity }
    /// Number of transitions stored.
    public var count: Int { storage.count }
    /// Observation width `D`.
    public var observationWidth: Int { storage.observationWidth }

    let storage: ReplayStorage

    /// A buffer for `capacity` transitions with `observationWidth`-wide observations.
    public init(capacity: Int, observationWidth: Int) throws {
        storage = try ReplayStorage(capacity: capacity, observationWidth: observationWidth)
    }

    public func add(_ batch: TransitionBatch) { storage.append(batch) }

    public func write(to url: URL) throws { try storage.write(to: url, maxPriority: nil, priorities: nil) }

    public func read(from url: URL) throws { _ = try storage.read(from: url, setPriority: nil) }

    /// Draws `batch.size` slots uniformly with replacement and gathers them; weights are all 1.
    public func sample(into batch: ReplayBatch, using generator: inout RandomGenerator) {
        precondition(count >= 1, "cannot sample from an empty replay buffer")
        generator.sampleWithReplacement(from: count, into: batch.indices)
        storage.gather(into: batch)
        batch.weights.update(repeating: 1)
    }
}
