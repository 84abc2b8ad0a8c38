import Foundation
import RecoEnvironments
import RecoTensor

/// A model of the expected reward of an action in a context, for the doubly robust estimator.
public protocol RewardModel: Sendable {
    /// The predicted reward of `action` given `context`.
    func predictedReward(context: [Float], action: Int) -> Double
}

/// A reward model given as a closure `(context, action) -> predicted reward`.
public struct ClosureRewardModel: RewardModel {
    private let predict: @Sendable ([Float], Int) -> Double

    /// A model that predicts `predict(context, action)`.
    public init(_ predict: @escaping @Sendable ([Float], Int) -> Double) {
        self.predict = predict
    }

    public func predictedReward(context: [Float], action: Int) -> Double { predict(context, action) }
}

/// What an off-policy estimator says of a target policy on logged data.
public struct OffPolicyEstimate: Equatable, Sendable, Codable {
    /// The estimated expected reward per decision under the target policy.
    public var value: Double
    /// Percentile bootstrap 95% interval of the estimate (2.5% and 97.5% quantiles of the estimates
    /// on `resamples` resamples of the log drawn with replacement).
    public var confidenceInterval: ClosedRange<Double>
    /// Effective sample size of the importance weights used, `(sum w)^2 / sum w^2` (0 when every
    /// weight is 0).
    public var effectiveSampleSize: Double
    /// Number of logged interactions.
    public var samples: Int
    /// Number of bootstrap resamples.
    public var resamples: Int
}

/// Settings of the percentile bootstrap behind every estimate's confidence interval.
public struct BootstrapSettings: Equatable, Sendable, Codable {
    /// Number of resamples (at least 1).
    public var resamples: Int
    /// Seed of the `RandomGenerator` that draws the resamples: the same seed, the same interval.
    public var seed: UInt64

    public init(resamples: Int = 1000, seed: UInt64 = 0) {
        self.resamples = resamples
        self.seed = seed
    }
}

/// Off-policy estimators of a target policy's expected reward from interactions logged under another
/// policy: inverse propensity scoring (IPS), clipped IPS, self-normalised IPS and doubly robust.
///
/// With `w_i = pi(a_i | x_i) / p_i` (the target's probability of the logged action over its logged
/// propensity) and rewards `r_i` over `n` interactions:
/// - IPS: `(1/n) sum w_i r_i`;
/// - clipped IPS: `(1/n) sum min(w_i, maxWeight) r_i`;
/// - self-normalised IPS: `sum w_i r_i / sum w_i` (0 when every weight is 0);
/// - doubly robust: `(1/n) sum [ sum_a pi(a | x_i) rhat(x_i, a) + w_i (r_i - rhat(x_i, a_i)) ]`.
///
/// The target's probabilities are its `actionProbabilities`: the distribution its `act` draws from
/// (one-hot for a deterministic policy, such as any greedy one).
public enum OffPolicyEstimators {
    /// The IPS estimate of `target` on `log`.
    public static func ips(_ target: Policy, on log: [LoggedInteraction],
                           bootstrap: BootstrapSettings = BootstrapSettings()) throws -> OffPolicyEstimate {
        let weights = try importanceWeights(target, on: log)
        let terms = zip(weights, log).map { $0 * Double($1.reward) }
        return try estimate(terms: terms, normalisers: nil, weights: weights, bootstrap: bootstrap)
    }

    /// The clipped IPS estimate of `target` on `log`: every weight capped at `maxWeight` (> 0).
    public static func clippedIPS(_ target: Policy, on log: [LoggedInteraction], maxWeight: Double,
                                  bootstrap: BootstrapSettings = BootstrapSettings()) throws -> OffPolicyEstimate {
        guard maxWeight > 0, maxWeight.isFinite else {
            throw LoggedDataError.invalid(field: "maxWeight", value: "\(maxWeight)", expected: "a finite weight above 0")
        }
        let weights = try importanceWeights(target, on: log).map { min($0, maxWeight) }
        let terms = zip(weights, log).map { $0 * Double($1.reward) }
        return try estimate(terms: terms, normalisers: nil, weights: weights, bootstrap: bootstrap)
    }

    /// The self-normalised IPS estimate of `target` on `log`.
    public static func selfNormalizedIPS(_ target: Policy, on log: [LoggedInteraction],
                                         bootstrap: BootstrapSettings = BootstrapSettings()) throws -> OffPolicyEstimate {
        let weights = try importanceWeights(target, on: log)
        let terms = zip(weights, log).map { $0 * Double($1.reward) }
        return try estimate(terms: terms, normalisers: weights, weights: weights, bootstrap: bootstrap)
    }

    /// The doubly robust estimate of `target` on `log` with `rewardModel`'s predictions. Throws
    /// `LoggedDataError.invalid` for a non-finite prediction.
    public static func doublyRobust(_ target: Policy, on log: [LoggedInteraction], rewardModel: RewardModel,
                                    bootstrap: BootstrapSettings = BootstrapSettings()) throws -> OffPolicyEstimate {
        let probabilities = try targetProbabilities(target, on: log)
        var weights: [Double] = [], terms: [Double] = []
        weights.reserveCapacity(log.count)
        terms.reserveCapacity(log.count)
        for (i, interaction) in log.enumerated() {
            var direct = 0.0, predictedLogged = 0.0
            for action in 0..<target.actionCount {
                let prediction = rewardModel.predictedReward(context: interaction.context, action: action)
                guard prediction.isFinite else {
                    throw LoggedDataError.invalid(field: "rewardModel(interaction \(i), action \(action))",
                                                  value: "\(prediction)", expected: "a finite predicted reward")
                }
                direct += probabilities[i][action] * prediction
                if action == interaction.action { predictedLogged = prediction }
            }
            let weight = probabilities[i][interaction.action] / Double(interaction.propensity)
            weights.append(weight)
            terms.append(direct + weight * (Double(interaction.reward) - predictedLogged))
        }
        return try estimate(terms: terms, normalisers: nil, weights: weights, bootstrap: bootstrap)
    }

