import RecoEnvironments
import RecoEvaluation
import RecoExperiments

/// The policy that answers when the model throws or misses its latency budget.
public enum FallbackPolicy: String, CaseIterable, Sendable {
    /// The single action with the best mean return on the environment's evaluation episodes.
    case bestFixed = "best-fixed"
    /// Uniformly random among all actions (propensity `1 / A`).
    case random

    /// The fallback for `environment`: for `bestFixed`, every action is evaluated on `episodes` of the
    /// evaluation episodes every command shares (`EvaluationSettings.seed`), as the comparison table's
    /// "best fixed" row is (throws `ExperimentError` for fewer than one episode). Its version names the
    /// kind (and the action).
    public func make(for environment: EnvironmentEntry, episodes: Int = 200) throws -> ServedPolicy {
        let actions = environment.actionNames.count
        switch self {
        case .bestFixed:
            guard episodes >= 1 else { throw ExperimentError("episodes: \(episodes) is not valid; expected at least 1") }
            let evaluation = environment.makeEvaluation(copies: EvaluationSettings.copies(for: episodes))
            let width = evaluation.observationSpace.width
            let best = try PolicyEvaluation.bestFixedAction(evaluation, episodes: episodes, seed: EvaluationSettings.seed)
            return try ServedPolicy(
                policy: FixedActionPolicy(action: best.action, observationWidth: width, actionCount: actions),
                version: "best-fixed:\(environment.actionNames[best.action])", actionNames: environment.actionNames)
        case .random:
            let width = environment.make(copies: 1).observationSpace.width
            return try ServedPolicy(policy: UniformRandomPolicy(observationWidth: width, actionCount: actions),
                                    version: "uniform-random", actionNames: environment.actionNames)
        }
    }
}
