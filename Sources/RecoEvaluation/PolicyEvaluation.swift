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

    /// The return of each episode `k` in `0..<episodes` of the set `seed` under `policy`, at index `k`.
    /// Every episode runs to its end. Exploring policies draw from `generator` (over all copies'
    /// observations at once, so their draws, unlike the episodes, depend on the number of copies).
    /// Throws for an environment that cannot start numbered episodes, a non-discrete action space, or
    /// episodes unfinished after `maxSteps` environment steps (summed over copies).
    public static func episodeReturns(_ environment: BatchedEnvironment, episodes: Int, seed: UInt64, policy: Policy,
                                      generator: inout RandomGenerator, maxSteps: Int = 10_000_000) throws -> [Float] {
        guard episodes >= 1 else {
            throw PolicyError.shapeMismatch(field: "episodes", value: "\(episodes)", expected: "at least 1")
        }
        guard environment.actionSpace.width == 1 else {
            throw PolicyError.shapeMismatch(field: "actionSpace", value: "\(environment.actionSpace)",
                                            expected: "a discrete space (one action per observation)")
        }
        guard let indexed = environment as? EpisodeIndexedEnvironment else {
            throw PolicyError.shapeMismatch(field: "environment", value: "\(type(of: environment))",
                                            expected: "an EpisodeIndexedEnvironment (such as VectorEnvironment)")
        }
        let copies = environment.copies
        // Every copy in a valid state (copies beyond the episodes keep running but are never counted).
        environment.reset(seed: seed)
        var running = [Int](repeating: -1, count: copies)   // the episode each copy runs, -1 for none
        var partial = [Float](repeating: 0, count: copies)
        var returns = [Float](repeating: 0, count: episodes)
        var next = 0, remaining = episodes
        for copy in 0..<min(copies, episodes) {
            indexed.startEpisode(next, seed: seed, inCopy: copy)
            running[copy] = next
            next += 1
        }
        var actions = [Int32](repeating: 0, count: copies)
        var steps = 0
        while remaining > 0 {
            guard steps < maxSteps else {
                throw PolicyError.shapeMismatch(field: "maxSteps", value: "\(maxSteps)",
                                                expected: "enough environment steps to finish all \(episodes) episodes (\(remaining) unfinished)")
            }
            try actions.withUnsafeMutableBufferPointer {
                try policy.act(environment.observations, into: $0, logProbabilities: nil, using: &generator)
            }
            actions.withUnsafeBufferPointer { environment.step($0) }
            steps += copies
            let rewards = environment.rewards, terminated = environment.terminated, truncated = environment.truncated
            for copy in 0..<copies where running[copy] >= 0 {
                partial[copy] += rewards[copy]
                guard terminated[copy] || truncated[copy] else { continue }
                returns[running[copy]] = partial[copy]
                partial[copy] = 0
                remaining -= 1
                if next < episodes {
                    // Replaces the state the copy auto-reset to: that one depends on the draws so far.
                    indexed.startEpisode(next, seed: seed, inCopy: copy)
                    running[copy] = next
                    next += 1
                } else {
                    running[copy] = -1
                }
            }
            _ = environment.drainCompletedEpisodes()
        }
        return returns
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
