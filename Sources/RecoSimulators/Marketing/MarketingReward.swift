/// The rule-based reward for contacting a user with a strategy, term by term, so an explanation can
/// show where it comes from. The reward is
///
///     total = clip(offer + channel + engagement - cost, 0, 1)
///
/// with
///
/// - `offer` (up to 0.5) for the right offer: a discount for a discount-sensitive user, free shipping
///   for a user who prefers it, and no offer for a user who is neither. A user may be both, and then
///   either kind of offer is right. Discounts are scored by depth: the right depth is
///   `20% - 15% x engagement` (5% for a fully engaged user, 20% for a disengaged one, who needs more
///   to be won over), and each percentage point away from it costs 0.01 (so a discount is worth 0.35
///   to 0.5). Any other offer earns 0.
/// - `channel` (up to 0.3): `0.3 x response / best response`, the user's current response rate to
///   the channel used relative to their most responsive channel (0 if every response is 0).
/// - `engagement` (up to 0.2): `0.2 x engagement score`, engaged users welcome any contact more.
/// - `cost` (up to 0.2): a discount given to a user who is not discount-sensitive is margin lost on a
///   purchase they would make anyway, the more so the more often they buy:
///   `0.2 x (discount / 20%) x min(frequency / 10, 1)`.
///
/// The source document's sample (a discount-sensitive user with engagement 0.78 and e-mail, their best
/// channel, opened 87% of the time, sent "discount 15% via email") earns 0.433 + 0.3 + 0.156 = 0.889.
public struct MarketingReward: Equatable, Sendable {
    /// Reward for the right offer (0 to 0.5).
    public var offer: Float
    /// Reward for the channel (0 to 0.3).
    public var channel: Float
    /// Reward for the user's engagement (0 to 0.2).
    public var engagement: Float
    /// Cost of an unneeded discount (0 to 0.2), subtracted.
    public var cost: Float

    /// Reward for the right offer.
    public static let rightOffer: Float = 0.5
    /// Offer reward lost per percentage point between a discount and the right depth.
    public static let lossPerDiscountPoint: Float = 0.01
    /// Reward for the user's most responsive channel.
    public static let bestChannel: Float = 0.3
    /// Reward for a fully engaged user.
    public static let fullEngagement: Float = 0.2
    /// Cost of a 20% discount to a user who is not discount-sensitive and buys at least `loyalFrequency`
    /// times a quarter.
    public static let deepestUnneededDiscount: Float = 0.2
    /// Purchases per quarter from which a user counts as fully loyal for the discount cost.
    public static let loyalFrequency: Float = 10

    /// The terms of the reward for contacting `user` with `strategy`, from the user's current features.
    public init(user: MarketingUser, strategy: MarketingStrategy) {
        let percent = Float(strategy.offer.discountPercent)
        switch strategy.offer {
        case .discount5, .discount10, .discount15, .discount20:
            let ideal = MarketingReward.rightDiscountPercent(engagement: user.engagementScore)
            offer = user.discountSensitive ? MarketingReward.rightOffer - MarketingReward.lossPerDiscountPoint * abs(percent - ideal) : 0
        case .freeShipping:
            offer = user.freeShippingPreferred ? MarketingReward.rightOffer : 0
        case .noOffer:
            offer = !user.discountSensitive && !user.freeShippingPreferred ? MarketingReward.rightOffer : 0
        }
        let best = max(user.emailOpens, user.smsResponse, user.pushResponse)
        channel = best > 0 ? MarketingReward.bestChannel * user[response: strategy.channel] / best : 0
        engagement = MarketingReward.fullEngagement * user.engagementScore
        let loyalty = min(max(user.frequency / MarketingReward.loyalFrequency, 0), 1)
        cost = user.discountSensitive ? 0 : MarketingReward.deepestUnneededDiscount * (percent / 20) * loyalty
    }

    /// The right discount for a discount-sensitive user with this engagement score, in percent:
    /// `20 - 15 x engagement`, from 20 (engagement 0) down to 5 (engagement 1).
    public static func rightDiscountPercent(engagement: Float) -> Float {
        20 - 15 * min(max(engagement, 0), 1)
    }

    /// The reward: the terms' sum clipped to [0, 1].
    public var total: Float { min(max(offer + channel + engagement - cost, 0), 1) }
}