    /// The importance weight `pi(a_i | x_i) / p_i` of every interaction.
    public static func importanceWeights(_ target: Policy, on log: [LoggedInteraction]) throws -> [Double] {
        let probabilities = try targetProbabilities(target, on: log)
        return zip(probabilities, log).map { $0[$1.action] / Double($1.propensity) }
    }

    /// The target's probability of every action (`actionCount` values) for every interaction's context.
    /// Throws `LoggedDataError.invalid` for an empty log, a context of the wrong width, a logged action
    /// outside `0..<actionCount`, a propensity outside (0, 1], or probabilities scores that are not in
    /// [0, 1]; and what the policy throws.
    public static func targetProbabilities(_ target: Policy, on log: [LoggedInteraction]) throws -> [[Double]] {
        guard !log.isEmpty else {
            throw LoggedDataError.invalid(field: "log", value: "0 interactions", expected: "at least 1 interaction")
        }
        let width = target.observationWidth, actions = target.actionCount
        var values: [Float] = []
        values.reserveCapacity(log.count * width)
        for (i, interaction) in log.enumerated() {
            guard interaction.context.count == width else {
                throw LoggedDataError.invalid(field: "log[\(i)].context", value: "\(interaction.context.count) values",
                                              expected: "\(width) (the target policy's observation width)")
            }
            guard (0..<actions).contains(interaction.action) else {
                throw LoggedDataError.invalid(field: "log[\(i)].action", value: "\(interaction.action)",
                                              expected: "an action in 0..<\(actions) (the target policy's actions)")
            }
            guard interaction.propensity > 0, interaction.propensity <= 1 else {
                throw LoggedDataError.invalid(field: "log[\(i)].propensity", value: "\(interaction.propensity)",
                                              expected: "a probability in (0, 1]")
            }
            values.append(contentsOf: interaction.context)
        }
        let contexts = Matrix(rows: log.count, columns: width, values: values)
        var result = [[Double]](repeating: [Double](repeating: 0, count: actions), count: log.count)
        let probabilities = Matrix(rows: log.count, columns: actions)
        try target.actionProbabilities(contexts.view, into: probabilities.view)
        for i in 0..<log.count {
            var total = 0.0
            for a in 0..<actions {
                let p = Double(probabilities[i, a])
                guard p >= 0, p <= 1 + 1e-5 else {
                    throw LoggedDataError.invalid(field: "target probabilities[\(i), \(a)]", value: "\(p)",
                                                  expected: "a probability in [0, 1]")
                }
                result[i][a] = min(p, 1)
                total += p
            }
            guard abs(total - 1) < 1e-3 else {
                throw LoggedDataError.invalid(field: "target probabilities[\(i)]", value: "summing to \(total)",
                                              expected: "a distribution over the \(actions) actions (summing to 1)")
            }
        }
        withExtendedLifetime(contexts) {}
        return result
    }

    /// `(sum w)^2 / sum w^2`, 0 when every weight is 0.
    public static func effectiveSampleSize(_ weights: [Double]) -> Double {
        let sum = weights.reduce(0, +), squares = weights.reduce(0) { $0 + $1 * $1 }
        return squares > 0 ? sum * sum / squares : 0
    }

    /// The estimate `sum terms / sum normalisers` (normalisers 1 when nil), its bootstrap interval and
    /// the weights' effective sample size.
    static func estimate(terms: [Double], normalisers: [Double]?, weights: [Double],
                         bootstrap: BootstrapSettings) throws -> OffPolicyEstimate {
        guard bootstrap.resamples >= 1 else {
            throw LoggedDataError.invalid(field: "bootstrap.resamples", value: "\(bootstrap.resamples)", expected: "at least 1")
        }
        let n = terms.count
        func ratio(_ numerator: Double, _ denominator: Double) -> Double { denominator > 0 ? numerator / denominator : 0 }
        let value = ratio(terms.reduce(0, +), normalisers?.reduce(0, +) ?? Double(n))
        var generator = RandomGenerator(seed: bootstrap.seed)
        var estimates = [Double](repeating: 0, count: bootstrap.resamples)
        for b in 0..<bootstrap.resamples {
            var numerator = 0.0, denominator = 0.0
            for _ in 0..<n {
                let i = generator.index(below: n)
                numerator += terms[i]
                denominator += normalisers?[i] ?? 1
            }
            estimates[b] = ratio(numerator, denominator)
        }
        estimates.sort()
        let interval = quantile(estimates, 0.025)...quantile(estimates, 0.975)
        return OffPolicyEstimate(value: value, confidenceInterval: interval,
                                 effectiveSampleSize: effectiveSampleSize(weights), samples: n,
                                 resamples: bootstrap.resamples)
    }

    /// The `q` quantile of sorted values, interpolating linearly between order statistics (NumPy's default).
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down)), upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }
}
