import RecoEnvironments
import RecoSimulators
import RecoTensor
import Testing

/// The default (engine) stream against the model's formulas, for a uniformly random policy, seed fixed.
/// Each tolerance is 4 standard errors estimated from the same sample (a false failure has
/// probability below 1e-4 for any seed), so the checks also hold if the seed is changed.
@Suite struct RecoGymDistributionTests {
    struct Sample {
        var users = 0
        var events = 0, impressions = 0, clicks = 0, views = 0
        var viewsFollowedByBandit = 0, viewsFollowedByAnything = 0
        /// Σ over impressions of the click probability of the chosen product given ω (the formula).
        var expectedClicks = 0.0, clickVariance = 0.0
        /// Per user: (events, impressions, events − clicks).
        var perUser: [(events: Int, impressions: Int, unclicked: Int)] = []
    }

    static let sample: Sample = {
        let environment = RecoGymEnvironment()
        let world = environment.world, configuration = environment.configuration
        var random = RandomGenerator(seed: 20_261_201)
        var s = Sample()
        for id in 0..<4000 {
            var user = RecoGymUser(id: id, configuration: configuration, random: &random)
            var events: [RecoGymEvent] = []
            user.organicSession(world: world, configuration: configuration, random: &random, into: &events)
            while user.state != .stop {
                let action = random.index(below: configuration.numProducts)
                let p = world.clickProbabilities(omega: user.omega)[action]
                s.expectedClicks += p
                s.clickVariance += p * (1 - p)
                user.recommend(action, world: world, configuration: configuration, random: &random, into: &events)
            }
            var impressions = 0, clicks = 0
            for (i, event) in events.enumerated() {
                if event.kind == .bandit {
                    impressions += 1
                    if event.click { clicks += 1 }
                } else {
                    s.views += 1
                    if i + 1 < events.count {
                        s.viewsFollowedByAnything += 1
                        if events[i + 1].kind == .bandit { s.viewsFollowedByBandit += 1 }
                    }
                }
            }
            s.users += 1
            s.events += events.count
            s.impressions += impressions
            s.clicks += clicks
            s.perUser.append((events.count, impressions, events.count - clicks))
        }
        return s
    }()

    /// Every event is followed by one Markov step that leaves with probability 0.01, except a clicked
    /// impression (the click forces organic). So users = Σ over unclicked events of Bernoulli(0.01) and
    /// (events − clicks) per user has mean 1/0.01 = 100 (geometric, sd ≈ 100): SE = sd / √users.
    @Test func eventsPerUserFollowTheStopProbability() {
        let s = Self.sample
        let perUser = s.perUser.map { Double($0.unclicked) }
        let mean = perUser.reduce(0, +) / Double(s.users)
        let sd = (perUser.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(s.users - 1)).squareRoot()
        let se = sd / Double(s.users).squareRoot()
        print("recogym events per user \(Double(s.events) / Double(s.users)), unclicked \(mean) ± \(se), expected 100")
        #expect(abs(mean - 100) < 4 * se)
    }

    /// Expected visits from organic: o = 1 + 0.74 o + b_o, b = 0.25 o + 0.94 (1 − c) b, where a click
    /// (probability c per impression, c estimated by the sample's click rate) sends bandit to organic;
    /// the bandit share is r / (1 + r), r = 0.25 / (1 − 0.94 (1 − c)) (= 0.806 for c = 0). The SE is the
    /// ratio estimator's over users.
    @Test func shareOfBanditStepsFollowsTheMarkovChain() {
        let s = Self.sample
        let c = Double(s.clicks) / Double(s.impressions)
        let r = 0.25 / (1 - 0.94 * (1 - c))
        let expected = r / (1 + r)
        let share = Double(s.impressions) / Double(s.events)
        let residuals = s.perUser.map { Double($0.impressions) - share * Double($0.events) }
        let se = residuals.map { $0 * $0 }.reduce(0, +).squareRoot() / Double(s.events)
        print("recogym bandit share \(share) ± \(se), expected \(expected) (click rate \(c))")
        #expect(abs(share - expected) < 4 * se)
    }

    /// After a view the next state is bandit with probability 0.25 exactly (views are never clicks); the
    /// draws are independent given the state, so the count is binomial: SE = √(0.25·0.75 / n).
    @Test func organicToBanditSwitchRateIsAQuarter() {
        let s = Self.sample
        let n = Double(s.viewsFollowedByAnything)
        let rate = Double(s.viewsFollowedByBandit) / n
        let se = (0.25 * 0.75 / n).squareRoot()
        print("recogym organic-to-bandit switch rate \(rate) ± \(se) over \(Int(n)) views, expected 0.25")
        #expect(abs(rate - 0.25) < 4 * se)
    }

    /// Clicks minus Σ ff(β_a·ω + μ^b_a) over the impressions is a martingale with variance Σ p(1 − p):
    /// the click count must be within 4 of its square root of the formula's expectation; the rate must
    /// also lie inside ff's range (0.00448, 0.0293).
    @Test func clickRateOfAUniformPolicyMatchesTheClickFunction() {
        let s = Self.sample
        let se = s.clickVariance.squareRoot()
        let rate = Double(s.clicks) / Double(s.impressions)
        print("recogym uniform-policy click rate \(rate) (\(s.clicks) clicks / \(s.impressions)), "
              + "formula \(s.expectedClicks / Double(s.impressions)), clicks \(s.clicks) vs \(s.expectedClicks) ± \(se)")
        #expect(abs(Double(s.clicks) - s.expectedClicks) < 4 * se)
        #expect(rate > 0.00448 && rate < 0.0293)
    }

    /// The `Environment` conformance batches: copies share the world, episodes end when users leave,
    /// rewards are clicks and observations count views since the last action.
    @Test func vectorEnvironmentBatchesRecoGym() {
        var environment = RecoGymEnvironment()
        #expect(environment.actionSpace == .discrete(10) && environment.observationSpace.width == 10)
        var generator = RandomGenerator(seed: 7)
        var episodes = 0, steps = 0, clicks = 0
        var observation = environment.reset(using: &generator)
        while episodes < 50 {
            #expect(observation.allSatisfy { $0 >= 0 && $0 == $0.rounded() })
            #expect(observation.reduce(0, +) == Float(environment.eventsSinceLastAction.filter { $0.kind == .organic }.count))
            let (next, outcome) = environment.step(generator.index(below: 10), using: &generator)
            steps += 1
            if outcome.reward == 1 {
                clicks += 1
                #expect(environment.eventsSinceLastAction.first?.click == true)
                #expect(next.reduce(0, +) >= 1)  // a click always returns the user to organic
            }
            if outcome.terminated {
                episodes += 1
                observation = environment.reset(using: &generator)
            } else {
                observation = next
            }
        }
        #expect(steps > 50 * 30)
        let vector = VectorEnvironment(copies: 3) { _ in RecoGymEnvironment() }
        #expect(vector.actionSpace == .discrete(10))
        vector.reset(seed: 3)
        var finished = 0
        var actions = [Int32](repeating: 0, count: 3)
        for t in 0..<2000 {
            for i in 0..<3 { actions[i] = Int32((t + i) % 10) }
            actions.withUnsafeBufferPointer { vector.step($0) }
            #expect(vector.rewards.allSatisfy { $0 == 0 || $0 == 1 })
            finished += vector.terminated.filter { $0 }.count
        }
        #expect(finished > 5)
    }
}
