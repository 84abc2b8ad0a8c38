import Foundation
import RecoEnvironments
import RecoEvaluation
import RecoRL

/// The fixed evaluation every command shares: the greedy policy on the same evaluation episodes as
/// the uniform-random and best-fixed baselines.
public enum EvaluationSettings {
    /// Seed of the evaluation episodes (users, start states); fixed so runs compare.
    public static let seed: UInt64 = 20_261_121

    /// Copies used for evaluating `episodes` episodes (at most 100 side by side).
    public static func copies(for episodes: Int) -> Int { min(episodes, 100) }

    /// Mean return of `agent`'s greedy policy on `episodes` evaluation episodes.
    public static func greedyReturn(_ agent: Agent, on environment: BatchedEnvironment,
                                    episodes: Int) throws -> PolicyEvaluation.Result {
        try PolicyEvaluation.evaluate(environment, episodes: episodes, seed: seed, policy: agent.greedyPolicy)
    }

    /// The table `train` ends with and `evaluate` prints: the trained greedy policy against the baselines,
    /// every policy on the same episodes (the same users in the same order), each row's mean with its
    /// 95% confidence interval (`1.96 * sd / sqrt(n)`, sample standard deviation over the episodes).
    /// Environments over logged data add their offline top-K table at K = `rankingCutoff`; simulators
    /// with episode metrics (`session`) their metrics table over the same number of episodes.
    public static func comparisonTable(_ agent: Agent, environment: EnvironmentEntry, episodes: Int,
                                       rankingCutoff: Int = defaultRankingCutoff) throws -> String {
        let evaluation = environment.makeEvaluation(copies: copies(for: episodes))
        let trained = try greedyReturn(agent, on: evaluation, episodes: episodes)
        let baselines = try Baselines(environment: environment, evaluationEnvironment: evaluation, episodes: episodes)
        let widths = [44, 16, 10, 11]
        func row(_ label: String, _ result: PolicyEvaluation.Result) -> String {
            Table.row([label, result.formatted(), String(format: "%.3f", result.standardDeviation),
                       String(format: "%.2fx", result.meanReturn / max(baselines.random.meanReturn, 1e-9))], widths: widths)
        }
        return [
            "mean return over \(episodes) evaluation episodes (seed \(seed)), the same users in the same order for every policy;",
            "mean ± 95% confidence interval (1.96 sd / sqrt(\(episodes))), std over the episodes",
            Table.row(["policy", "mean ± 95%", "std", "vs random"], widths: widths),
            row("trained \(agent.algorithm) (greedy)", trained),
            row("uniform random", baselines.random),
            row("best fixed: \(baselines.bestFixedAction)", baselines.bestFixed),
        ].joined(separator: "\n") + (try environment.rankingTable.map {
            "\n\n" + (try $0([("trained \(agent.algorithm) (greedy)", agent.greedyPolicy)], rankingCutoff))
        } ?? "") + (try environment.episodeMetricsTable.map {
            "\n\n" + (try $0([("trained \(agent.algorithm) (greedy)", agent.greedyPolicy)], episodes))
        } ?? "")
    }

    /// The K of the top-K tables `train` and `evaluate` print unless told otherwise.
    public static let defaultRankingCutoff = 10
}
