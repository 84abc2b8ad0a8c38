import Foundation
import RecoTensor

/// Runs episodes `0..<count` of a fixed set (`EpisodeIndexedEnvironment`) with a policy, each to its
/// end, spreading them over the environment's copies: the loop behind evaluations that give every
/// policy the same users, and behind logs of an exact number of users.
public enum FixedEpisodes {
    /// One decision of one counted episode, as `run` reports it.
    public struct Step {
        /// The episode (`0..<count`).
        public var episode: Int
        /// The step within the episode (0 for the first).
        public var time: Int
        /// The copy it ran in, and so the row of `observations` it acted on.
        public var copy: Int
        /// The observations of all copies the policy acted on (valid during the call only), when `run`
        /// was asked to keep them.
        public var observations: MatrixView?
        public var action: Int
        /// `log P(action | observation)` under the policy (0 unless `logProbabilities` was asked for).
        public var logProbability: Float
        public var reward: Float
        /// Whether the episode ended with this step.
        public var done: Bool
    }

    /// Resets `environment` with `seed`, runs episodes `0..<count` of the set `seed` with `policy`
    /// (draws from `generator`), and calls `body` for every step of every counted episode, copy by
    /// copy after each vector step. Copies beyond the episodes keep stepping but are never reported.
    /// With `logProbabilities`, the policy is asked for the log-propensity of each action; with
    /// `keepsObservations`, each step carries the observations it acted on (copied before stepping).
    ///
    /// Throws `PolicyError` for `count < 1`, a non-discrete action space, an environment that cannot
    /// start numbered episodes, a policy that does not fit, or episodes unfinished after `maxSteps`
    /// environment steps (summed over copies); and whatever `body` throws.
    public static func run(_ environment: BatchedEnvironment, episodes count: Int, seed: UInt64, policy: Policy,
                           generator: inout RandomGenerator, logProbabilities: Bool = false, keepsObservations: Bool = false,
                           maxSteps: Int = 10_000_000,
                           _ body: (Step) throws -> Void) throws {
        guard count >= 1 else {
            throw PolicyError.shapeMismatch(field: "episodes", value: "\(count)", expected: "at least 1")
        }
        guard environment.actionSpace.width == 1, environment.actionSpace.choices != nil else {
            throw PolicyError.shapeMismatch(field: "actionSpace", value: "\(environment.actionSpace)",
                                            expected: "a discrete space (one action per observation)")
        }
        guard let indexed = environment as? EpisodeIndexedEnvironment else {
            throw PolicyError.shapeMismatch(field: "environment", value: "\(type(of: environment))",
                                            expected: "an EpisodeIndexedEnvironment (such as VectorEnvironment)")
        }
        let copies = environment.copies
        environment.reset(seed: seed)  // every copy in a valid state
        var running = [Int](repeating: -1, count: copies)   // the episode each copy runs, -1 for none
        var times = [Int](repeating: 0, count: copies)
        var next = 0, remaining = count
        for copy in 0..<min(copies, count) {
            indexed.startEpisode(next, seed: seed, inCopy: copy)
            running[copy] = next
            next += 1
        }
        var actions = [Int32](repeating: 0, count: copies)
        var logs = [Float](repeating: 0, count: copies)
        let seen = keepsObservations ? Matrix(rows: copies, columns: environment.observations.columns) : nil
        var steps = 0
        while remaining > 0 {
            guard steps < maxSteps else {
                throw PolicyError.shapeMismatch(field: "maxSteps", value: "\(maxSteps)",
                                                expected: "enough environment steps to finish all \(count) episodes (\(remaining) unfinished)")
            }
            let observations = environment.observations
            try actions.withUnsafeMutableBufferPointer { actionBuffer in
                try logs.withUnsafeMutableBufferPointer { logBuffer in
                    try policy.act(observations, into: actionBuffer, logProbabilities: logProbabilities ? logBuffer : nil,
                                   using: &generator)
                }
            }
            seen?.view.copy(from: observations)  // what the policy saw, before stepping overwrites it
            actions.withUnsafeBufferPointer { environment.step($0) }
            steps += copies
            let rewards = environment.rewards, terminated = environment.terminated, truncated = environment.truncated
            for copy in 0..<copies where running[copy] >= 0 {
                let done = terminated[copy] || truncated[copy]
                try body(Step(episode: running[copy], time: times[copy], copy: copy, observations: seen?.view,
                              action: Int(actions[copy]), logProbability: logs[copy], reward: rewards[copy], done: done))
                times[copy] += 1
                guard done else { continue }
                remaining -= 1
                times[copy] = 0
                if next < count {
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
    }
}
