import RecoEnvironments
import RecoEvaluation
import RecoSimulators
import RecoTensor
import Testing

/// A test environment whose episodes say which user they belong to: the user `u` is drawn at reset,
/// the first step pays `u` and later ones nothing, so an episode's return names its user. Action 1
/// ends the episode (terminated); every other step also ends it with probability 0.2 (drawn from the
/// copy's stream: randomness in the dynamics); 12 steps truncate it.
struct TaggedUsers: Environment {
    var user: Float = 0
    var step = 0
    var observationSpace: Space { .box(lower: [0, 0], upper: [1_000, 12]) }
    var actionSpace: Space { .discrete(3) }

    mutating func reset(using generator: inout RandomGenerator, observation: UnsafeMutableBufferPointer<Float>) {
        user = Float(generator.index(below: 1_000))
        step = 0
        observation[0] = user
        observation[1] = 0
    }

    mutating func step(_ action: UnsafeBufferPointer<Int32>, using generator: inout RandomGenerator,
                       observation: UnsafeMutableBufferPointer<Float>) -> StepOutcome {
        let reward: Float = step == 0 ? user : 0
        step += 1
        observation[0] = user
        observation[1] = Float(step)
        let terminated = action[0] == 1 || generator.bernoulli(0.2)
        return StepOutcome(reward: reward, terminated: terminated, truncated: !terminated && step >= 12)
    }

    /// The user of episode `k` of the set `seed`.
    static func user(episode k: Int, seed: UInt64) -> Float {
        var generator = RandomGenerator(seed: seed, stream: UInt64(k))
        return Float(generator.index(below: 1_000))
    }
}

/// Acts by a rule of the observation row (for policies that end episodes at different lengths).
final class RulePolicy: Policy, @unchecked Sendable {
    let observationWidth: Int
    let actionCount: Int
    let rule: ([Float]) -> Int
    var scoreKind: ActionScoreKind? { nil }

    init(observationWidth: Int, actionCount: Int, rule: @escaping ([Float]) -> Int) {
        self.observationWidth = observationWidth
        self.actionCount = actionCount
        self.rule = rule
    }

    func act(_ observations: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>,
             logProbabilities: UnsafeMutableBufferPointer<Float>?, using generator: inout RandomGenerator) throws {
        try checkBatch(observations, actions: actions.count, logProbabilities: logProbabilities?.count)
        for i in 0..<actions.count {
            actions[i] = Int32(rule(Array(UnsafeBufferPointer(start: observations.rowPointer(i), count: observations.columns))))
        }
        logProbabilities?.update(repeating: 0)
    }
}

@Suite struct EpisodeSetTests {
    static func row(_ view: MatrixView, _ i: Int) -> [Float] {
        Array(UnsafeBufferPointer(start: view.rowPointer(i), count: view.columns))
    }

    /// Episode `k` starts from the state of stream `k` in whichever copy it is started, and after
    /// `reset(seed:)` copy `i` is at the start of episode `i`.
    @Test func anyCopyStartsEpisodeKFromStreamK() {
        let seed: UInt64 = 31
        let vector = VectorEnvironment(copies: 5) { _ in MarketingEnvironment() }
        vector.reset(seed: seed)
        for i in 0..<5 {
            var replica = MarketingEnvironment()
            var generator = RandomGenerator(seed: seed, stream: UInt64(i))
            #expect(EpisodeSetTests.row(vector.observations, i) == replica.reset(using: &generator))
        }
        for (copy, episode) in [(0, 17), (3, 17), (4, 250), (2, 0)] {
            vector.startEpisode(episode, seed: seed, inCopy: copy)
            var replica = MarketingEnvironment()
            var generator = RandomGenerator(seed: seed, stream: UInt64(episode))
            #expect(EpisodeSetTests.row(vector.observations, copy) == replica.reset(using: &generator), "copy \(copy), episode \(episode)")
        }
    }

