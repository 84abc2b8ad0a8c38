import Foundation
import RecoData
import RecoExperiments
import RecoRL
import Testing

/// DQN on the `reviews` environment against the ranking baselines, on held-out users.
@Suite(.serialized) struct ReviewsLearningTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/synthetic_reviews.json").path
    static let fashion = "/work/shared/data/AMAZON_FASHION_5.json"

    /// Prepares `path` (VADER's built-in lexicon for sentiment) into a fresh directory.
    static func prepared(_ path: String, minReviews: Int) throws -> String {
        var options = PreparationOptions()
        options.minReviewsPerUser = minReviews
        let analyzer = SentimentAnalyzer()
        options.sentiment = { Float(analyzer.scores($0).compound) }
        let dataset = try ReviewDataset.prepare(reviews: path, options: options)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recorl-reviews-\(UUID().uuidString)").path
        try dataset.write(to: directory)
        return directory
    }

    /// Trains DQN with the reviews preset and returns the top-10 reports of it and the baselines.
    static func trainAndRank(_ directory: String, steps: Int?, seed: UInt64) throws -> [(name: String, report: ReviewRankingReport)] {
        var request = TrainingRequest()
        request.environment = "reviews"
        request.data = EnvironmentData(directory: directory)
        request.algorithm = "dqn"
        request.steps = steps
        request.seed = seed
        request.evaluates = false
        let outcome = try Experiment().train(request)
        let world = try ReviewsWorld(dataset: directory)
        let reports = try ReviewsRankingTable.reports(world, policies: [("dqn", outcome.agent.greedyPolicy)], k: 10)
        print(ReviewsRankingTable.format(reports, world: world))
        return reports
    }

    @Test func dqnBeatsPopularityOnNDCGAt10OnHeldOutUsers() throws {
        let directory = try Self.prepared(Self.fixture, minReviews: 2)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let reports = try Self.trainAndRank(directory, steps: nil, seed: 1)  // the preset's 200,000 steps
        let ndcg = Dictionary(uniqueKeysWithValues: reports.map { ($0.name, $0.report.metrics.ndcg) })
        let dqn = try #require(ndcg["dqn"]), popularity = try #require(ndcg["popularity"])
        #expect(dqn > popularity + 0.01, "DQN NDCG@10 \(dqn) against popularity \(popularity)")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: fashion), "skipped: \(fashion) is not present"))
    func theAmazonFashionFileTrainsAndRanks() throws {
        let directory = try Self.prepared(Self.fashion, minReviews: 5)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let reports = try Self.trainAndRank(directory, steps: nil, seed: 1)
        #expect(reports.map(\.name) == ["dqn", "popularity", "item co-occurrence", "matrix factorisation (ALS)"])
        for (_, report) in reports {
            #expect(report.decisions > 0)
            #expect(report.metrics.ndcg >= 0 && report.metrics.ndcg <= 1 && report.itemCoverage > 0)
        }
    }
}
