import RecoTensor

/// Uniform experience replay: a ring of the last `capacity` (n-step) transitions, sampled uniformly
/// with replacement.
///
/// Transitions live in preallocated, lazily zeroed columns (`capacity x D` matrices for observations
/// and next observations, one column each for actions, rewards, dones and discounts), so even 10 million
/// transitions of dimension 64 (5 GB) cost only the memory actually filled. Adding and sampling
/// allocate nothing.
public final class ReplayBuffer: Replay {
    /// Maximum number of transitions kept.
    public var capacity: Int { storage.capacity }
    /// Number of transitions stored.
    public var count: Int { storage.count }
    /// Observation dimension `D`.
    public var observationDimension: Int { storage.dimension }
    /// Number of environment copies `N` each `add` takes a step of.
    public var environments: Int { accumulator.environments }
    /// Steps `n` each transition's reward covers (fewer at the end of an episode).
    public var nSteps: Int { accumulator.nSteps }

    let storage: ReplayStorage
    private let accumulator: NStepAccumulator

    /// A buffer for `capacity` transitions with `observationDimension`-wide observations, fed by
    /// `environments` copies, forming `nSteps`-step returns discounted by `gamma`.
    public init(capacity: Int, observationDimension: Int, environments: Int, nSteps: Int = 1, gamma: Float) throws {
        storage = try ReplayStorage(capacity: capacity, dimension: observationDimension)
        accumulator = NStepAccumulator(environments: environments, nSteps: nSteps, gamma: gamma,
                                       dimension: observationDimension)
    }

    public func add(observations: MatrixView, actions: UnsafeBufferPointer<Int32>, rewards: UnsafeBufferPointer<Float>,
                    nextObservations: MatrixView, terminated: UnsafeBufferPointer<Bool>, truncated: UnsafeBufferPointer<Bool>) {
        _ = accumulator.add(observations: observations, actions: actions, rewards: rewards,
                            nextObservations: nextObservations, terminated: terminated, truncated: truncated,
                            into: storage)
    }

    /// Draws `batch.size` slots uniformly with replacement and gathers them; weights are all 1.
    public func sample(into batch: ReplayBatch, using generator: inout RandomGenerator) {
        precondition(count >= 1, "cannot sample from an empty replay buffer")
        generator.sampleWithReplacement(from: count, into: batch.indices)
        storage.gather(into: batch)
        batch.weights.update(repeating: 1)
    }

    /// Uniform replay has no priorities: does nothing.
    public func updatePriorities(of batch: ReplayBatch, tdErrors: UnsafeBufferPointer<Float>) {}
}
