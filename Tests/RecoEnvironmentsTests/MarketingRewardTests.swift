import RecoSimulators
import RecoTensor
import Testing

@Suite struct MarketingRewardTests {
    static func reward(_ user: MarketingUser, _ offer: MarketingOffer, _ channel: MarketingChannel) -> Float {
        MarketingEnvironment.reward(for: user, strategy: MarketingStrategy(offer: offer, channel: channel))
    }

    /// The source document's sample earns 0.9 there; here: right depth 20 - 15 x 0.78 = 8.3%, so the 15%
    /// discount earns 0.5 - 0.067 = 0.433, e-mail (the best channel) 0.3 and engagement 0.2 x 0.78 = 0.156.
    @Test func sourceDocumentSampleEarnsAboutNineTenths() {
        let user = MarketingUserTests.sample
        let reward = MarketingRewardTests.reward(user, .discount15, .email)
        #expect(abs(reward - 0.889) < 1e-5)
        #expect(abs(reward - 0.9) < 0.02)
        let terms = MarketingReward(user: user, strategy: MarketingStrategy(action: 2))
        #expect(abs(terms.offer - 0.433) < 1e-5 && abs(terms.channel - 0.3) < 1e-6)
        #expect(abs(terms.engagement - 0.156) < 1e-6 && terms.cost == 0)
        // The nearest depth to 8.3% is better, a weaker channel or no offer worse.
        #expect(abs(MarketingRewardTests.reward(user, .discount10, .email) - 0.939) < 1e-5)
        #expect(abs(MarketingRewardTests.reward(user, .discount15, .sms) - (0.433 + 0.3 * 0.12 / 0.87 + 0.156)) < 1e-5)
        #expect(abs(MarketingRewardTests.reward(user, .noOffer, .email) - 0.456) < 1e-5)
        #expect(abs(MarketingRewardTests.reward(user, .freeShipping, .push) - (0.3 * 0.05 / 0.87 + 0.156)) < 1e-5)
    }

    /// A frequent buyer who is neither discount-sensitive nor after free shipping: no offer is right, and
    /// discounts cost margin (frequency 15 counts as fully loyal).
    @Test func discountsToLoyalUsersCost() {
        let user = MarketingUser(recency: 3, frequency: 15, monetaryValue: 120, engagementScore: 0.5, discountSensitive: false,
                                 freeShippingPreferred: false, emailOpens: 0.3, smsResponse: 0.1, pushResponse: 0.6,
                                 lastPurchaseDays: 10)
        #expect(abs(MarketingRewardTests.reward(user, .noOffer, .push) - 0.9) < 1e-6)
        #expect(abs(MarketingRewardTests.reward(user, .freeShipping, .push) - 0.4) < 1e-6)
        #expect(abs(MarketingRewardTests.reward(user, .discount10, .push) - 0.3) < 1e-6)  // 0.3 + 0.1 - 0.1
        #expect(abs(MarketingRewardTests.reward(user, .discount20, .email) - 0.05) < 1e-6)  // 0.15 + 0.1 - 0.2
        var occasional = user
        occasional.frequency = 5  // half as loyal: half the cost
        #expect(abs(MarketingRewardTests.reward(occasional, .discount20, .email) - 0.15) < 1e-6)
    }

    @Test func freeShippingAndBothFlagsAndClipping() {
        var user = MarketingUser(recency: 30, frequency: 2, monetaryValue: 60, engagementScore: 0.2, discountSensitive: false,
                                 freeShippingPreferred: true, emailOpens: 0.2, smsResponse: 0.8, pushResponse: 0.4,
                                 lastPurchaseDays: 40)
        #expect(abs(MarketingRewardTests.reward(user, .freeShipping, .sms) - 0.84) < 1e-6)
        #expect(abs(MarketingRewardTests.reward(user, .noOffer, .sms) - 0.34) < 1e-6)
        // Discount-sensitive too: both kinds of offer are right; the right depth is 20 - 3 = 17%.
        user.discountSensitive = true
        #expect(abs(MarketingRewardTests.reward(user, .freeShipping, .push) - (0.5 + 0.15 + 0.04)) < 1e-6)
        #expect(abs(MarketingRewardTests.reward(user, .discount15, .sms) - (0.48 + 0.3 + 0.04)) < 1e-5)
        #expect(abs(MarketingRewardTests.reward(user, .discount20, .sms) - (0.47 + 0.3 + 0.04)) < 1e-5)
        // Nothing to gain and a cost to pay: clipped at 0.
        let loyal = MarketingUser(recency: 0, frequency: 20, monetaryValue: 300, engagementScore: 0, discountSensitive: false,
                                  freeShippingPreferred: false, emailOpens: 0, smsResponse: 0, pushResponse: 0,
                                  lastPurchaseDays: 0)
        #expect(MarketingRewardTests.reward(loyal, .discount20, .sms) == 0)
        #expect(MarketingReward(user: loyal, strategy: MarketingStrategy(offer: .discount20, channel: .sms)).cost == 0.2)
    }

    @Test func rewardStaysInTheUnitIntervalForManyUsersAndStrategies() {
        var generator = RandomGenerator(seed: 13)
        var environment = MarketingEnvironment()
        var lowest: Float = 1, highest: Float = 0
        for _ in 0..<2_000 {
            _ = environment.reset(using: &generator)
            for _ in 0..<3 {  // include fatigued users and changed engagement
                for strategy in MarketingStrategy.catalogue {
                    let reward = MarketingEnvironment.reward(for: environment.user, strategy: strategy)
                    lowest = min(lowest, reward)
                    highest = max(highest, reward)
                    #expect(reward >= 0 && reward <= 1)
                }
                _ = environment.step(generator.index(below: 18), using: &generator)
            }
        }
        #expect(lowest < 0.05 && highest > 0.95)  // the range is used, not just allowed
    }

    @Test func catalogueHasEighteenStrategiesInTheDocumentedOrder() {
        let catalogue = MarketingStrategy.catalogue
        #expect(catalogue.count == 18 && Set(catalogue).count == 18)
        #expect(catalogue[0].name == "discount 5% via email")
        #expect(catalogue[2].name == "discount 15% via email")
        #expect(catalogue[4].name == "free shipping via email")
        #expect(catalogue[6].name == "discount 5% via sms")
        #expect(catalogue[10].name == "free shipping via sms")
        #expect(catalogue[17].name == "no offer via push")
        for (index, strategy) in catalogue.enumerated() {
            #expect(strategy.action == index && MarketingStrategy(action: index) == strategy)
        }
    }
}
