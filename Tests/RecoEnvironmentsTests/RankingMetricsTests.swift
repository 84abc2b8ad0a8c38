import Foundation
import RecoEnvironments
import RecoEvaluation
import Testing

/// Top-K metrics by hand.
@Suite struct RankingMetricsTests {
    @Test func oneUserByHand() throws {
        // Ranked [3, 1, 4, 2], relevant {1, 2, 9}; at K = 3 one hit (item 1 at position 1).
        let scores = try RankingMetrics.scores(ranked: [3, 1, 4, 2], relevant: [1: 1, 2: 1, 9: 1], k: 3)
        #expect(abs(scores.precision - 1.0 / 3) < 1e-12)
        #expect(abs(scores.recall - 1.0 / 3) < 1e-12)
        #expect(scores.hitRate == 1)
        let dcg = 1 / log2(3.0), idcg = 1 + 1 / log2(3.0) + 1 / log2(4.0)
        #expect(abs(scores.ndcg - dcg / idcg) < 1e-12)
        // The perfect list has NDCG 1; no hit gives 0.
        #expect(try RankingMetrics.scores(ranked: [9, 2, 1], relevant: [1: 1, 2: 1, 9: 1], k: 3).ndcg == 1)
        #expect(try RankingMetrics.scores(ranked: [5, 6], relevant: [1: 1], k: 3) == .init(precision: 0, recall: 0, hitRate: 0, ndcg: 0))
    }

    @Test func gradedGainsOrderTheIdealList() throws {
        // Gains 5 and 1: ranking the gain-5 item second scores below ranking it first.
        let first = try RankingMetrics.scores(ranked: [7, 8], relevant: [7: 5, 8: 1], k: 2).ndcg
        let second = try RankingMetrics.scores(ranked: [8, 7], relevant: [7: 5, 8: 1], k: 2).ndcg
        #expect(first == 1)
        let expected = (1 + 5 / log2(3.0)) / (5 + 1 / log2(3.0))
        #expect(abs(second - expected) < 1e-12)
    }

    @Test func catalogueFiguresAndSkippedUsers() throws {
        // 10 items; popularity makes items 0 and 1 the head (20%).
        var evaluation = try RankingEvaluation(k: 2, popularity: [50, 40, 3, 3, 2, 2, 1, 1, 0, 0])
        try evaluation.add(ranked: [0, 5], relevant: [5: 1])
        try evaluation.add(ranked: [1, 0], relevant: [9: 1])
        try evaluation.add(ranked: [2, 3], relevant: [:])
        #expect(evaluation.users == 2 && evaluation.skippedUsers == 1)
        #expect(abs(evaluation.means.precision - 0.25) < 1e-12)
        #expect(abs(evaluation.means.hitRate - 0.5) < 1e-12)
        // Recommended to scored users: items 0, 5, 1 -> 3 of 10; tail: item 5 in 4 recommendations.
        #expect(abs(evaluation.itemCoverage - 0.3) < 1e-12)
        #expect(abs(evaluation.longTailShare - 0.25) < 1e-12)
    }

    @Test func badInputIsAnError() {
        #expect(throws: LoggedDataError.self) { try RankingMetrics.scores(ranked: [1], relevant: [1: 1], k: 0) }
        #expect(throws: LoggedDataError.self) { try RankingMetrics.scores(ranked: [1, 1], relevant: [1: 1], k: 2) }
        #expect(throws: LoggedDataError.self) { try RankingMetrics.scores(ranked: [1], relevant: [1: -1], k: 1) }
        #expect(throws: LoggedDataError.self) { try RankingMetrics.scores(ranked: [1], relevant: [:], k: 1) }
        #expect(throws: LoggedDataError.self) { try RankingEvaluation(k: 1, popularity: []) }
        #expect(throws: LoggedDataError.self) { try RankingEvaluation(k: 1, popularity: [1], headShare: 2) }
        var evaluation = try? RankingEvaluation(k: 2, popularity: [1, 2, 3])
        #expect(throws: LoggedDataError.self) { try evaluation?.add(ranked: [0, 7], relevant: [0: 1]) }
    }
}
