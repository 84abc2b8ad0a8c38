import Foundation
import RecoTensor

/// Proportional prioritized experience replay (Schaul, Quan, Antonoglou and Silver, 2016, "Prioritized
/// Experience Replay", ICLR).
///
/// Transition `i` is sampled with probability `P(i) = p_i / sum_j p_j`, where `p_i = (|delta_i| +
/// epsilon)^alpha` comes from its last TD error `delta_i`; new transitions get the largest priority seen
/// so far, so each is likely to be replayed soon after it arrives. The bias this sampling adds is corrected by the
/// importance weights `w_i = (N * P(i))^(-beta) / max_j w_j` (`N` = `count`), where the maximum belongs
/// to the smallest priority, so `w_i = (p_i / p_min)^(-beta)` lies in (0, 1]. The agent anneals `beta`
/// towards 1 over training.
///
/// Storage is that of `ReplayBuffer`; the priorities live in a `SumTree` (for
/// sampling, in Double) and a min tree (for `p_min`) over the slots. Sampling is stratified: the total
/// is cut into `B` equal segments and one point drawn uniformly in each is looked up in the sum tree,
/// O(log capacity) per transition. Nothing is allocated per call once the largest batch has been seen.
public final class PrioritizedReplayBuffer: Replay {
    /// Maximum number of transitions kept.
    public var capacity: Int { storage.capacity }
    /// Number of transitions stored.
    public var count: Int { storage.count }
    /// Observation width `D`.
    public var observationWidth: Int { storage.observationWidth }
    /// How strongly priorities shape sampling: 0 is uniform, 1 fully proportional.
    public let alpha: Float
    /// How fully the importance weights correct the sampling bias: 0 not at all, 1 fully.
    public var beta: Float {
        didSet { precondition(beta >= 0, "importance exponent beta must be non-negative, got \(beta)") }
    }
    /// Added to `|delta|` so no transition's priority reaches 0.
    public let epsilon: Float

    /// The largest leaf value `p^alpha` given so far; new transitions start with it.
    private(set) var maxPriority: Float = 1
    let storage: ReplayStorage
    let sums: SumTree
    private let minima: PrioritizedMinTree
    /// Workspaces: the point each draw looks up, the new priorities of an update.
    private let targets = ReplayScratch<Double>(filler: 0)
    private let priorities = ReplayScratch<Float>(filler: 0)

    /// A buffer like `ReplayBuffer(capacity:observationWidth:)` with priority exponent `alpha`,
    /// initial importance exponent `beta` and priority offset `epsilon`.
    public init(capacity: Int, observationWidth: Int, alpha: Float = 0.6, beta: Float = 0.4, epsilon: Float = 1e-6) throws {
        precondition(alpha >= 0, "priority exponent alpha must be non-negative, got \(alpha)")
        precondition(beta >= 0, "importance exponent beta must be non-negative, got \(beta)")
        precondition(epsilon > 0, "priority offset epsilon must be positive, got \(epsilon)")
        self.alpha = alpha
        self.beta = beta
        self.epsilon = epsilon
        storage = try ReplayStorage(capacity: capacity, observationWidth: observationWidth)
        sums = try SumTree(capacity: capacity)
        minima = PrioritizedMinTree(capacity: capacity)
    }

    public func add(_ batch: TransitionBatch) {
        let first = storage.nextSlot
        let written = batch.count
        storage.append(batch)
        // Slots are written in ring order from `first`; a step that wraps the whole ring writes some twice.
        for j in 0..<Swift.min(written, capacity) { setPriority(of: (first + j) % capacity, to: maxPriority) }
    }

    public func setImportanceExponent(_ beta: Float) { self.beta = beta }

    public func write(to url: URL) throws {
        try storage.write(to: url, maxPriority: maxPriority, priorities: { Float(self.sums[$0]) })
    }

    public func read(from url: URL) throws {
        let header = try storage.read(from: url, setPriority: { self.setPriority(of: $0, to: $1) })
        guard let saved = header.maxPriority, saved.isFinite, saved > 0 else {
            throw ReplayError.invalidFile(path: url.path, field: "maxPriority", value: "\(header.maxPriority.map { "\($0)" } ?? "missing")",
                                          expected: "the positive priority state of a prioritized buffer")
        }
        maxPriority = saved
    }

    /// Draws `batch.size` transitions by stratified proportional sampling and sets their importance
    /// weights.
    public func sample(into batch: ReplayBatch, using generator: inout RandomGenerator) {
        precondition(count >= 1, "cannot sample from an empty replay buffer")
        let b = batch.size
        let points = targets.prefix(b)
        let segment = sums.total / Double(b)
        for i in 0..<b { points[i] = (Double(i) + generator.uniformDouble()) * segment }
        sums.find(points, into: batch.indices)
        storage.gather(into: batch)
        let smallest = Double(minima.minimum)
        for i in 0..<b { batch.weights[i] = pow(Float(sums[batch.indices[i]] / smallest), -beta) }
    }

    /// Sets the priority of each transition of `batch` (last sampled from this buffer) to
    /// `(|tdErrors[i]| + epsilon)^alpha`; all leaves are set first, then their ancestors recomputed level
    /// by level.
    ///
    /// A slot overwritten by a newer transition since `batch` was sampled takes the old transition's
    /// priority; the next sampling of it corrects that.
    public func updatePriorities(of batch: ReplayBatch, tdErrors: UnsafeBufferPointer<Float>) {
        precondition(tdErrors.count == batch.size, "\(tdErrors.count) TD errors for a batch of \(batch.size)")
        let values = priorities.prefix(batch.size)
        for (i, error) in tdErrors.enumerated() {
            precondition(batch.indices[i] < count, "slot \(batch.indices[i]) holds no transition (count \(count))")
            // A huge TD error (or exponent) saturates at the largest finite priority instead of trapping; a
            // NaN one (a diverged update, which the trainer then reports) keeps the largest priority so far.
            let raw = pow(abs(error) + epsilon, alpha)
            let priority = raw.isNaN ? maxPriority : Swift.min(Swift.max(raw, .leastNormalMagnitude), .greatestFiniteMagnitude)
            values[i] = priority
            maxPriority = Swift.max(maxPriority, priority)
        }
        let slots = UnsafeBufferPointer(batch.indices)
        sums.set(slots, to: UnsafeBufferPointer(values))
        minima.set(slots, to: UnsafeBufferPointer(values))
    }

    private func setPriority(of slot: Int, to priority: Float) {
        sums.set(slot, to: priority)
        minima.set(slot, to: priority)
    }
}
