import RecoTensor

/// How a user changes after each contact, which makes the marketing problem sequential rather than a
/// bandit: what is sent now changes what the next contact earns.
///
/// Per contact, with `reward` the contact's reward and `response` the user's response to the channel
/// used (both before the contact):
///
/// 1. Time: contacts are a week apart. The user visits the shop with probability `response` (they
///    read the message), setting `recency` to 0; otherwise `recency` grows by 7 days (at most 90).
///    A visiting user buys with probability `reward`: `last_purchase_days` drops to 0 and `frequency`
///    grows by 1 (at most 20); otherwise `last_purchase_days` grows by 7 (at most 180).
/// 2. Engagement moves by `0.2 x (reward - 0.5)` (kept in [0, 1]): a good contact (reward above 0.5)
///    raises it, a poor one lowers it.
/// 3. Channel fatigue: the response of the channel used is multiplied by 0.8; each other channel's
///    response recovers a fifth of the way back to the user's original (base) response. Always using
///    one channel wears it out, so adapting the channel pays.
/// 4. Churn: a poor contact (reward below 0.5) that leaves engagement below 0.1 makes the user
///    unsubscribe, which ends the episode (a terminal state: no further rewards).
public enum MarketingDynamics {
    /// Days between two contacts.
    public static let daysBetweenContacts: Float = 7
    /// Reward above which a contact raises engagement (and below which it lowers it).
    public static let goodContact: Float = 0.5
    /// Engagement change per unit of reward above or below `goodContact`.
    public static let engagementRate: Float = 0.2
    /// Factor applied to the response of the channel used.
    public static let fatigue: Float = 0.8
    /// Fraction of the gap to the base response that an unused channel recovers per contact.
    public static let recovery: Float = 0.2
    /// Engagement below which a poorly contacted user unsubscribes.
    public static let churnEngagement: Float = 0.1

    /// Applies one contact with `strategy`, which earned `reward`, to `user`, whose base channel responses
    /// are those of `baseline`. Returns whether the user unsubscribed.
    static func contact(_ user: inout MarketingUser, with strategy: MarketingStrategy, reward: Float,
                        baseline: MarketingUser, using generator: inout RandomGenerator) -> Bool {
        let visited = generator.bernoulli(user[response: strategy.channel])
        let purchased = visited && generator.bernoulli(reward)
        user.recency = visited ? 0 : min(user.recency + daysBetweenContacts, MarketingUser.recencyRange.upperBound)
        if purchased {
            user.lastPurchaseDays = 0
            user.frequency = min(user.frequency + 1, MarketingUser.frequencyRange.upperBound)
        } else {
            user.lastPurchaseDays = min(user.lastPurchaseDays + daysBetweenContacts, MarketingUser.lastPurchaseDaysRange.upperBound)
        }
        user.engagementScore = min(max(user.engagementScore + engagementRate * (reward - goodContact), 0), 1)
        for channel in MarketingChannel.allCases {
            if channel == strategy.channel {
                user[response: channel] *= fatigue
            } else {
                user[response: channel] += recovery * (baseline[response: channel] - user[response: channel])
            }
        }
        return reward < goodContact && user.engagementScore < churnEngagement
    }
}
