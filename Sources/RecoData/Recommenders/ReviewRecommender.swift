import RecoEnvironments
import RecoTensor

/// A non-RL ranking baseline of the `reviews` environment: fitted once on the training users'
/// timelines, it scores every item of the catalogue for each observation from the history ids the
/// observation carries (`ReviewObservationLayout`), and acts greedily on those scores. Being
/// deterministic, every action it takes has log-probability 0; its scores are `.ranking` scores, so
/// `ReviewRankingEvaluation` ranks the catalogue with them exactly as it does an agent's.
public protocol ReviewRecommender: Policy {
    /// Where the history ids sit in an observation (its `width` is the policy's observation width).
    var layout: ReviewObservationLayout { get }
}

extension ReviewRecommender {
    public var observationWidth: Int { layout.width }
    public var actionCount: Int { layout.itemCount }
    public var scoreKind: ActionScoreKind? { .ranking }

    /// The highest-scoring item of each row (ties to the lower index), with log-probability 0. Scores
    /// are computed a block of rows at a time into one buffer per call.
    public func act(_ observations: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>,
                    logProbabilities: UnsafeMutableBufferPointer<Float>?, using generator: inout RandomGenerator) throws {
        try checkBatch(observations, actions: actions.count, logProbabilities: logProbabilities?.count)
        logProbabilities?.update(repeating: 0)
        guard observations.rows > 0 else { return }
        let block = max(1, min(observations.rows, (1 << 22) / max(1, actionCount)))
        let scores = Matrix(rows: block, columns: actionCount)
        var start = 0
        while start < observations.rows {
            let rows = start..<min(observations.rows, start + block)
            let output = scores.view.rows(0..<rows.count)
            try self.scores(observations.rows(rows), into: output)
            Kernels.rowArgmax(output, into: actions.baseAddress! + start)
            start = rows.upperBound
        }
    }
}

extension ReviewObservationLayout {
    /// Calls `body` with each history item of the observation at `row`, oldest first, and its age (0 for
    /// the most recent slot, column `N - 1`); padding and anything that is not an item id are skipped.
    /// Reads the columns in place, so scoring a row allocates nothing.
    @inline(__always)
    func forEachHistoryItem(_ row: UnsafePointer<Float>, _ body: (_ item: Int, _ age: Int) -> Void) {
        let limit = Float(itemCount)
        for slot in 0..<historyLength {
            let id = row[slot]
            guard id >= 0, id < limit else { continue }  // false for NaN too
            body(Int(id), historyLength - 1 - slot)
        }
    }
}

/// Throws `ReviewDataError` unless `layout` describes `timelines`' catalogue and `users` are distinct
/// users of it, at least one: what every baseline's fit checks before reading timelines.
func checkFitInputs(_ timelines: ReviewTimelines, users: [Int], layout: ReviewObservationLayout, recommender: String) throws {
    guard layout.itemCount == timelines.itemCount else {
        throw ReviewDataError("\(recommender) layout itemCount: \(layout.itemCount) is not valid; expected the \(timelines.itemCount) items of the timelines")
    }
    guard !users.isEmpty else {
        throw ReviewDataError("\(recommender) users: none given; expected the training users of a ReviewUserSplit")
    }
    if let bad = users.first(where: { $0 < 0 || $0 >= timelines.userCount }) {
        throw ReviewDataError("\(recommender) user \(bad): not valid; expected a user in 0..<\(timelines.userCount)")
    }
    guard Set(users).count == users.count else {
        throw ReviewDataError("\(recommender) users: \(users.count - Set(users).count) repeated; expected each user once")
    }
}