    /// A started episode's dynamics come from its own stream: stepped in copy 3 of 5 beside copies that
    /// act differently, it matches a replica stepped alone on stream `k`; the abandoned episode is not
    /// reported as completed, and the new one's return and length start from zero.
    @Test func aStartedEpisodeFollowsItsOwnStream() {
        let seed: UInt64 = 8, episode = 42
        let vector = VectorEnvironment(copies: 5) { _ in TaggedUsers() }
        vector.reset(seed: seed)
        [Int32](repeating: 0, count: 5).withUnsafeBufferPointer { vector.step($0) }
        _ = vector.drainCompletedEpisodes()
        vector.startEpisode(episode, seed: seed, inCopy: 3)
        #expect(vector.rewards[3] == 0 && !vector.terminated[3] && !vector.truncated[3])
        var replica = TaggedUsers()
        var generator = RandomGenerator(seed: seed, stream: UInt64(episode))
        #expect(EpisodeSetTests.row(vector.observations, 3) == replica.reset(using: &generator))
        var total: Float = 0, length = 0, done = false
        var step = 0
        while !done {
            let actions: [Int32] = [1, 0, 2, 0, 1].map { Int32(($0 + step) % 3 == 1 ? 1 : 0) }
            actions.withUnsafeBufferPointer { vector.step($0) }
            let (observation, outcome) = replica.step(Int(actions[3]), using: &generator)
            #expect(vector.rewards[3] == outcome.reward)
            #expect(vector.terminated[3] == outcome.terminated && vector.truncated[3] == outcome.truncated)
            total += outcome.reward
            length += 1
            done = outcome.terminated || outcome.truncated
            if done {
                #expect(EpisodeSetTests.row(vector.finalObservations, 3) == observation)
            } else {
                #expect(EpisodeSetTests.row(vector.observations, 3) == observation)
            }
            step += 1
        }
        #expect(total == TaggedUsers.user(episode: episode, seed: seed))
        #expect(vector.drainCompletedEpisodes().contains(EpisodeSummary(totalReward: total, length: length)))
    }

    /// 1, 7 and 100 copies give identical per-episode returns for every fixed action, and for a policy
    /// that reads the observation: each episode meets the same user and the same dynamics.
    @Test func returnsPerEpisodeDoNotDependOnTheNumberOfCopies() throws {
        let seed: UInt64 = 20_261_121, episodes = 150
        let adaptive = RulePolicy(observationWidth: 11, actionCount: 18) { row in
            Int(row[3] * 17.99)   // an action that depends on the user's engagement
        }
        var policies: [(String, Policy)] = [("adaptive", adaptive)]
        for action in [0, 5, 17] {
            policies.append(("fixed \(action)", try FixedActionPolicy(action: action, observationWidth: 11, actionCount: 18)))
        }
        for (name, policy) in policies {
            var perCopies: [[Float]] = []
            for copies in [1, 7, 100] {
                var generator = RandomGenerator(seed: 1)
                perCopies.append(try PolicyEvaluation.episodeReturns(
                    VectorEnvironment(copies: copies) { _ in MarketingEnvironment() }, episodes: episodes, seed: seed,
                    policy: policy, generator: &generator))
            }
            #expect(perCopies[0].count == episodes)
            #expect(perCopies[0] == perCopies[1] && perCopies[0] == perCopies[2], "\(name)")
            // And each equals the episode run alone on its stream.
            for k in [0, 1, 99, 149] {
                var replica = MarketingEnvironment()
                var generator = RandomGenerator(seed: seed, stream: UInt64(k))
                var observation = replica.reset(using: &generator)
                var total: Float = 0, done = false
                while !done {
                    let action = try policy.action(for: observation)
                    let (next, outcome) = replica.step(action, using: &generator)
                    total += outcome.reward
                    observation = next
                    done = outcome.terminated || outcome.truncated
                }
                #expect(perCopies[0][k] == total, "\(name), episode \(k)")
            }
        }
    }

