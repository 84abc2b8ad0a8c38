import RecoEnvironments
import RecoTensor

/// Storage of past transitions that an off-policy agent learns from.
///
/// `add` takes one environment step of all `N` copies at once; n-step returns are formed per copy as
/// the steps arrive. `sample` fills a caller-owned batch. Prioritized buffers also take the new
/// priorities of the sampled transitions after each update.
public protocol Replay: AnyObject {
    /// Maximum number of transitions kept; the oldest are overwritten first.
    var capacity: Int { get }
    /// Number of transitions stored (at most `capacity`).
    var count: Int { get }
    /// Records one step of every environment copy: `observations` (`N x D`) are the observations the
    /// actions were taken in; `nextObservations` (`N x D`) what followed: for a copy whose episode
    /// ended this step, the final observation of that episode (not the reset one).
    func add(observations: MatrixView, actions: UnsafeBufferPointer<Int32>, rewards: UnsafeBufferPointer<Float>,
             nextObservations: MatrixView, terminated: UnsafeBufferPointer<Bool>, truncated: UnsafeBufferPointer<Bool>)
    /// Fills `batch` with `batch.size` transitions drawn from what is stored (needs `count >= 1`).
    func sample(into batch: ReplayBatch, using generator: inout RandomGenerator)
    /// Gives the transitions of the last sampled `batch` new priorities from their TD errors
    /// (`batch.size` values). Uniform replay ignores it.
    func updatePriorities(of batch: ReplayBatch, tdErrors: UnsafeBufferPointer<Float>)
}
