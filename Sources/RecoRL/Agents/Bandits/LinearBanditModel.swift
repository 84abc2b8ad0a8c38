import Foundation
import RecoEnvironments
import RecoNetworks
import RecoTensor

/// What LinUCB and linear Thompson sampling have in common: per-action ridge regressions of the reward
/// on the context's features (`RidgeStatistics`), learnt online, with the expected reward
/// `theta_a . x` as the score and its argmax as the best guess. They differ only in how they explore.
public protocol LinearBanditModel: BanditModel {
    var statistics: RidgeStatistics { get }
}

extension LinearBanditModel {
    public var interactionsSeen: Int { statistics.interactions }

    /// Forgets everything, then folds `log` in (see `update`).
    public func fit(_ log: [LoggedInteraction], using generator: inout RandomGenerator) throws {
        try checkLog(log)
        statistics.reset()
        try statistics.add(log)
    }

    /// Adds every interaction's `x xᵀ` and `r x` to its action's statistics, then refactors each
    /// action the batch touched once.
    public func update(_ batch: [LoggedInteraction], using generator: inout RandomGenerator) throws {
        try checkLog(batch)
        try statistics.add(batch)
    }

    /// `theta_a . x`, the expected reward of every action.
    public func scores(_ contexts: MatrixView, into scores: MatrixView) {
        let features = statistics.features.matrix(contexts)
        statistics.means(features.view, into: scores)
    }

    /// `gram` (`A_a`, `[A, F, F]`) and `targets` (`b_a`, `[A, F]`).
    public func parameters() -> ParameterStore { statistics.parameters() }

    public func restore(_ parameters: ParameterStore, interactionsSeen: Int, path: String) throws {
        try statistics.restore(parameters, interactions: interactionsSeen, path: path, algorithm: Self.algorithm)
    }
}

/// LinUCB (Li, Chu, Langford & Schapire 2010, "A contextual-bandit approach to personalized news article
/// recommendation", the disjoint model): a ridge regression of the reward on the context per action;
/// explores with the action of highest upper confidence bound `theta_a . x + alpha sqrt(xᵀ A_a⁻¹ x)`, a
/// deterministic choice (log-propensity 0). Learns online; `fit` is `update` from scratch.
///
/// Contexts: any layout of `D` values (features: `LinearFeatures`, optionally an intercept and
/// log-scaled values); scores: the expected reward of each action (`A`).
public final class LinUCBModel: LinearBanditModel, @unchecked Sendable {
    public static let algorithm = "linucb"
    public static let learnsOnline = true
    public static let scoreKind: ActionScoreKind? = .qValue
    public let configuration: LinUCBConfiguration
    public let observationWidth: Int
    public let actionCount: Int
    public let statistics: RidgeStatistics

    /// Throws `ConfigurationError` for an invalid configuration or statistics too large for memory.
    public init(configuration: LinUCBConfiguration, observationWidth: Int, actionCount: Int) throws {
        try configuration.validate()
        self.configuration = configuration
        self.observationWidth = observationWidth
        self.actionCount = actionCount
        statistics = try RidgeStatistics(
            features: LinearFeatures(contextWidth: observationWidth, intercept: configuration.intercept,
                                     logValues: configuration.logFeatures),
            actionCount: actionCount, lambda: configuration.lambda, algorithm: Self.algorithm)
    }

    /// `theta_a . x + alpha sqrt(xᵀ A_a⁻¹ x)` for every context (`B x D`) and action, into `bounds` (`B x A`).
    public func upperConfidenceBounds(_ contexts: MatrixView, into bounds: MatrixView) {
        let features = statistics.features.matrix(contexts)
        statistics.means(features.view, into: bounds)
        let alpha = configuration.alpha
        if alpha == 0 { return }
        var scratch = [Double](repeating: 0, count: statistics.width)
        scratch.withUnsafeMutableBufferPointer { scratch in
            for r in 0..<contexts.rows {
                let x = UnsafePointer(features.view.rowPointer(r)), row = bounds.rowPointer(r)
                for a in 0..<actionCount {
                    row[a] += alpha * statistics.inverseQuadratic(a, x, scratch: scratch.baseAddress!).squareRoot()
                }
            }
        }
    }

    /// The action of highest upper confidence bound (lowest index on ties), log-propensity 0.
    public func explore(_ contexts: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>,
                        logProbabilities: UnsafeMutableBufferPointer<Float>?, using generator: inout RandomGenerator) {
        let bounds = Matrix(rows: contexts.rows, columns: actionCount)
        upperConfidenceBounds(contexts, into: bounds.view)
        if let base = actions.baseAddress { Kernels.rowArgmax(bounds.view, into: base) }
        logProbabilities?.update(repeating: 0)
    }
}