    /// Every episode of the set is counted exactly once, whatever lengths the policy gives them:
    /// policies that end episodes at once, never, or after a number of steps that depends on the user,
    /// with 1, 7 or 100 copies, all count exactly the users of episodes `0..<episodes`.
    @Test func everyEpisodeIsCountedOnceWhateverItsLength() throws {
        let seed: UInt64 = 5, episodes = 120
        let users = (0..<episodes).map { TaggedUsers.user(episode: $0, seed: seed) }
        let policies: [(String, Policy)] = [
            ("stop at once", try FixedActionPolicy(action: 1, observationWidth: 2, actionCount: 3)),
            ("never stop", try FixedActionPolicy(action: 0, observationWidth: 2, actionCount: 3)),
            ("stop by user", RulePolicy(observationWidth: 2, actionCount: 3) { row in
                row[1] >= Float(Int(row[0]) % 7) ? 1 : 2 }),
        ]
        for (name, policy) in policies {
            for copies in [1, 7, 100] {
                var generator = RandomGenerator(seed: 3)
                let environment = VectorEnvironment(copies: copies) { _ in TaggedUsers() }
                let returns = try PolicyEvaluation.episodeReturns(environment, episodes: episodes, seed: seed, policy: policy,
                                                                  generator: &generator)
                #expect(returns == users, "\(name), \(copies) copies")
                var again = RandomGenerator(seed: 3)
                let result = try PolicyEvaluation.evaluate(environment, episodes: episodes, seed: seed, policy: policy,
                                                           generator: &again)
                #expect(result == PolicyEvaluation.Result(returns: users), "\(name), \(copies) copies")
                #expect(result.episodes == episodes)
            }
        }
    }

    /// The uniform random policy meets the same users as any other: its returns differ from a fixed
    /// policy's only through its actions, and the episodes (users) are the same with 1 or 100 copies.
    @Test func theRandomPolicyMeetsTheSameUsers() throws {
        let seed: UInt64 = 11, episodes = 60
        let users = (0..<episodes).map { TaggedUsers.user(episode: $0, seed: seed) }
        let random = try UniformRandomPolicy(observationWidth: 2, actionCount: 3)
        for copies in [1, 100] {
            var generator = RandomGenerator(seed: 4)
            let returns = try PolicyEvaluation.episodeReturns(VectorEnvironment(copies: copies) { _ in TaggedUsers() },
                                                              episodes: episodes, seed: seed, policy: random, generator: &generator)
            #expect(returns == users)
        }
    }

    /// The 95% interval by hand: returns 1, 2, 3, 4 have mean 2.5, sample variance 5/3 and half-width
    /// 1.96 * sqrt(5/3) / sqrt(4); one episode has standard deviation and half-width 0.
    @Test func confidenceIntervalByHand() {
        let result = PolicyEvaluation.Result(returns: [1, 2, 3, 4])
        #expect(result.meanReturn == 2.5)
        #expect(abs(result.standardDeviation - 1.2909944) < 1e-6)
        #expect(abs(result.confidenceHalfWidth - 1.2651745) < 1e-6)
        #expect(abs(result.confidenceInterval.lowerBound - 1.2348255) < 1e-6)
        #expect(abs(result.confidenceInterval.upperBound - 3.7651745) < 1e-6)
        #expect(result.episodes == 4)
        #expect(result.formatted() == "2.500 ± 1.265")
        let one = PolicyEvaluation.Result(returns: [7])
        #expect(one.meanReturn == 7 && one.standardDeviation == 0 && one.confidenceHalfWidth == 0)
        // 200 returns alternating 9 and 10: sd = sqrt(50 / 199), half-width 1.96 sd / sqrt(200).
        let alternating = PolicyEvaluation.Result(returns: (0..<200).map { $0 % 2 == 0 ? 9 : 10 })
        #expect(abs(alternating.confidenceHalfWidth - Float(1.96 * (50.0 / 199).squareRoot() / 200.0.squareRoot())) < 1e-6)
    }

    /// Episodes unfinished within `maxSteps` are an error, not a smaller set.
    @Test func unfinishedEpisodesThrow() throws {
        let policy = try FixedActionPolicy(action: 0, observationWidth: 11, actionCount: 18)
        var generator = RandomGenerator(seed: 1)
        #expect(throws: PolicyError.self) {
            try PolicyEvaluation.evaluate(VectorEnvironment(copies: 4) { _ in MarketingEnvironment() }, episodes: 50, seed: 1,
                                          policy: policy, generator: &generator, maxSteps: 40)
        }
    }
}
