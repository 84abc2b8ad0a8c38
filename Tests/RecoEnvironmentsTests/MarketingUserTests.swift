import RecoSimulators
import RecoTensor
import Testing

@Suite struct MarketingUserTests {
    /// The source document's sample user.
    static let sampleText = "recency=15,frequency=3,monetary_value=200,engagement_score=0.78,discount_sensitive=1,"
        + "free_shipping_preferred=0,email_opens=0.87,sms_response=0.12,push_response=0.05,last_purchase_days=8"
    static let sample = MarketingUser(recency: 15, frequency: 3, monetaryValue: 200, engagementScore: 0.78,
                                      discountSensitive: true, freeShippingPreferred: false, emailOpens: 0.87,
                                      smsResponse: 0.12, pushResponse: 0.05, lastPurchaseDays: 8)

    /// `text` with the value of `name` replaced by `value` (or the pair removed when `value` is nil).
    static func sample(with name: String, _ value: String?) -> String {
        MarketingUserTests.sampleText.split(separator: ",").compactMap { pair -> String? in
            guard pair.hasPrefix(name + "=") else { return String(pair) }
            return value.map { "\(name)=\($0)" }
        }.joined(separator: ",")
    }

    /// The error `parse` throws for `text`, or nil if it parses.
    static func parseError(_ text: String) -> MarketingUserError? {
        do {
            _ = try MarketingUser.parse(text)
            return nil
        } catch let error as MarketingUserError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test func parsesTheSourceDocumentsSampleUser() throws {
        #expect(try MarketingUser.parse(MarketingUserTests.sampleText) == MarketingUserTests.sample)
        #expect(MarketingUser.featureNames.count == 10 && MarketingUser.featureRanges.count == 10)
        #expect(MarketingUserTests.sample.features == [15, 3, 200, 0.78, 1, 0, 0.87, 0.12, 0.05, 8])
    }

    @Test func descriptionReadsBackAsTheSameUser() throws {
        var generator = RandomGenerator(seed: 5)
        for _ in 0..<50 {
            let user = MarketingUser.random(using: &generator)
            #expect(try MarketingUser.parse(user.description) == user)
        }
    }

    @Test func namesIgnoreCaseSpacingAndOrder() throws {
        let text = " Last Purchase-Days = 8 , push_response=0.05, sms_response=0.12,email_opens=0.87,"
            + "Free shipping preferred=0,discount_sensitive=1,engagement_score=0.78,monetary_value=200,frequency=3,recency=15,"
        #expect(try MarketingUser.parse(text) == MarketingUserTests.sample)
    }

    @Test func unknownMissingAndRepeatedFeaturesAreNamed() {
        let unknown = MarketingUserTests.parseError(MarketingUserTests.sampleText + ",loyalty=4")
        #expect(unknown == .unknownFeature(name: "loyalty", value: "4"))
        #expect(unknown?.description.contains("recency") == true)

        let missing = MarketingUserTests.parseError(MarketingUserTests.sample(with: "sms_response", nil))
        #expect(missing == .missingFeature(name: "sms_response", expected: "a number from 0 to 1"))

        let repeated = MarketingUserTests.parseError(MarketingUserTests.sampleText + ",recency=3")
        #expect(repeated == .duplicateFeature(name: "recency", value: "3"))

        #expect(MarketingUserTests.parseError("recency15") == .malformedPair(text: "recency15"))
    }

    @Test func badValuesNameTheFieldTheValueAndTheRange() {
        let notANumber = MarketingUserTests.parseError(MarketingUserTests.sample(with: "frequency", "often"))
        #expect(notANumber == .notANumber(name: "frequency", value: "often", expected: "a number from 0 to 20"))

        let cases: [(name: String, value: String, expected: String)] = [
            ("recency", "120", "a number from 0 to 90"),
            ("monetary_value", "5", "a number from 10 to 500"),
            ("engagement_score", "-0.1", "a number from 0 to 1"),
            ("last_purchase_days", "181", "a number from 0 to 180"),
            ("discount_sensitive", "0.5", "0 or 1"),
            ("email_opens", "nan", "a number from 0 to 1"),
            ("push_response", "inf", "a number from 0 to 1"),
        ]
        for (name, value, expected) in cases {
            let error = MarketingUserTests.parseError(MarketingUserTests.sample(with: name, value))
            #expect(error == .outOfRange(name: name, value: value, expected: expected))
            let message = error?.description ?? ""
            #expect(message.contains(name) && message.contains(value) && message.contains(expected))
        }
    }

    @Test func randomUsersFollowTheDocumentedDistributions() {
        var generator = RandomGenerator(seed: 8)
        let n = 20_000
        var sensitive = 0, freeShipping = 0, emailDominant = 0
        var engagement = 0.0, recency = 0.0
        for _ in 0..<n {
            let user = MarketingUser.random(using: &generator)
            for index in 0..<MarketingUser.featureCount {
                #expect(MarketingUser.featureRanges[index].contains(user[feature: index]))
            }
            #expect(user.lastPurchaseDays >= user.recency)
            if user.discountSensitive { sensitive += 1 }
            if user.freeShippingPreferred { freeShipping += 1 }
            if user.mostResponsiveChannel == .email { emailDominant += 1 }
            engagement += Double(user.engagementScore)
            recency += Double(user.recency)
        }
        #expect(abs(Double(sensitive) / Double(n) - 0.4) < 0.015)
        #expect(abs(Double(freeShipping) / Double(n) - 0.3) < 0.015)
        #expect(abs(engagement / Double(n) - 0.5) < 0.01)
        // Exponential(20) rounded down: mean about 19.5 (the clip at 90 removes little).
        #expect(abs(recency / Double(n) - 19.5) < 0.6)
        // Email dominates for half the users, and the dominant channel is usually the most responsive.
        #expect(abs(Double(emailDominant) / Double(n) - 0.5) < 0.05)
    }
}
