import RecoEnvironments
import RecoSimulators
import RecoTensor
import Testing

/// The marketing problem rewards adapting to the user: a simple hand-written policy that reads the
/// features must clearly beat acting at random and the best single strategy, so an agent that learns
/// well has room to beat both.
@Suite struct MarketingPolicyTests {
    static let episodes = 1_000
    static let seed: UInt64 = 2024

    /// The right offer for the user's flags: free shipping for a user who prefers it, else for a
    /// discount-sensitive user the catalogue discount nearest the right depth, else no offer.
    static func rightOffer(_ user: MarketingUser) -> MarketingOffer {
        if user.freeShippingPreferred { return .freeShipping }
        if !user.discountSensitive { return .noOffer }
        let depth = MarketingReward.rightDiscountPercent(engagement: user.engagementScore)
        var best = MarketingOffer.discount5
        for offer in [MarketingOffer.discount10, .discount15, .discount20]
        where abs(Float(offer.discountPercent) - depth) < abs(Float(best.discountPercent) - depth) {
            best = offer
        }
        return best
    }

    /// The hand-written adaptive policy: the right offer through the currently most responsive channel.
    static func adaptive(_ user: MarketingUser) -> Int {
        MarketingStrategy(offer: rightOffer(user), channel: user.mostResponsiveChannel).action
    }

    /// Mean undiscounted return of `policy` (given the user and the contacts used so far) over
    /// `episodes` episodes; episode `i` draws from stream `i` of `seed`, so every policy meets the same users.
    static func meanReturn(policy: (MarketingUser, Int) -> Int) -> Double {
        var total = 0.0
        for episode in 0..<episodes {
            var environment = MarketingEnvironment()
            var generator = RandomGenerator(seed: seed, stream: UInt64(episode))
            _ = environment.reset(using: &generator)
            var done = false
            while !done {
                let outcome = environment.step(policy(environment.user, environment.contactsUsed), using: &generator).outcome
                total += Double(outcome.reward)
                done = outcome.terminated || outcome.truncated
            }
        }
        return total / Double(episodes)
    }

    @Test func adaptivePolicyBeatsRandomAndEveryFixedStrategy() {
        let adaptive = MarketingPolicyTests.meanReturn { user, _ in MarketingPolicyTests.adaptive(user) }
        var policyGenerator = RandomGenerator(seed: 99)
        let random = MarketingPolicyTests.meanReturn { _, _ in policyGenerator.index(below: MarketingStrategy.catalogue.count) }
        var bestFixed = (strategy: MarketingStrategy(action: 0), meanReturn: -Double.infinity)
        for strategy in MarketingStrategy.catalogue {
            let meanReturn = MarketingPolicyTests.meanReturn { _, _ in strategy.action }
            if meanReturn > bestFixed.meanReturn { bestFixed = (strategy, meanReturn) }
        }
        print("marketing, mean return over \(MarketingPolicyTests.episodes) episodes of 10 contacts: adaptive \(adaptive), "
              + "uniform random \(random), best fixed strategy \(bestFixed.meanReturn) (\(bestFixed.strategy.name))")
        #expect(adaptive >= 1.5 * random)
        #expect(adaptive >= 1.15 * bestFixed.meanReturn)
    }

    /// Channel fatigue makes the channel worth adapting: the same right offers, always sent through the
    /// channel that was best at the start, earn clearly less than following the currently best channel.
    @Test func adaptingTheChannelBeatsKeepingTheFirstBestChannel() {
        let adaptive = MarketingPolicyTests.meanReturn { user, _ in MarketingPolicyTests.adaptive(user) }
        var channel = MarketingChannel.email
        let stubborn = MarketingPolicyTests.meanReturn { user, contactsUsed in
            if contactsUsed == 0 { channel = user.mostResponsiveChannel }
            return MarketingStrategy(offer: MarketingPolicyTests.rightOffer(user), channel: channel).action
        }
        print("marketing, right offers through the first best channel: \(stubborn) against \(adaptive) adapting the channel")
        #expect(adaptive >= 1.05 * stubborn)
    }
}
