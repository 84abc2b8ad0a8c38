/// A simulated e-commerce customer as the marketing environment sees them: ten features, in the
/// order of `featureNames`, each within the matching `featureRanges` entry.
///
/// The channel responses are the user's current ones: repeated contacts through a channel lower it
/// (fatigue) and it recovers while other channels are used (see `MarketingEnvironment`).
public struct MarketingUser: Equatable, Sendable, CustomStringConvertible {
    /// Days since the user last visited the shop (0 to 90).
    public var recency: Float
    /// Purchases per quarter (0 to 20).
    public var frequency: Float
    /// Average order value (10 to 500).
    public var monetaryValue: Float
    /// How engaged the user is with the shop and its messages (0 to 1).
    public var engagementScore: Float
    /// Whether discounts win the user over.
    public var discountSensitive: Bool
    /// Whether free shipping wins the user over (a user may prefer both).
    public var freeShippingPreferred: Bool
    /// Fraction of marketing e-mails the user opens (0 to 1).
    public var emailOpens: Float
    /// Fraction of text messages the user responds to (0 to 1).
    public var smsResponse: Float
    /// Fraction of push notifications the user responds to (0 to 1).
    public var pushResponse: Float
    /// Days since the user's last purchase (0 to 180).
    public var lastPurchaseDays: Float

    public init(recency: Float, frequency: Float, monetaryValue: Float, engagementScore: Float,
                discountSensitive: Bool, freeShippingPreferred: Bool, emailOpens: Float, smsResponse: Float,
                pushResponse: Float, lastPurchaseDays: Float) {
        self.recency = recency
        self.frequency = frequency
        self.monetaryValue = monetaryValue
        self.engagementScore = engagementScore
        self.discountSensitive = discountSensitive
        self.freeShippingPreferred = freeShippingPreferred
        self.emailOpens = emailOpens
        self.smsResponse = smsResponse
        self.pushResponse = pushResponse
        self.lastPurchaseDays = lastPurchaseDays
    }

    /// The features' names, in observation order (the names `parse` accepts).
    public static let featureNames = [
        "recency", "frequency", "monetary_value", "engagement_score", "discount_sensitive",
        "free_shipping_preferred", "email_opens", "sms_response", "push_response", "last_purchase_days",
    ]

    /// Values `recency` takes (days).
    public static let recencyRange: ClosedRange<Float> = 0...90
    /// Values `frequency` takes (purchases per quarter).
    public static let frequencyRange: ClosedRange<Float> = 0...20
    /// Values `monetaryValue` takes (average order value).
    public static let monetaryValueRange: ClosedRange<Float> = 10...500
    /// Values `lastPurchaseDays` takes (days).
    public static let lastPurchaseDaysRange: ClosedRange<Float> = 0...180

    /// The values each feature may take, in `featureNames` order: the ranges above, 0...1 for the
    /// engagement score and the channel responses, and 0 or 1 for the two flags.
    public static let featureRanges: [ClosedRange<Float>] = [
        recencyRange, frequencyRange, monetaryValueRange, 0...1, 0...1, 0...1, 0...1, 0...1, 0...1, lastPurchaseDaysRange,
    ]

    /// Number of features.
    public static var featureCount: Int { featureNames.count }

    /// Whether feature `index` is a flag (0 or 1) rather than a number.
    public static func isFlag(_ index: Int) -> Bool { index == 4 || index == 5 }

    /// Feature `index` in `featureNames` order as a number (flags as 0 or 1). Setting a flag stores
    /// whether the value is at least 0.5.
    public subscript(feature index: Int) -> Float {
        get {
            switch index {
            case 0: return recency
            case 1: return frequency
            case 2: return monetaryValue
            case 3: return engagementScore
            case 4: return discountSensitive ? 1 : 0
            case 5: return freeShippingPreferred ? 1 : 0
            case 6: return emailOpens
            case 7: return smsResponse
            case 8: return pushResponse
            case 9: return lastPurchaseDays
            default: preconditionFailure("a marketing user has features 0..<10, not \(index)")
            }
        }
        set {
            switch index {
            case 0: recency = newValue
            case 1: frequency = newValue
            case 2: monetaryValue = newValue
            case 3: engagementScore = newValue
            case 4: discountSensitive = newValue >= 0.5
            case 5: freeShippingPreferred = newValue >= 0.5
            case 6: emailOpens = newValue
            case 7: smsResponse = newValue
            case 8: pushResponse = newValue
            case 9: lastPurchaseDays = newValue
            default: preconditionFailure("a marketing user has features 0..<10, not \(index)")
            }
        }
    }

    /// All features in `featureNames` order (flags as 0 or 1), for display.
    public var features: [Float] { (0..<MarketingUser.featureCount).map { self[feature: $0] } }

    /// The user's current response rate to `channel` (`emailOpens`, `smsResponse` or `pushResponse`).
    public subscript(response channel: MarketingChannel) -> Float {
        get {
            switch channel {
            case .email: return emailOpens
            case .sms: return smsResponse
            case .push: return pushResponse
            }
        }
        set {
            switch channel {
            case .email: emailOpens = newValue
            case .sms: smsResponse = newValue
            case .push: pushResponse = newValue
            }
        }
    }

    /// The channel with the highest current response (the first in email, sms, push order on ties).
    public var mostResponsiveChannel: MarketingChannel {
        var best = MarketingChannel.email
        for channel in MarketingChannel.allCases where self[response: channel] > self[response: best] { best = channel }
        return best
    }

    /// The features as `name=value` pairs separated by commas, the text `parse` reads back.
    public var description: String {
        (0..<MarketingUser.featureCount).map { index in
            let value = self[feature: index]
            return "\(MarketingUser.featureNames[index])=\(MarketingUser.isFlag(index) ? String(Int(value)) : "\(value)")"
        }.joined(separator: ",")
    }
}

// Saved with its environment by resumable runs.
extension MarketingUser: Codable {}
