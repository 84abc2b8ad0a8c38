import Foundation
import RecoTensor

/// Storage of past transitions that an off-policy learner samples from.
///
/// Collectors deliver finished (n-step) transitions through `add`; the learner draws batches with
/// `sample` into a buffer it owns. Prioritized buffers also take the new priorities of the sampled
/// transitions after each update, and an importance exponent the trainer anneals.
public protocol Replay: TransitionSink {
    /// Maximum number of transitions kept; the oldest are overwritten first.
    var capacity: Int { get }
    /// Number of transitions stored (at most `capacity`).
    var count: Int { get }
    /// Fills `batch` with `batch.size` transitions drawn from what is stored (needs `count >= 1`).
    func sample(into batch: ReplayBatch, using generator: inout RandomGenerator)
    /// Gives the transitions of the last sampled `batch` new priorities from their TD errors
    /// (`batch.size` values). Uniform replay ignores it.
    func updatePriorities(of batch: ReplayBatch, tdErrors: UnsafeBufferPointer<Float>)
    /// Sets the importance-sampling exponent beta of prioritized replay; uniform replay ignores it.
    func setImportanceExponent(_ beta: Float)
    /// Saves every stored transition (and priority) to `url`, streamed and atomically, for resuming.
    func write(to url: URL) throws
    /// Replaces the contents with those saved at `url` by a buffer of the same capacity and width.
    func read(from url: URL) throws
}

extension Replay {
    public func updatePriorities(of batch: ReplayBatch, tdErrors: UnsafeBufferPointer<Float>) {}
    public func setImportanceExponent(_ beta: Float) {}
}
