import Foundation
import RecoEnvironments
import RecoRL
import RecoTensor

/// Evaluations shared by `train` and `evaluate`: the trained greedy policy against a uniform-random
/// policy and the best fixed action, on the same fixed set of evaluation episodes.
enum Evaluation {
    /// Seed of the evaluation episodes (users, start states); fixed so runs compare.
    static let seed: UInt64 = 20_261_121

    static func greedy(_ agent: Agent, on environment: BatchedEnvironment, episodes: Int,
                       seed: UInt64) -> PolicyEvaluation.Result {
        PolicyEvaluation.evaluate(environment, episodes: episodes, seed: seed, policy: agent.greedyActions)
    }

    static func comparisonTable(_ agent: Agent, environment name: EnvironmentName, episodes: Int) -> String {
        let environment = name.make(copies: min(episodes, 100))
        let trained = greedy(agent, on: environment, episodes: episodes, seed: seed)
        let baselines = Baselines(environment: name, evaluationEnvironment: environment, episodes: episodes)
        func row(_ label: String, _ result: PolicyEvaluation.Result) -> String {
            Table.row([label, String(format: "%.3f", result.meanReturn), String(format: "%.3f", result.standardDeviation),
                       String(format: "%.2fx", result.meanReturn / max(baselines.random.meanReturn, 1e-9))], widths: [44, 10, 10, 11])
        }
        return [
            "mean return over \(episodes) evaluation episodes (seed \(seed))",
            Table.row(["policy", "mean", "std", "vs random"], widths: [44, 10, 10, 11]),
            row("trained \(agent.algorithm) (greedy)", trained),
            row("uniform random", baselines.random),
            row("best fixed: \(baselines.bestFixedAction)", baselines.bestFixed),
        ].joined(separator: "\n")
    }
}
