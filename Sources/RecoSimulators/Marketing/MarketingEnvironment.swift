import RecoEnvironments
import RecoTensor

/// A simulated e-commerce customer contacted repeatedly with marketing strategies (an offer through a
/// channel), after the source document's recommendation environment: the agent learns which offer and
/// channel suit which user, and how to keep a user engaged over a campaign.
///
/// - Episode: one user, drawn by `MarketingUser.random(using:)`, contacted `contactsPerEpisode` times
///   (10 by default), after which the episode is truncated. It ends earlier, terminated, if the user
///   unsubscribes (`MarketingDynamics`).
/// - Action: one of the 18 strategies of `MarketingStrategy.catalogue`.
/// - Reward: `MarketingReward`, in [0, 1], from the user's features before the contact.
/// - Dynamics: engagement, channel fatigue, visits and purchases respond to each contact
///   (`MarketingDynamics`).
/// - Observation (11 values, each in [0, 1]): the user's ten features scaled by fixed constants
///   (recency / 90, frequency / 20, monetary value / 500, last purchase days / 180, the others as they
///   are, flags as 0 or 1), then the fraction of the episode's contacts already used. Fatigue and
///   engagement show in the features; only the base responses that fatigue recovers toward are hidden.
public struct MarketingEnvironment: Environment {
    /// Contacts per episode before it is truncated.
    public let contactsPerEpisode: Int
    /// The user being contacted, as they are now (after any fatigue and engagement changes).
    public private(set) var user: MarketingUser
    /// Contacts made in the current episode.
    public private(set) var contactsUsed = 0
    /// The user as the episode started: the base responses fatigue recovers toward.
    private var baseline: MarketingUser

    /// Number of observation values: the ten features and the fraction of contacts used.
    public static let observationWidth = 11
    /// Names of the observation values, in order.
    public static let observationNames = MarketingUser.featureNames + ["contacts_used"]

    /// An environment whose episodes have `contactsPerEpisode` contacts. Until the first reset its user
    /// has every feature at the bottom of its range.
    public init(contactsPerEpisode: Int = 10) {
        precondition(contactsPerEpisode >= 1, "an episode needs at least one contact, got \(contactsPerEpisode)")
        self.contactsPerEpisode = contactsPerEpisode
        user = MarketingUser(recency: 0, frequency: 0, monetaryValue: MarketingUser.monetaryValueRange.lowerBound,
                             engagementScore: 0, discountSensitive: false, freeShippingPreferred: false, emailOpens: 0,
                             smsResponse: 0, pushResponse: 0, lastPurchaseDays: 0)
        baseline = user
    }

    public var observationSpace: Space {
        .box(lower: [Float](repeating: 0, count: MarketingEnvironment.observationWidth),
             upper: [Float](repeating: 1, count: MarketingEnvironment.observationWidth))
    }

    public var actionSpace: Space { .discrete(MarketingStrategy.catalogue.count) }

    public mutating func reset(using generator: inout RandomGenerator, observation: UnsafeMutableBufferPointer<Float>) {
        reset(to: MarketingUser.random(using: &generator), observation: observation)
    }

    /// Starts an episode with the given user (for example one parsed from the command line), whose
    /// channel responses become the base responses.
    public mutating func reset(to user: MarketingUser, observation: UnsafeMutableBufferPointer<Float>) {
        self.user = user
        baseline = user
        contactsUsed = 0
        MarketingEnvironment.observation(of: user, contactsUsed: 0, contactsPerEpisode: contactsPerEpisode, into: observation)
    }

    public mutating func step(_ action: UnsafeBufferPointer<Int32>, using generator: inout RandomGenerator,
                              observation: UnsafeMutableBufferPointer<Float>) -> StepOutcome {
        precondition(action.count == 1, "a marketing action is one strategy index, got \(action.count) values")
        let strategy = MarketingStrategy(action: Int(action[0]))
        let reward = MarketingEnvironment.reward(for: user, strategy: strategy)
        let unsubscribed = MarketingDynamics.contact(&user, with: strategy, reward: reward, baseline: baseline, using: &generator)
        contactsUsed += 1
        MarketingEnvironment.observation(of: user, contactsUsed: contactsUsed, contactsPerEpisode: contactsPerEpisode,
                                         into: observation)
        return StepOutcome(reward: reward, terminated: unsubscribed,
                           truncated: !unsubscribed && contactsUsed >= contactsPerEpisode)
    }

    /// The reward for contacting `user` with `strategy` by the rule alone, without changing the user
    /// (`MarketingReward` has the terms).
    public static func reward(for user: MarketingUser, strategy: MarketingStrategy) -> Float {
        MarketingReward(user: user, strategy: strategy).total
    }

    /// Writes the observation of `user` after `contactsUsed` of `contactsPerEpisode` contacts into
    /// `observation` (`observationWidth` values), as the environment shows it to an agent.
    public static func observation(of user: MarketingUser, contactsUsed: Int, contactsPerEpisode: Int,
                                   into observation: UnsafeMutableBufferPointer<Float>) {
        precondition(observation.count == observationWidth,
                     "a marketing observation has \(observationWidth) values, the buffer has \(observation.count)")
        for index in 0..<MarketingUser.featureCount {
            observation[index] = user[feature: index] / MarketingUser.featureRanges[index].upperBound
        }
        observation[MarketingUser.featureCount] = Float(contactsUsed) / Float(contactsPerEpisode)
    }
}

// Saved and restored whole by resumable runs (see `SnapshottableEnvironment`).
extension MarketingEnvironment: Codable, SnapshottableEnvironment {
    public typealias SavedState = MarketingEnvironment
}
