import RecoEnvironments
import RecoEvaluation
import RecoTensor

/// Top-K quality of a policy on the timelines of held-out users, and what following it earns.
public struct ReviewRankingReport: Equatable, Sendable {
    /// The cut-off K.
    public var k: Int
    /// Users walked, and decisions ranked (one per review after each user's first).
    public var users: Int, decisions: Int
    /// Precision, recall, hit rate and NDCG at K, averaged over decisions.
    public var metrics: RankingMetrics.UserScores
    /// Share of the catalogue in some top-K list.
    public var itemCoverage: Double
    /// Share of top-K recommendations that went to tail items (outside the most popular 20% in training).
    public var longTailShare: Double
    /// Mean return per user of recommending the policy's top item (or top slate) at every step: the
    /// environment's reward summed over each held-out user's walk.
    public var meanReturn: Double
}

/// Offline evaluation over logged timelines: at every step of every given user's walk (the states the
/// `reviews` environment shows), the policy's per-action scores rank the catalogue, and the top K are
/// scored against the items the user reviewed next (the next `horizon` reviews, each with the gain the
/// reward weighting gives). Any `Policy` with scores is evaluated the same way: agents and the ranking
/// baselines alike.
public enum ReviewRankingEvaluation {
    /// The report of `policy` on `users` of `timelines` at `k`; `popularity` (per item, training counts)
    /// defines the long tail. Throws `PolicyError` when the policy does not fit the layout or has no
    /// scores, and `LoggedDataError` for `k < 1`.
    public static func evaluate(_ policy: Policy, timelines: ReviewTimelines, users: [Int], settings: ReviewsSettings,
                                k: Int = 10, popularity: [Int]) throws -> ReviewRankingReport {
        let layout = ReviewObservationLayout(historyLength: settings.historyLength, itemCount: timelines.itemCount)
        guard policy.observationWidth == layout.width, policy.actionCount == timelines.itemCount else {
            throw PolicyError.shapeMismatch(field: "policy", value: "\(policy.observationWidth) inputs, \(policy.actionCount) actions",
                                            expected: "\(layout.width) inputs and \(timelines.itemCount) actions (the reviews layout)")
        }
        guard policy.scoreKind != nil else { throw PolicyError.noScores(policy: String(describing: type(of: policy))) }
        var ranking = try RankingEvaluation(k: k, popularity: popularity)
        let batch = max(1, min(256, (1 << 22) / timelines.itemCount))
        let observations = Matrix(rows: batch, columns: layout.width)
        let scores = Matrix(rows: batch, columns: timelines.itemCount)
        let listLength = min(max(k, settings.slateSize), timelines.itemCount)
        var ranked = [Int32](repeating: 0, count: batch * listLength)
        var pending: [(user: Int, position: Int)] = []
        pending.reserveCapacity(batch)
        var totalReturn = 0.0, decisions = 0

        func flush() throws {
            guard !pending.isEmpty else { return }
            let view = observations.view.rows(0..<pending.count), output = scores.view.rows(0..<pending.count)
            try policy.scores(view, into: output)
            // NaN ranks below every number.
            for r in 0..<pending.count {
                let scores = output.rowPointer(r)
                for a in 0..<timelines.itemCount where scores[a].isNaN { scores[a] = -.infinity }
            }
            ranked.withUnsafeMutableBufferPointer { Kernels.topK(output, k: listLength, indices: $0.baseAddress!) }
            for (row, decision) in pending.enumerated() {
                let list = ranked[(row * listLength)..<((row + 1) * listLength)].map(Int.init)
                var relevant: [Int: Double] = [:]
                let rows = timelines.userRows[decision.user]
                let first = rows.lowerBound + decision.position
                for review in first..<min(rows.upperBound, first + settings.horizon) where relevant[Int(timelines.item[review])] == nil {
                    relevant[Int(timelines.item[review])] = Double(max(timelines.gain(ofRow: review, settings.rewardWeight), 1e-6))
                }
                try ranking.add(ranked: Array(list.prefix(k)), relevant: relevant)
                for item in list.prefix(settings.slateSize) {
                    totalReturn += Double(timelines.reward(of: Int32(item), user: decision.user, position: decision.position,
                                                           horizon: settings.horizon, weight: settings.rewardWeight))
                }
                decisions += 1
            }
            pending.removeAll(keepingCapacity: true)
        }

        for user in users where timelines.userRows[user].count >= 2 {
            for position in 1..<timelines.userRows[user].count {
                let row = UnsafeMutableBufferPointer(start: observations.view.rowPointer(pending.count), count: layout.width)
                layout.encode(timelines, user: user, position: position, into: row)
                pending.append((user, position))
                if pending.count == batch { try flush() }
            }
        }
        try flush()
        let walked = users.filter { timelines.userRows[$0].count >= 2 }.count
        return ReviewRankingReport(k: k, users: walked, decisions: decisions, metrics: ranking.means,
                                   itemCoverage: ranking.itemCoverage, longTailShare: ranking.longTailShare,
                                   meanReturn: walked > 0 ? totalReturn / Double(walked) : 0)
    }
}
