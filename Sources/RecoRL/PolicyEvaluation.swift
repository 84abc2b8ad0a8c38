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

    /// Runs `episodes` episodes on `environment` (reset with `seed`, so every policy meets the same
    /// users or start states) and returns statistics of the first `episodes` that finish. `policy`
    /// fills one action per copy from the current observations (`N x D`).
    public static func evaluate(_ environment: BatchedEnvironment, episodes: Int, seed: UInt64, maxSteps: Int = 10_000_000,
                                policy: (MatrixView, UnsafeMutableBufferPointer<Int32>) -> Void) -> Result {
        precondition(episodes >= 1, "evaluation needs at least one episode")
        environment.reset(seed: seed)
        var actions = [Int32](repeating: 0, count: environment.count * environment.actionSpace.width)
        var returns: [Float] = []
        var steps = 0
        while returns.count < episodes && steps < maxSteps {
            actions.withUnsafeMutableBufferPointer { policy(environment.observations, $0) }
            actions.withUnsafeBufferPointer { environment.step($0) }
            steps += environment.count
            returns += environment.drainCompletedEpisodes().map(\.totalReward)
        }
        let used = Array(returns.prefix(episodes))
        let mean = used.reduce(0, +) / Float(max(1, used.count))
        let variance = used.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(max(1, used.count))
        return Result(meanReturn: mean, standardDeviation: variance.squareRoot(), episodes: used.count)
    }

    /// A policy that picks uniformly among `actions` actions, from its own generator.
    public static func uniformRandom(actions: Int, seed: UInt64) -> (MatrixView, UnsafeMutableBufferPointer<Int32>) -> Void {
        var generator = RandomGenerator(seed: seed)
        return { _, out in
            for i in 0..<out.count { out[i] = Int32(generator.index(below: actions)) }
        }
    }

    /// The best single action played always, and its result, over all `actions` actions.
    public static func bestFixedAction(_ environment: BatchedEnvironment, actions: Int, episodes: Int,
                                       seed: UInt64) -> (action: Int, result: Result) {
        precondition(actions >= 1, "needs at least one action")
        func always(_ action: Int) -> Result {
            evaluate(environment, episodes: episodes, seed: seed) { _, out in
                for i in 0..<out.count { out[i] = Int32(action) }
            }
        }
        var best = (action: 0, result: always(0))
        for action in 1..<actions {
            let result = always(action)
            if result.meanReturn > best.result.meanReturn { best = (action, result) }
        }
        return best
    }
}
