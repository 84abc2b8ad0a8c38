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
    public var actions: UnsafeMutableBufferPointer<Int32> { actionStorage.elements }
    public var rewards: UnsafeMutableBufferPointer<Float> { rewardStorage.elements }
    public var dones: UnsafeMutableBufferPointer<Float> { doneStorage.elements }
    public var discounts: UnsafeMutableBufferPointer<Float> { discountStorage.elements }
    public var weights: UnsafeMutableBufferPointer<Float> { weightStorage.elements }
    public var indices: UnsafeMutableBufferPointer<Int> { indexStorage.elements }
    private let actionStorage: OwnedBuffer<Int32>
    private let rewardStorage, doneStorage, discountStorage, weightStorage: OwnedBuffer<Float>
    private let indexStorage: OwnedBuffer<Int>

    /// Buffers for `size` transitions with observations of `observationWidth` values.
    public init(size: Int, observationWidth dimension: Int) {
        precondition(size >= 1 && dimension >= 1, "replay batch needs positive size and observation width")
        self.size = size
        observations = Matrix(rows: size, columns: dimension)
        nextObservations = Matrix(rows: size, columns: dimension)
        actionStorage = OwnedBuffer(repeating: 0, count: size)
        rewardStorage = OwnedBuffer(repeating: 0, count: size)
        doneStorage = OwnedBuffer(repeating: 0, count: size)
        discountStorage = OwnedBuffer(repeating: 0, count: size)
        weightStorage = OwnedBuffer(repeating: 1, count: size)
        indexStorage = OwnedBuffer(repeating: 0, count: size)
    }
}
