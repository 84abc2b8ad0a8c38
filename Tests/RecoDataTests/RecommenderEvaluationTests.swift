import Foundation
@testable import RecoData
import RecoEnvironments
import RecoTensor
import Testing

/// The same score for every item: ranks the catalogue in index order, whatever the history.
private final class ZeroScorePolicy: ReviewRecommender, @unchecked Sendable {
    let layout: ReviewObservationLayout
    init(layout: ReviewObservationLayout) { self.layout = layout }
    func scores(_ observations: MatrixView, into scores: MatrixView) throws {
        try checkScores(observations, scores)
        scores.fill(0)
    }
}

/// Uniform random scores from a seeded generator: the floor of a ranking that ignores everything.
private final class RandomScorePolicy: ReviewRecommender, @unchecked Sendable {
    let layout: ReviewObservationLayout
    private var generator = RandomGenerator(seed: 5)
    init(layout: ReviewObservationLayout) { self.layout = layout }
    func scores(_ observations: MatrixView, into scores: MatrixView) throws {
        try checkScores(observations, scores)
        for r in 0..<scores.rows { for c in 0..<scores.columns { scores[r, c] = generator.uniform() } }
    }
}

@Suite struct RecommenderEvaluationTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/synthetic_reviews.json").path

    @Test func baselinesOnTheSyntheticFixturesHeldOutUsers() throws {
        var options = PreparationOptions()
        options.minReviewsPerUser = 2
        let timelines = try ReviewTimelines(ReviewDataset.prepare(reviews: Self.fixture, options: options))
        let settings = ReviewsSettings()
        let split = try ReviewUserSplit(timelines, settings: settings)
        let layout = ReviewObservationLayout(historyLength: settings.historyLength, itemCount: timelines.itemCount)
        let popularity = timelines.popularity(of: split.training)
        var generator = RandomGenerator(seed: 3)
        let policies: [(String, Policy)] = [
            ("popularity", try PopularityRecommender(timelines: timelines, users: split.training, layout: layout)),
            ("co-occurrence", try ItemCoOccurrenceRecommender(timelines: timelines, users: split.training, layout: layout)),
            ("ALS", try MatrixFactorizationRecommender(timelines: timelines, users: split.training, layout: layout, using: &generator)),
            ("zero", ZeroScorePolicy(layout: layout)),
            ("random", RandomScorePolicy(layout: layout)),
        ]
        var ndcg: [String: Double] = [:]
        for (name, policy) in policies {
            let report = try ReviewRankingEvaluation.evaluate(policy, timelines: timelines, users: split.heldOut,
                                                              settings: settings, k: 10, popularity: popularity)
            ndcg[name] = report.metrics.ndcg
            print("reviews baseline \(name): NDCG@10 \(String(format: "%.4f", report.metrics.ndcg)), hit@10 \(String(format: "%.4f", report.metrics.hitRate)), coverage \(String(format: "%.3f", report.itemCoverage)), users \(report.users), decisions \(report.decisions)")
        }
        #expect(ndcg["popularity"]! > ndcg["random"]!)
        #expect(ndcg["co-occurrence"]! > ndcg["zero"]! && ndcg["ALS"]! > ndcg["zero"]!)
    }
}
