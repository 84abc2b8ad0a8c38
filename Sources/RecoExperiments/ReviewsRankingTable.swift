import Foundation
import RecoData
import RecoEnvironments
import RecoEvaluation

/// The offline top-K table of the `reviews` environment: every policy ranks the catalogue at every
/// step of the held-out users' timelines (`ReviewRankingEvaluation`), beside the non-RL baselines, so
/// a reader sees whether RL earns its cost.
public enum ReviewsRankingTable {
    static let widths = [34, 8, 8, 8, 8, 9, 9, 10]

    /// The reports of `policies` (name, policy) and of the baselines on the held-out users at `k`.
    public static func reports(_ world: ReviewsWorld, policies: [(name: String, policy: Policy)], k: Int,
                               baselines: Bool = true) throws -> [(name: String, report: ReviewRankingReport)] {
        let users = world.split.heldOut.isEmpty ? world.split.training : world.split.heldOut
        let popularity = world.trainingPopularity
        var all = policies
        if baselines { all += try ReviewsBaselines.fitted(world) }
        return try all.map { entry in
            (entry.name, try ReviewRankingEvaluation.evaluate(entry.policy, timelines: world.timelines, users: users,
                                                               settings: world.settings, k: k, popularity: popularity))
        }
    }

    /// The reports as a text table.
    public static func format(_ reports: [(name: String, report: ReviewRankingReport)], world: ReviewsWorld) -> String {
        guard let first = reports.first?.report else { return "" }
        let k = first.k
        var lines = [
            "top-\(k) recommendations at every step of \(first.users) held-out users' timelines (\(first.decisions) decisions); "
                + "relevant: the next \(world.settings.horizon) reviewed items (\(world.settings.rewardWeight.rawValue) gains)",
            Table.row(["policy", "P@\(k)", "R@\(k)", "NDCG@\(k)", "HR@\(k)", "coverage", "tail", "return"], widths: widths),
        ]
        for (name, report) in reports {
            let m = report.metrics
            lines.append(Table.row([name] + [m.precision, m.recall, m.ndcg, m.hitRate, report.itemCoverage, report.longTailShare]
                .map { String(format: "%.4f", $0) } + [String(format: "%.3f", report.meanReturn)], widths: widths))
        }
        lines.append("return: mean per held-out user of following the top-ranked item at every step (the environment's reward)")
        return lines.joined(separator: "\n")
    }
}
