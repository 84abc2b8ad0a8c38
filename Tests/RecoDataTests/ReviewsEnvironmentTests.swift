import Foundation
@testable import RecoData
import RecoEnvironments
import RecoEvaluation
import RecoTensor
import Testing

/// A four-item world small enough to compute by hand: U1 reviews A, B, C, D (days 0, 1, 3, 7; ratings
/// 5, 4, 2, 1; sentiment +0.5, -0.5, +0.5, -0.5), U2 reviews B then A, U3 only C.
enum TinyReviews {
    static let day: Int64 = 86_400

    static func dataset() throws -> ReviewDataset {
        let reviews = [
            Review(user: "U1", item: "A", rating: 5, text: "p", time: 0),
            Review(user: "U1", item: "B", rating: 4, text: "n", time: day),
            Review(user: "U1", item: "C", rating: 2, text: "p", time: 3 * day),
            Review(user: "U1", item: "D", rating: 1, text: "n", time: 7 * day),
            Review(user: "U2", item: "B", rating: 3, text: "p", time: 0),
            Review(user: "U2", item: "A", rating: 5, text: "p", time: day),
            Review(user: "U3", item: "C", rating: 4, text: "p", time: 0),
        ]
        var options = PreparationOptions()
        options.minReviewsPerUser = 1
        options.sentiment = { $0 == "p" ? 0.5 : -0.5 }
        return try ReviewDataset.prepare(reviews, options: options)
    }

    static func timelines() throws -> ReviewTimelines { try ReviewTimelines(dataset()) }

    static func settings(history: Int = 2, horizon: Int = 2, weight: ReviewRewardWeight = .binary, slate: Int = 1) -> ReviewsSettings {
        var settings = ReviewsSettings()
        settings.historyLength = history
        settings.horizon = horizon
        settings.rewardWeight = weight
        settings.slateSize = slate
        return settings
    }
}

/// Scores every item the same way for every row (a ranking fixed in advance).
final class FixedScoresPolicy: Policy, @unchecked Sendable {
    let observationWidth: Int
    let values: [Float]
    var actionCount: Int { values.count }
    var scoreKind: ActionScoreKind? { .ranking }

    init(observationWidth: Int, values: [Float]) {
        self.observationWidth = observationWidth
        self.values = values
    }

    func act(_ observations: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>,
             logProbabilities: UnsafeMutableBufferPointer<Float>?, using generator: inout RandomGenerator) throws {
        let best = Int32(values.indices.max { values[$0] < values[$1] } ?? 0)
        actions.update(repeating: best)
        logProbabilities?.update(repeating: 0)
    }

    func scores(_ observations: MatrixView, into scores: MatrixView) throws {
        try checkScores(observations, scores)
        for r in 0..<scores.rows { for (a, value) in values.enumerated() { scores[r, a] = value } }
    }
}

