import Foundation
import RecoEnvironments
import RecoEvaluation
import RecoSimulators
import RecoTensor

/// The episode-metrics table of the `session` environment: every policy on the same evaluation
/// episodes (`EvaluationSettings.seed`), beside the uniform random policy and the two list baselines
/// (`SessionRecommender`: popularity, and group transfer for cold start).
public enum SessionMetricsTable {
    static let widths = [30, 8, 7, 7, 9, 8, 8, 8, 9]

    /// The reports of `policies` (name, policy) and of the baselines over `episodes` episodes.
    public static func reports(_ world: SessionWorld, policies: [(name: String, policy: Policy)], episodes: Int,
                               baselines: Bool = true) throws -> [(name: String, report: SessionMetricsReport)] {
        var all = policies
        if baselines {
            let layout = SessionObservationLayout(windowLength: world.settings.windowLength, itemCount: world.settings.items)
            if world.settings.slateSize == 1 {
                all.append(("uniform random", try UniformRandomPolicy(observationWidth: layout.width, actionCount: world.settings.items)))
            }
            all.append(("popularity (no transfer)", try SessionRecommender(kind: .popularity, world: world)))
            all.append(("group transfer (cold start)", try SessionRecommender(kind: .groupTransfer, world: world)))
        }
        let environment = VectorEnvironment(copies: EvaluationSettings.copies(for: episodes)) { _ in SessionEnvironment(world: world) }
        return try all.map { entry in
            var generator = RandomGenerator(seed: EvaluationSettings.seed)
            return (entry.name, try SessionMetrics.evaluate(environment, episodes: episodes, seed: EvaluationSettings.seed,
                                                            policy: entry.policy, generator: &generator))
        }
    }

    /// The reports as a text table.
    public static func format(_ reports: [(name: String, report: SessionMetricsReport)], episodes: Int) -> String {
        var lines = [
            "session metrics over \(episodes) evaluation episodes (seed \(EvaluationSettings.seed)), the same users for every policy",
            Table.row(["policy", "return", "CTR", "conv", "conv low", "tail cov", "repeat", "length", "new CTR@5"], widths: widths),
        ]
        for (name, r) in reports {
            lines.append(Table.row([name, String(format: "%.3f", r.meanReturn)]
                + [r.clickThroughRate, r.conversionRate, r.lowActivityConversionRate, r.tailCoverage, r.repetitionRate]
                .map { String(format: "%.4f", $0) }
                + [String(format: "%.2f", r.sessionLength), String(format: "%.4f", r.newUserClickThroughRate)], widths: widths))
        }
        lines.append("CTR: clicks/requests; conv: purchases/requests (low: of low-activity users); tail cov: share of long-tail items "
                     + "ever shown; repeat: shown items repeating one of the last few shown; length: requests per episode; "
                     + "new CTR@5: CTR of new users' first five requests")
        return lines.joined(separator: "\n")
    }
}
