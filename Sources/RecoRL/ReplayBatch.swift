import RecoTensor

/// A sampled batch of transitions, in buffers the caller owns and reuses every update.
///
/// Row `i` is one transition: from `observations[i]` the agent took `actions[i]`, collected the
/// (n-step, discounted) reward `rewards[i]` and reached `nextObservations[i]`. The Bellman target is
/// `rewards[i] + discounts[i] * (1 - dones[i]) * V(nextObservations[i])`, where `discounts[i]` is
/// `gamma^k` for the `k <= n` steps the reward covers and `dones[i]` is 1 when the episode terminated
/// within them (a truncation is not a termination: it bootstraps). `weights[i]` is the importance
/// weight of prioritized replay (1 for uniform replay) and `indices[i]` the slot it came from.
public final class ReplayBatch {
    /// Number of transitions `B`.
    public let size: Int
    /// `B x D`.
    public let observations: Matrix
    /// `B x D`.
    public let nextObservations: Matrix
    public let actions: UnsafeMutableBufferPointer<Int32>
    public let rewards: UnsafeMutableBufferPointer<Float>
    public let dones: UnsafeMutableBufferPointer<Float>
    public let discounts: UnsafeMutableBufferPointer<Float>
    public let weights: UnsafeMutableBufferPointer<Float>
    public let indices: UnsafeMutableBufferPointer<Int>

    /// Buffers for `size` transitions with observations of `dimension`.
    public init(size: Int, observationDimension dimension: Int) {
        precondition(size >= 1 && dimension >= 1, "replay batch needs positive size and dimension")
        self.size = size
        observations = Matrix(rows: size, columns: dimension)
        nextObservations = Matrix(rows: size, columns: dimension)
        actions = .allocate(capacity: size)
        actions.initialize(repeating: 0)
        rewards = .allocate(capacity: size)
        rewards.initialize(repeating: 0)
        dones = .allocate(capacity: size)
        dones.initialize(repeating: 0)
        discounts = .allocate(capacity: size)
        discounts.initialize(repeating: 0)
        weights = .allocate(capacity: size)
        weights.initialize(repeating: 1)
        indices = .allocate(capacity: size)
        indices.initialize(repeating: 0)
    }

    deinit {
        actions.deallocate()
        rewards.deallocate()
        dones.deallocate()
        discounts.deallocate()
        weights.deallocate()
        indices.deallocate()
    }
}