@Suite struct ReviewsEnvironmentTests {
    @Test func observationIsTheHistoryAndUserFeaturesByHand() throws {
        let timelines = try TinyReviews.timelines()
        let layout = ReviewObservationLayout(historyLength: 2, itemCount: 4)
        #expect(layout.width == 16 && layout.ids == ObservationIds(columns: 2, vocabulary: 5))
        var row = [Float](repeating: .nan, count: layout.width)
        row.withUnsafeMutableBufferPointer { layout.encode(timelines, user: 0, position: 1, into: $0) }
        let first: [Float] = [4, 0, 0, 0, 0, 0, 0, 0, 1, 0.5, 0, 0, Float(log(2.0) / log(101.0)), 1, 0.5, 0]
        for (got, want) in zip(row, first) { #expect(abs(got - want) < 1e-6) }

        row.withUnsafeMutableBufferPointer { layout.encode(timelines, user: 0, position: 3, into: $0) }
        let third: [Float] = [1, 2, 0, 0.8, -0.5, 0, Float(log(2.0) / log(366.0)), 0, 0.4, 0.5, 0, Float(log(3.0) / log(366.0)),
                              Float(log(4.0) / log(101.0)), 11.0 / 15, 1.0 / 6, 0]
        for (got, want) in zip(row, third) { #expect(abs(got - want) < 1e-6) }
        var history: [Int] = []
        row.withUnsafeBufferPointer { layout.forEachHistoryItem($0.baseAddress!) { item, _ in history.append(item) } }
        #expect(history == [1, 2])
    }

    @Test func rewardPaysTheRecommendedItemsAmongTheNextReviews() throws {
        let timelines = try TinyReviews.timelines()
        // At U1's second review the next two are B (rating 4, sentiment -0.5) and C.
        #expect(timelines.reward(of: 1, user: 0, position: 1, horizon: 2, weight: .binary) == 1)
        #expect(timelines.reward(of: 2, user: 0, position: 1, horizon: 2, weight: .binary) == 1)
        #expect(timelines.reward(of: 3, user: 0, position: 1, horizon: 2, weight: .binary) == 0)  // beyond the horizon
        #expect(timelines.reward(of: 0, user: 0, position: 1, horizon: 2, weight: .binary) == 0)  // already reviewed
        #expect(abs(timelines.reward(of: 1, user: 0, position: 1, horizon: 2, weight: .rating) - 0.8) < 1e-6)
        #expect(abs(timelines.reward(of: 1, user: 0, position: 1, horizon: 2, weight: .sentiment) - 0.25) < 1e-6)
    }

    @Test func anEpisodeWalksOneTimelineAndEndsTruncated() throws {
        let timelines = try TinyReviews.timelines()
        var environment = try ReviewsEnvironment(timelines: timelines, users: [0], settings: TinyReviews.settings())
        var generator = RandomGenerator(seed: 1)
        var observation = [Float](repeating: 0, count: environment.layout.width)
        observation.withUnsafeMutableBufferPointer { environment.reset(using: &generator, observation: $0) }
        #expect(environment.user == 0 && environment.position == 1)
        var outcomes: [StepOutcome] = []
        for item: Int32 in [1, 1, 3] {
            outcomes.append(observation.withUnsafeMutableBufferPointer { buffer in
                [item].withUnsafeBufferPointer { environment.step($0, using: &generator, observation: buffer) }
            })
        }
        #expect(outcomes.map(\.reward) == [1, 0, 1])
        #expect(outcomes.map(\.truncated) == [false, false, true])
        #expect(outcomes.allSatisfy { !$0.terminated })  // the log ends; the user did not leave
    }

    @Test func aSlateEarnsEachDistinctHitOnce() throws {
        let timelines = try TinyReviews.timelines()
        var environment = try ReviewsEnvironment(timelines: timelines, users: [0], settings: TinyReviews.settings(slate: 3))
        #expect(environment.actionSpace == .slate(k: 3, items: 4))
        var generator = RandomGenerator(seed: 1)
        var observation = [Float](repeating: 0, count: environment.layout.width)
        observation.withUnsafeMutableBufferPointer { environment.reset(using: &generator, observation: $0) }
        let outcome = observation.withUnsafeMutableBufferPointer { buffer in
            ([1, 1, 2] as [Int32]).withUnsafeBufferPointer { environment.step($0, using: &generator, observation: buffer) }
        }
        #expect(outcome.reward == 2)
    }

    @Test func invalidSettingsAndUsersAreOneLineErrors() throws {
        let timelines = try TinyReviews.timelines()
        let cases: [(ReviewsSettings, String)] = [
            (TinyReviews.settings(history: 0), "historyLength: 0"),
            (TinyReviews.settings(horizon: 0), "horizon: 0"),
            (TinyReviews.settings(slate: 5), "slateSize: 5"),
        ]
        for (settings, message) in cases {
            let error = #expect(throws: ReviewDataError.self) { try ReviewsEnvironment(timelines: timelines, users: [0], settings: settings) }
            #expect(error?.description.contains(message) == true)
        }
        var share = ReviewsSettings()
        share.heldOutShare = 1
        #expect(throws: ReviewDataError.self) { try share.validate(items: 4) }
        let lonely = #expect(throws: ReviewDataError.self) { try ReviewsEnvironment(timelines: timelines, users: [2]) }
        #expect(lonely?.description.contains("user 2") == true)
        #expect(throws: ReviewDataError.self) { try ReviewsEnvironment(timelines: timelines, users: []) }
    }

    @Test func settingsDecodeAnySubsetAndRefuseUnknownFields() throws {
        let decoded = try JSONDecoder().decode(ReviewsSettings.self, from: Data(#"{"horizon": 5, "rewardWeight": "sentiment"}"#.utf8))
        var expected = ReviewsSettings()
        expected.horizon = 5
        expected.rewardWeight = .sentiment
        #expect(decoded == expected)
        #expect(try JSONDecoder().decode(ReviewsSettings.self, from: JSONEncoder().encode(expected)) == expected)
        let error = #expect(throws: ReviewDataError.self) {
            try JSONDecoder().decode(ReviewsSettings.self, from: Data(#"{"historyLenght": 3}"#.utf8))
        }
        #expect(error?.description.hasPrefix("reviews setting historyLenght: is not a setting") == true)
    }

    @Test func theUserSplitIsSeededDisjointAndSkipsSingleReviewUsers() throws {
        let timelines = try TinyReviews.timelines()
        var settings = ReviewsSettings()
        settings.heldOutShare = 0.5
        let split = try ReviewUserSplit(timelines, settings: settings)
        #expect(split.heldOut.count == 1 && split.training.count == 1)
        #expect(Set(split.heldOut + split.training) == [0, 1])  // U3 has one review
        #expect(try ReviewUserSplit(timelines, settings: settings) == split)
        settings.heldOutShare = 0.9
        #expect(throws: ReviewDataError.self) { try ReviewUserSplit(timelines, settings: settings) }
    }

    @Test func rankingMetricsOfAFixedRankingByHand() throws {
        let timelines = try TinyReviews.timelines()
        let settings = TinyReviews.settings()
        let policy = FixedScoresPolicy(observationWidth: 16, values: [0.1, 0.4, 0.3, 0.2])  // ranks B, C, D, A
        let report = try ReviewRankingEvaluation.evaluate(policy, timelines: timelines, users: [0], settings: settings, k: 2,
                                                          popularity: [2, 2, 2, 1])
        // Positions 1, 2, 3 of U1: relevant {B, C}, {C, D}, {D}; the list is always [B, C].
        let partial = (1 / log2(3.0)) / (1 + 1 / log2(3.0))
        #expect(report.users == 1 && report.decisions == 3)
        #expect(abs(report.metrics.precision - 0.5) < 1e-12)
        #expect(abs(report.metrics.recall - 0.5) < 1e-12)
        #expect(abs(report.metrics.hitRate - 2.0 / 3) < 1e-12)
        #expect(abs(report.metrics.ndcg - (1 + partial) / 3) < 1e-12)
        #expect(report.itemCoverage == 0.5)
        #expect(report.longTailShare == 1)  // the head (20% of 4 items, rounded up) is A alone
        #expect(report.meanReturn == 1)     // B pays at the first step only
    }

    @Test func rankingRefusesAPolicyOfAnotherShape() throws {
        let timelines = try TinyReviews.timelines()
        let policy = FixedScoresPolicy(observationWidth: 15, values: [0, 0, 0, 0])
        #expect(throws: PolicyError.self) {
            try ReviewRankingEvaluation.evaluate(policy, timelines: timelines, users: [0], settings: TinyReviews.settings(),
                                                 popularity: [1, 1, 1, 1])
        }
    }

    @Test func aSnapshotRestoresEveryCopyAndRefusesAnotherDataset() throws {
        let timelines = try TinyReviews.timelines()
        let copy = try ReviewsEnvironment(timelines: timelines, users: [0, 1], settings: TinyReviews.settings())
        let environment = VectorEnvironment(copies: 3) { _ in copy }
        environment.reset(seed: 5)
        let actions: [Int32] = [1, 2, 3]
        actions.withUnsafeBufferPointer { environment.step($0) }
        let snapshot = try environment.snapshot()
        var after: [[Float]] = []
        for _ in 0..<4 {
            actions.withUnsafeBufferPointer { environment.step($0) }
            after.append(environment.observations.flat.map { $0 } + environment.rewards.map { $0 })
        }
        try environment.restore(from: snapshot)
        for expected in after {
            actions.withUnsafeBufferPointer { environment.step($0) }
            #expect(environment.observations.flat.map { $0 } + environment.rewards.map { $0 } == expected)
        }
        var longer = TinyReviews.settings()
        longer.historyLength = 3
        let other = try ReviewsEnvironment(timelines: timelines, users: [0, 1], settings: longer)
        let mismatched = VectorEnvironment(copies: 3) { _ in other }
        #expect(throws: (any Error).self) { try mismatched.restore(from: snapshot) }
    }
}