/// Thompson sampling on a Bayesian linear model (Agrawal & Goyal 2013, "Thompson sampling for contextual
/// bandits with linear payoffs"): the reward of action `a` has posterior `N(theta_a, v² A_a⁻¹)` over the
/// same ridge statistics as LinUCB; `explore` draws a parameter vector per action and plays the argmax
/// of the sampled rewards; `act` plays the argmax of the posterior mean.
///
/// Drawing: for one context only the projection `theta~_a . x` of the draw `theta~_a = theta_a + v L_a⁻ᵀ z`
/// matters, and it is exactly `N(theta_a . x, v² xᵀ A_a⁻¹ x)` with `xᵀ A_a⁻¹ x = |L_a⁻¹ x|²`; so each
/// decision draws one normal per action through one triangular solve with the Cholesky factor `L_a`
/// (the same distribution as the full draw, at the cost of one solve rather than `F` normals and a solve).
///
/// Propensity: the probability that the chosen action wins under the posterior has no closed form, so
/// it is estimated by Monte Carlo: with `K = propensityDraws` further independent draws and `w` of them
/// won by the chosen action, `p = (1 + w) / (1 + K)` (counting the draw that chose it, so `p > 0`). It is
/// an estimate: off by up to ~`sqrt(p (1 - p) / K)`, and never below `1 / (1 + K)`.
///
/// Contexts: any layout of `D` values (features: `LinearFeatures`); scores: the posterior mean reward
/// of each action (`A`).
public final class ThompsonSamplingModel: LinearBanditModel, @unchecked Sendable {
    public static let algorithm = "thompson"
    public static let learnsOnline = true
    public static let scoreKind: ActionScoreKind? = .qValue
    public let configuration: ThompsonSamplingConfiguration
    public let observationWidth: Int
    public let actionCount: Int
    public let statistics: RidgeStatistics

    /// Throws `ConfigurationError` for an invalid configuration or statistics too large for memory.
    public init(configuration: ThompsonSamplingConfiguration, observationWidth: Int, actionCount: Int) throws {
        try configuration.validate()
        self.configuration = configuration
        self.observationWidth = observationWidth
        self.actionCount = actionCount
        statistics = try RidgeStatistics(
            features: LinearFeatures(contextWidth: observationWidth, intercept: configuration.intercept,
                                     logValues: configuration.logFeatures),
            actionCount: actionCount, lambda: configuration.lambda, algorithm: Self.algorithm)
    }

    /// The posterior mean `theta_a . x` (into `means`, `B x A`) and standard deviation
    /// `v sqrt(xᵀ A_a⁻¹ x)` (into `deviations`, `B x A`) of every action's reward in every context.
    public func posterior(_ contexts: MatrixView, means: MatrixView, deviations: MatrixView) {
        let features = statistics.features.matrix(contexts)
        statistics.means(features.view, into: means)
        let v = configuration.v
        var scratch = [Double](repeating: 0, count: statistics.width)
        scratch.withUnsafeMutableBufferPointer { scratch in
            for r in 0..<contexts.rows {
                let x = UnsafePointer(features.view.rowPointer(r)), row = deviations.rowPointer(r)
                for a in 0..<actionCount {
                    row[a] = v * statistics.inverseQuadratic(a, x, scratch: scratch.baseAddress!).squareRoot()
                }
            }
        }
    }

    /// The argmax of one posterior draw per context, with the Monte-Carlo estimate of its log-propensity.
    public func explore(_ contexts: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>,
                        logProbabilities: UnsafeMutableBufferPointer<Float>?, using generator: inout RandomGenerator) {
        let means = Matrix(rows: contexts.rows, columns: actionCount)
        let deviations = Matrix(rows: contexts.rows, columns: actionCount)
        posterior(contexts, means: means.view, deviations: deviations.view)
        let draws = configuration.propensityDraws
        for r in 0..<contexts.rows {
            let m = means.view.rowPointer(r), s = deviations.view.rowPointer(r)
            let chosen = Self.sampledArgmax(m, s, count: actionCount, using: &generator)
            actions[r] = Int32(chosen)
            guard let logProbabilities else { continue }
            var wins = 0
            for _ in 0..<draws where Self.sampledArgmax(m, s, count: actionCount, using: &generator) == chosen { wins += 1 }
            logProbabilities[r] = Foundation.log(Float(1 + wins) / Float(1 + draws))
        }
    }

    /// The argmax of `m_a + s_a z_a` over `count` actions, `z` standard normal (lowest index on ties).
    private static func sampledArgmax(_ m: UnsafePointer<Float>, _ s: UnsafePointer<Float>, count: Int,
                                      using generator: inout RandomGenerator) -> Int {
        var best = 0, bestValue = -Float.infinity
        for a in 0..<count {
            let value = s[a] > 0 ? m[a] + s[a] * generator.normal() : m[a]
            if value > bestValue { best = a; bestValue = value }
        }
        return best
    }
}
