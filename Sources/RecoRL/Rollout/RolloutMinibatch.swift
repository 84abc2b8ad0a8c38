import RecoTensor

/// A run of rollout rows, as views into a `RolloutBuffer`'s storage (nothing is copied).
///
/// Row `j` is one step of one copy: from `observations[j]` the acting policy took `actions[j]` with
/// log-probability `logProbabilities[j]`, the critic valued the observation at `values[j]`, and GAE gave
/// it `advantages[j]` and the value target `returns[j] = advantages[j] + values[j]`. Every pointer
/// addresses `size` elements. The views stay valid while the buffer lives and until its next `shuffle`,
/// `add` or `reset`.
public struct RolloutMinibatch {
    /// Number of rows `B`.
    public let size: Int
    /// `B x D`.
    public let observations: MatrixView
    /// `B` actions taken.
    public let actions: UnsafePointer<Int32>
    /// `B` values of the acting policy's `log pi(a | s)`.
    public let logProbabilities: UnsafePointer<Float>
    /// `B` critic values of the observations, as recorded at collection time.
    public let values: UnsafePointer<Float>
    /// `B` advantages.
    public let advantages: UnsafePointer<Float>
    /// `B` value targets (`advantages + values`).
    public let returns: UnsafePointer<Float>
}

/// The columns a minibatch is cut from: `count` rows of observations (`count x D`), actions,
/// log-probabilities, values, advantages and returns, allocated once.
///
/// A rollout buffer keeps one set in time order and one as the current epoch's shuffled copy.
final class RolloutColumns {
    let count: Int
    /// `count x D`.
    let observations: Matrix
    let actions: OwnedBuffer<Int32>
    let logProbabilities: OwnedBuffer<Float>
    let values: OwnedBuffer<Float>
    let advantages: OwnedBuffer<Float>
    let returns: OwnedBuffer<Float>

    /// Zeroed columns for `count` (at least 1) rows of observations of `dimension`.
    init(count: Int, dimension: Int) {
        precondition(count >= 1 && dimension >= 1, "rollout columns need positive rows and dimension")
        self.count = count
        observations = Matrix(rows: count, columns: dimension)
        actions = OwnedBuffer(repeating: 0, count: count)
        logProbabilities = OwnedBuffer(repeating: 0, count: count)
        values = OwnedBuffer(repeating: 0, count: count)
        advantages = OwnedBuffer(repeating: 0, count: count)
        returns = OwnedBuffer(repeating: 0, count: count)
    }

    /// Row `j` of these columns becomes row `rows[j]` of `source` (same count and dimension).
    func gather(from source: RolloutColumns, rows: UnsafeBufferPointer<Int>) {
        precondition(rows.count == count && source.count == count, "rollout gather of \(rows.count) rows")
        Kernels.gatherRows(source.observations.view, rows: rows, into: observations.view)
        Self.gather(source.actions, rows: rows, into: actions)
        Self.gather(source.logProbabilities, rows: rows, into: logProbabilities)
        Self.gather(source.values, rows: rows, into: values)
        Self.gather(source.advantages, rows: rows, into: advantages)
        Self.gather(source.returns, rows: rows, into: returns)
    }

    private static func gather<Element>(_ source: OwnedBuffer<Element>, rows: UnsafeBufferPointer<Int>,
                                        into destination: OwnedBuffer<Element>) {
        let from = source.elements, to = destination.elements
        for (j, row) in rows.enumerated() { to[j] = from[row] }
    }

    /// The rows in `range` as a minibatch viewing these columns.
    func minibatch(_ range: Range<Int>) -> RolloutMinibatch {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "rows \(range) outside 0..<\(count)")
        let start = range.lowerBound
        return RolloutMinibatch(size: range.count, observations: observations.rows(range),
                                actions: Self.address(of: actions, at: start),
                                logProbabilities: Self.address(of: logProbabilities, at: start),
                                values: Self.address(of: values, at: start),
                                advantages: Self.address(of: advantages, at: start),
                                returns: Self.address(of: returns, at: start))
    }

    private static func address<Element>(of buffer: OwnedBuffer<Element>, at offset: Int) -> UnsafePointer<Element> {
        // `count >= 1`, so the allocation is never empty and has an address.
        UnsafePointer(buffer.elements.baseAddress! + offset)
    }
}
