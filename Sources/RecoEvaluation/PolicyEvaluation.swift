import Foundation
import RecoEnvironments
import RecoTensor

/// Mean return of a policy over a fixed set of episodes, for comparing trained agents with baselines.
///
/// The set is the same for every policy: episode `k` of the set `seed` (`k` in `0..<episodes`) starts
/// from the initial state drawn from `RandomGenerator(seed: seed, stream: UInt64(k))` and takes its
/// dynamics from that stream too (`EpisodeIndexedEnvironment`), so it meets the same user whatever the
/// policy does and however many copies run side by side. Copies take the next episode of the set as
/// they finish one; every episode runs to its end and counts once, whatever its length, and the
/// episodes a copy starts on its own after the last one is handed out are ignored.
public enum PolicyEvaluation {
    /// The returns of a policy's episodes: their mean, sample standard deviation and a 95% confidence
    /// interval for the mean.
    public struct Result: Equatable, Sendable, Codable {
        /// Mean undiscounted return over the episodes.
        public var meanReturn: Float
        /// Sample standard deviation of the episodes' returns (divisor `episodes - 1`; 0 for one episode).
        public var standardDeviation: Float
        /// Number of episodes, each counted once.
        public var episodes: Int
        /// Half-width of the 95% confidence interval for the mean return, by the normal approximation:
        /// `1.96 * standardDeviation / sqrt(episodes)`. It measures how much the mean could move with
        /// another sample of users; two policies evaluated on the same set are compared on the same users,
        /// so their difference is usually known better than the two intervals suggest.
        public var confidenceHalfWidth: Float

        /// The 95% confidence interval for the mean return, `meanReturn ± confidenceHalfWidth`.
        public var confidenceInterval: ClosedRange<Float> {
            (meanReturn - confidenceHalfWidth)...(meanReturn + confidenceHalfWidth)
        }

        /// The statistics of `returns` (at least one; sums in Double).
        public init(returns: [Float]) {
            precondition(!returns.isEmpty, "statistics of no returns")
            let n = Double(returns.count)
            let mean = returns.reduce(0.0) { $0 + Double($1) } / n
            let squares = returns.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) }
            let deviation = returns.count > 1 ? (squares / (n - 1)).squareRoot() : 0
            meanReturn = Float(mean)
            standardDeviation = Float(deviation)
            episodes = returns.count
            confidenceHalfWidth = Float(PolicyEvaluation.normalQuantile95 * deviation / n.squareRoot())
        }

        /// `meanReturn ± confidenceHalfWidth` with `decimals` decimals, for example `9.332 ± 0.058`.
        public func formatted(decimals: Int = 3) -> String {
            PolicyEvaluation.format(meanReturn, plusMinus: confidenceHalfWidth, decimals: decimals)
        }
    }

    /// The standard normal quantile of a two-sided 95% interval.
    public static let normalQuantile95 = 1.96

    /// `value ± halfWidth` with `decimals` decimals.
    public static func format(_ value: Float, plusMinus halfWidth: Float, decimals: Int = 3) -> String {
        String(format: "%.\(decimals)f", Double(value)) + " ± " + String(format: "%.\(decimals)f", Double(halfWidth))
    }

    /// The return and the length (steps) of each episode `k` in `0..<episodes` of the set `seed` under
    /// `policy`, at index `k` (`FixedEpisodes.run`); `progress` hears the number of
    /// finished episodes each time one finishes.
    /// Every episode runs to its end. Exploring policies draw from `generator` (over all copies'
    /// observations at once, so their draws, unlike the episodes, depend on the number of copies).
    /// Throws for an environment that cannot start numbered episodes, a non-discrete action space, or
    /// episodes unfinished after `maxSteps` environment steps (summed over copies).
    public static func episodeOutcomes(_ environment: BatchedEnvironment, episodes: Int, seed: UInt64, policy: Policy,
                                       generator: inout RandomGenerator, maxSteps: Int = 10_000_000,
                                       progress: (Int) -> Void = { _ in }) throws -> (returns: [Float], lengths: [Int]) {
        var returns = [Float](repeating: 0, count: max(0, episodes))
        var lengths = [Int](repeating: 0, count: max(0, episodes))
        var finished = 0
        try FixedEpisodes.run(environment, episodes: episodes, seed: seed, policy: policy, generator: &generator,
                              maxSteps: maxSteps) { step in
            returns[step.episode] += step.reward
            lengths[step.episode] += 1
            if step.done {
                finished += 1
                progress(finished)
            }
        }
        return (returns, lengths)
    }

    /// The return of each episode `k` in `0..<episodes` of the set `seed` under `policy`, at index `k`
    /// (see `episodeOutcomes`).
    public static func episodeReturns(_ environment: BatchedEnvironment, episodes: Int, seed: UInt64, policy: Policy,
                                      generator: inout RandomGenerator, maxSteps: Int = 10_000_000) throws -> [Float] {
        try episodeOutcomes(environment, episodes: episodes, seed: seed, policy: policy, generator: &generator,
                            maxSteps: maxSteps).returns
    }

    /// Runs episodes `0..<episodes` of the set `seed` (the same users or start states for every policy,
    /// in the same order) with `policy`, each to its end, and returns the statistics of their returns.
    /// Exploring policies draw from `generator`.
    public static func evaluate(_ environment: BatchedEnvironment, episodes: Int, seed: UInt64, policy: Policy,
                                generator: inout RandomGenerator, maxSteps: Int = 10_000_000) throws -> Result {
        Result(returns: try episodeReturns(environment, episodes: episodes, seed: seed, policy: policy,
                                           generator: &generator, maxSteps: maxSteps))
    }

    /// `evaluate` for a deterministic policy, or with a generator seeded `seed` for an exploring one.
    public static func evaluate(_ environment: BatchedEnvironment, episodes: Int, seed: UInt64,
                                policy: Policy) throws -> Result {
        var generator = RandomGenerator(seed: seed)
        return try evaluate(environment, episodes: episodes, seed: seed, policy: policy, generator: &generator)
    }

    /// The uniform random policy's result, drawing from a generator seeded `policySeed`.
    public static func uniformRandom(_ environment: BatchedEnvironment, episodes: Int, seed: UInt64,
                                     policySeed: UInt64) throws -> Result {
        var generator = RandomGenerator(seed: policySeed)
        let policy = try UniformRandomPolicy(observationWidth: environment.observationSpace.width,
                                             actionCount: discreteActions(environment))
        return try evaluate(environment, episodes: episodes, seed: seed, policy: policy, generator: &generator)
    }

    /// The best single action played always, and its result, over all of the environment's actions.
    public static func bestFixedAction(_ environment: BatchedEnvironment, episodes: Int,
                                       seed: UInt64) throws -> (action: Int, result: Result) {
        let actions = try discreteActions(environment)
        func always(_ action: Int) throws -> Result {
            let policy = try FixedActionPolicy(action: action, observationWidth: environment.observationSpace.width,
                                               actionCount: actions)
            return try evaluate(environment, episodes: episodes, seed: seed, policy: policy)
        }
        var best = (action: 0, result: try always(0))
        for action in 1..<max(1, actions) {
            let result = try always(action)
            if result.meanReturn > best.result.meanReturn { best = (action, result) }
        }
        return best
    }

    static func discreteActions(_ environment: BatchedEnvironment) throws -> Int {
        guard let choices = environment.actionSpace.choices else {
            throw PolicyError.shapeMismatch(field: "actionSpace", value: "\(environment.actionSpace)", expected: "a discrete space")
        }
        return choices
    }
}
