import RecoEnvironments
import RecoTensor

/// Mean return of a policy over a fixed set of episodes, for comparing trained agents with baselines.
public enum PolicyEvaluation {
    /// The returns of a policy's episodes: their mean and standard deviation.
    public struct Result: Equatable, Sendable, Codable {
        public var meanReturn: Float
        public var standardDeviation: Float
        public var episodes: Int
    }

    /// Runs `episodes` episodes of `policy` on `environment` (reset with `seed`, so every policy meets
    /// the same users or start states) and returns statistics of the first `episodes` that finish.
    /// Exploring policies draw from `generator`.
    public static func evaluate(_ environment: BatchedEnvironment, episodes: Int, seed: UInt64, policy: Policy,
                                generator: inout RandomGenerator, maxSteps: Int = 10_000_000) throws -> Result {
        guard episodes >= 1 else {
            throw PolicyError.shapeMismatch(field: "episodes", value: "\(episodes)", expected: "at least 1")
        }
        let width = environment.actionSpace.width
        guard width == 1 else {
            throw PolicyError.shapeMismatch(field: "actionSpace", value: "\(environment.actionSpace)",
                                            expected: "a discrete space (one action per observation)")
        }
        environment.reset(seed: seed)
        var actions = [Int32](repeating: 0, count: environment.copies)
        var returns: [Float] = []
        var steps = 0
        while returns.count < episodes && steps < maxSteps {
            try actions.withUnsafeMutableBufferPointer {
                try policy.act(environment.observations, into: $0, logProbabilities: nil, using: &generator)
            }
            actions.withUnsafeBufferPointer { environment.step($0) }
            steps += environment.copies
            returns += environment.drainCompletedEpisodes().map(\.totalReward)
        }
        let used = Array(returns.prefix(episodes))
        let mean = used.reduce(0, +) / Float(max(1, used.count))
        let variance = used.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(max(1, used.count))
        return Result(meanReturn: mean, standardDeviation: variance.squareRoot(), episodes: used.count)
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
