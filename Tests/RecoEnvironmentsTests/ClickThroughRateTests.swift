import Foundation
import RecoEnvironments
import RecoEvaluation
import Testing

/// RecoGym's CTR interval (Beta quantiles) against SciPy, and the incomplete beta function's
/// closed forms.
@Suite struct ClickThroughRateTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/beta_quantiles.json")

    @Test func quantilesMatchSciPy() throws {
        let rows = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixture)) as? [[String: Double]])
        #expect(rows.count == 8)
        for row in rows {
            let ctr = try ClickThroughRate(clicks: Int(row["clicks"]!), impressions: Int(row["impressions"]!))
            for (ours, theirs) in [(ctr.lower, row["lower"]!), (ctr.median, row["median"]!), (ctr.upper, row["upper"]!)] {
                #expect(abs(ours - theirs) <= 1e-9 * max(theirs, 1e-3), "clicks \(ctr.clicks) of \(ctr.impressions): \(ours) vs \(theirs)")
            }
            if ctr.impressions > 0 {
                let cdf = BetaDistribution.cdf(ctr.rate, Double(ctr.clicks + 1), Double(ctr.impressions - ctr.clicks + 1))
                #expect(abs(cdf - row["cdf_at_rate"]!) < 1e-9)
            }
        }
    }

    @Test func closedForms() {
        for x in [0.01, 0.3, 0.5, 0.97] {
            #expect(abs(BetaDistribution.cdf(x, 1, 1) - x) < 1e-12)
            #expect(abs(BetaDistribution.cdf(x, 3, 1) - pow(x, 3)) < 1e-12)
            #expect(abs(BetaDistribution.cdf(x, 1, 4) - (1 - pow(1 - x, 4))) < 1e-12)
            #expect(abs(BetaDistribution.cdf(x, 2.5, 7) + BetaDistribution.cdf(1 - x, 7, 2.5) - 1) < 1e-12)
        }
        #expect(abs(BetaDistribution.quantile(0.3, 1, 1) - 0.3) < 1e-10)
    }

    @Test func intervalsAndErrors() throws {
        let low = try ClickThroughRate(clicks: 100, impressions: 10_000)
        let high = try ClickThroughRate(clicks: 200, impressions: 10_000)
        let close = try ClickThroughRate(clicks: 110, impressions: 10_000)
        #expect(low.lower < low.rate && low.rate < low.upper)
        #expect(low.separated(from: high) && high.separated(from: low))
        #expect(!low.separated(from: close))
        #expect(throws: LoggedDataError.self) { try ClickThroughRate(clicks: 5, impressions: 4) }
        #expect(throws: LoggedDataError.self) { try ClickThroughRate(clicks: -1, impressions: 4) }
    }
}
