import Foundation
import RecoTensor

/// Logs a policy acting on a batched environment: every decision with its context, the action, its
/// propensity under the policy and the reward, ready for off-policy estimators and bandit learners.
public enum PolicyLogging {
    /// Resets `environment` with `seed`, then steps all copies `steps` times with `policy` (its draws
    /// from `generator`) and returns one interaction per copy per step, in step order then copy order
    /// (see `PolicyLogger` for the fields).
    ///
    /// Throws `PolicyError` for a policy that does not fit the environment, `LoggedDataError.invalid`
    /// for a non-discrete action space, `steps < 1`, or a propensity that is not in (0, 1].
    public static func log(_ policy: Policy, on environment: BatchedEnvironment, steps: Int, seed: UInt64,
                           generator: inout RandomGenerator) throws -> [LoggedInteraction] {
        guard steps >= 1 else {
            throw LoggedDataError.invalid(field: "steps", value: "\(steps)", expected: "at least 1")
        }
        let logger = try PolicyLogger(policy: policy, environment: environment)
        environment.reset(seed: seed)
        var log: [LoggedInteraction] = []
        log.reserveCapacity(steps * environment.copies)
        for _ in 0..<steps {
            try logger.step(using: &generator, appendingTo: &log)
            _ = environment.drainCompletedEpisodes()
        }
        return log
    }

    /// Logs exactly the users (episodes) `0..<episodes` of the set `seed` (`FixedEpisodes.run`), each to
    /// its end: the interactions in the order they happen, `user` the episode's index and `time` the
    /// step within it. The same seed gives every policy the same users.
    ///
    /// Throws what `FixedEpisodes.run` throws, and `LoggedDataError.invalid` for a propensity that is
    /// not in (0, 1].
    public static func log(_ policy: Policy, on environment: BatchedEnvironment, episodes: Int, seed: UInt64,
                           generator: inout RandomGenerator) throws -> [LoggedInteraction] {
        var log: [LoggedInteraction] = []
        try FixedEpisodes.run(environment, episodes: episodes, seed: seed, policy: policy, generator: &generator,
                              logProbabilities: true, keepsObservations: true) { step in
            let propensity = try propensity(logProbability: step.logProbability, copy: step.copy)
            guard let observations = step.observations else { preconditionFailure("FixedEpisodes.run keeps the observations it is asked to") }
            let context = Array(UnsafeBufferPointer(start: observations.rowPointer(step.copy), count: observations.columns))
            log.append(try LoggedInteraction(context: context, action: step.action, propensity: propensity,
                                             reward: step.reward, user: step.episode, time: Double(step.time)))
        }
        return log
    }

    /// The propensity a policy's log-probability gives: its exp, values above 1 by rounding read as 1.
    /// Throws `LoggedDataError.invalid` naming the copy unless it is in (0, 1].
    static func propensity(logProbability: Float, copy: Int) throws -> Float {
        let propensity = min(1, exp(logProbability))
        guard propensity > 0, propensity.isFinite else {
            throw LoggedDataError.invalid(field: "logProbabilities[\(copy)]", value: "\(logProbability)",
                                          expected: "the log-probability of the chosen action, so that its exp is in (0, 1]")
        }
        return propensity
    }
}

/// Steps a batched environment with a policy one vector step at a time and records each copy's
/// decision as a `LoggedInteraction`. The environment must have been reset; the logger neither resets
/// it nor drains its finished episodes, so a training loop can own both.
///
/// The context is the copy's observation the policy acted on; the propensity is the exp of the
/// `logProbabilities` the policy returns for its action (values above 1 by rounding read 1); the
/// reward is the step's reward. `user` numbers the episodes across copies in the order they start
/// (copy `i` starts episode `i`), and `time` is the step within the episode (0 for the first).
public final class PolicyLogger {
    public let policy: Policy
    public let environment: BatchedEnvironment
    private var actions: [Int32]
    private var logProbabilities: [Float]
    private var users: [Int]
    private var nextUser: Int
    private var times: [Int]

    /// Throws `LoggedDataError.invalid` for an action space that is not discrete.
    public init(policy: Policy, environment: BatchedEnvironment) throws {
        guard environment.actionSpace.choices != nil, environment.actionSpace.width == 1 else {
            throw LoggedDataError.invalid(field: "actionSpace", value: "\(environment.actionSpace)",
                                          expected: "a discrete space (one action per observation)")
        }
        self.policy = policy
        self.environment = environment
        let copies = environment.copies
        actions = [Int32](repeating: 0, count: copies)
        logProbabilities = [Float](repeating: 0, count: copies)
        users = Array(0..<copies)
        nextUser = copies
        times = [Int](repeating: 0, count: copies)
    }

    /// Acts on every copy's observation, steps the environment and appends one interaction per copy.
    /// Throws `PolicyError` for a policy that does not fit, `LoggedDataError.invalid` for a propensity
    /// that is not in (0, 1].
    public func step(using generator: inout RandomGenerator, appendingTo log: inout [LoggedInteraction]) throws {
        let copies = environment.copies
        let observations = environment.observations
        try actions.withUnsafeMutableBufferPointer { actionBuffer in
            try logProbabilities.withUnsafeMutableBufferPointer { logBuffer in
                try policy.act(observations, into: actionBuffer, logProbabilities: logBuffer, using: &generator)
            }
        }
        let contexts = (0..<copies).map { Array(UnsafeBufferPointer(start: observations.rowPointer($0), count: observations.columns)) }
        actions.withUnsafeBufferPointer { environment.step($0) }
        let rewards = environment.rewards, terminated = environment.terminated, truncated = environment.truncated
        for copy in 0..<copies {
            let propensity = try PolicyLogging.propensity(logProbability: logProbabilities[copy], copy: copy)
            log.append(try LoggedInteraction(context: contexts[copy], action: Int(actions[copy]), propensity: propensity,
                                             reward: rewards[copy], user: users[copy], time: Double(times[copy])))
            times[copy] += 1
            if terminated[copy] || truncated[copy] {
                users[copy] = nextUser
                nextUser += 1
                times[copy] = 0
            }
        }
    }
}
