import RecoEnvironments
import RecoTensor

/// The most-popular baseline: every item scores its number of reviews by the training users, the same
/// for every observation. The floor any personalised recommender of the `reviews` environment must
/// beat.
public final class PopularityRecommender: ReviewRecommender, @unchecked Sendable {
    public let layout: ReviewObservationLayout
    /// Per item, its reviews among the training users' timelines (repeat reviews count).
    public let counts: [Int]
    private let countScores: [Float]

    /// Counts the reviews of `users` (the training users, `ReviewUserSplit.training`) of `timelines`.
    /// Throws `ReviewDataError` when `layout` is not of these timelines' catalogue or `users` are
    /// empty, repeated or out of range.
    public init(timelines: ReviewTimelines, users: [Int], layout: ReviewObservationLayout) throws {
        try checkFitInputs(timelines, users: users, layout: layout, recommender: "popularity recommender")
        self.layout = layout
        counts = timelines.popularity(of: users)
        countScores = counts.map { Float($0) }
    }

    /// Writes the training counts into every row of `scores` (`B x I`).
    public func scores(_ observations: MatrixView, into scores: MatrixView) throws {
        try checkScores(observations, scores)
        countScores.withUnsafeBufferPointer { counts in
            for r in 0..<scores.rows { scores.rowPointer(r).update(from: counts.baseAddress!, count: counts.count) }
        }
    }
}
