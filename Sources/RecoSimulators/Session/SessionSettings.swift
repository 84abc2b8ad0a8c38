import Foundation

/// How the diversity penalty measures the similarity of a recommended item to one shown before.
public enum SessionSimilarity: String, Codable, Sendable, CaseIterable {
    /// 1 when the two items share a category, else 0.
    case category
    /// The cosine of the two item embeddings, clipped below at 0.
    case embedding
}

/// Every constant of the `session` simulator (docs/session.md), each with its default. Decoded from
/// JSON (`--env-config`), any subset of the fields; an unknown field is an error naming it.
public struct SessionSettings: Codable, Equatable, Sendable {
    // Catalogue
    /// Items `I` in the catalogue (100 to 1,000,000 is the documented range; 2 to 16,777,215 accepted).
    public var items = 1_000
    /// Item categories `C`.
    public var categories = 20
    /// Width `E` of item embeddings and user interest vectors.
    public var embeddingWidth = 16
    /// Zipf exponent `s` of organic popularity: item `i` (0 the most popular) has demand `∝ (i + 1)^-s`.
    public var zipfExponent = 1.0
    /// Spread of an item's embedding around its category's centre (before normalising).
    public var itemSpread = 0.5
    /// Share of the catalogue (the most popular items) that is the head; the rest is the long tail.
    public var headShare = 0.2
    /// Seed of the world (catalogue and user groups), fixed apart from the episodes' streams.
    public var worldSeed: UInt64 = 12

    // Users
    /// User groups `G` (segments with a shared taste and a typical context).
    public var groups = 8
    /// Spread of a user's interest vector around their group's centre (before normalising).
    public var userSpread = 0.5
    /// Share of high-activity users (the others are low-activity).
    public var highActivityShare = 0.3
    /// Share of new users, who arrive with an empty history window (the others bring `T` organic clicks).
    public var newUserShare = 0.2
    /// Probability that a user's device is their group's usual device (else uniform over the 3).
    public var deviceAffinity = 0.7
    /// Standard deviation, in hours, of a session's time of day around the group's usual hour.
    public var hourSpread = 2.0
    /// Whether the observation shows the user's activity level.
    public var observeActivity = true

    // Choice model
    /// Weight `a` of the affinity `u · e_i` in an item's utility.
    public var affinityWeight = 5.0
    /// Weight `b` of the popularity term `log(p_i / p_0)` in an item's utility.
    public var popularityWeight = 0.3
    /// Utility `v_0` of not clicking (for high-activity users).
    public var noClickUtility = 3.0
    /// Added to the no-click utility of low-activity users (they click less).
    public var lowActivityNoClickShift = 1.0

    // Delayed events
    /// Probability that a click leads to an add-to-cart.
    public var cartProbability = 0.3
    /// The cart happens `d` steps after the click, `d` uniform in `cartDelayMin...cartDelayMax`.
    public var cartDelayMin = 1
    public var cartDelayMax = 3
    /// Probability that a cart leads to a purchase.
    public var purchaseProbability = 0.5
    /// The purchase happens `d` steps after the cart, `d` uniform in `purchaseDelayMin...purchaseDelayMax`.
    public var purchaseDelayMin = 1
    public var purchaseDelayMax = 5

    // Rewards
    /// Reward `r1` of a click (credited at the click's step).
    public var clickReward = 1.0
    /// Reward `r2` of an add-to-cart (credited at the cart's step).
    public var cartReward = 2.0
    /// Reward `r3` of a purchase (credited at the purchase's step).
    public var purchaseReward = 5.0
    /// Delayed rewards are multiplied by `delayDiscount^d`, `d` the steps since the click (1: none).
    public var delayDiscount = 1.0
    /// Weight `lambda` of the diversity penalty: `R' = R - lambda * penalty` (0: no penalty).
    public var diversityPenalty = 0.0
    /// How the penalty measures similarity.
    public var similarity = SessionSimilarity.category
    /// The "last few shown" items: the penalty, boredom by repetition and the repetition rate look back
    /// over the items shown in this many previous steps.
    public var recentWindow = 5

    // Dynamics
    /// Interest drift per request within a session: `u ← normalize(u + σ n)`, `n ~ N(0, I/E)`.
    public var withinSessionDrift = 0.1
    /// Interest drift between two sessions (same rule, larger `σ`).
    public var betweenSessionDrift = 0.4
    /// Probability that a session ends after a request (the user comes back later, same episode).
    public var sessionEndProbability = 0.15
    /// Mean seconds between two requests of a session (exponential).
    public var requestGapSeconds = 30.0
    /// Mean hours between two sessions (exponential).
    public var sessionGapHours = 24.0
    /// Boredom decays by this factor each request: `b ← decay · b + miss + repeatBoredom · repeats`.
    public var boredomDecay = 0.8
    /// Boredom added per shown item repeating one of the recent ones (share of the slate).
    public var repeatBoredom = 1.0
    /// A high-activity user leaves when boredom reaches this.
    public var highActivityPatience = 4.0
    /// A low-activity user leaves when boredom reaches this.
    public var lowActivityPatience = 2.5
    /// Requests per episode at most; then the episode is truncated.
    public var maxSteps = 50

    // Agent interface
    /// Interactions `T` in the observation's sliding window.
    public var windowLength = 10
    /// Items per recommendation: 1 makes the action an item (a discrete space), more a slate.
    public var slateSize = 1

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case items, categories, embeddingWidth, zipfExponent, itemSpread, headShare, worldSeed
        case groups, userSpread, highActivityShare, newUserShare, deviceAffinity, hourSpread, observeActivity
        case affinityWeight, popularityWeight, noClickUtility, lowActivityNoClickShift
        case cartProbability, cartDelayMin, cartDelayMax, purchaseProbability, purchaseDelayMin, purchaseDelayMax
        case clickReward, cartReward, purchaseReward, delayDiscount, diversityPenalty, similarity, recentWindow
        case withinSessionDrift, betweenSessionDrift, sessionEndProbability, requestGapSeconds, sessionGapHours
        case boredomDecay, repeatBoredom, highActivityPatience, lowActivityPatience, maxSteps
        case windowLength, slateSize
    }

    /// Any subset of the fields (the others keep their defaults); an unknown field or a value of the
    /// wrong type is a `SessionSettingsError` naming it.
    public init(from decoder: Decoder) throws {
        let names = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
        if let unknown = names.first(where: { CodingKeys(rawValue: $0) == nil }) {
            throw SessionSettingsError(field: unknown, value: "given", expected: "one of "
                                       + CodingKeys.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func read<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
            do {
                if let decoded = try c.decodeIfPresent(T.self, forKey: key) { value = decoded }
            } catch {
                throw SessionSettingsError(field: key.rawValue, value: "of the wrong type", expected: "a \(T.self)")
            }
        }
        try read(.items, &items); try read(.categories, &categories); try read(.embeddingWidth, &embeddingWidth)
        try read(.zipfExponent, &zipfExponent); try read(.itemSpread, &itemSpread); try read(.headShare, &headShare)
        try read(.worldSeed, &worldSeed); try read(.groups, &groups); try read(.userSpread, &userSpread)
        try read(.highActivityShare, &highActivityShare); try read(.newUserShare, &newUserShare)
        try read(.deviceAffinity, &deviceAffinity); try read(.hourSpread, &hourSpread)
        try read(.observeActivity, &observeActivity); try read(.affinityWeight, &affinityWeight)
        try read(.popularityWeight, &popularityWeight); try read(.noClickUtility, &noClickUtility)
        try read(.lowActivityNoClickShift, &lowActivityNoClickShift); try read(.cartProbability, &cartProbability)
        try read(.cartDelayMin, &cartDelayMin); try read(.cartDelayMax, &cartDelayMax)
        try read(.purchaseProbability, &purchaseProbability); try read(.purchaseDelayMin, &purchaseDelayMin)
        try read(.purchaseDelayMax, &purchaseDelayMax); try read(.clickReward, &clickReward)
        try read(.cartReward, &cartReward); try read(.purchaseReward, &purchaseReward)
        try read(.delayDiscount, &delayDiscount); try read(.diversityPenalty, &diversityPenalty)
        try read(.similarity, &similarity); try read(.recentWindow, &recentWindow)
        try read(.withinSessionDrift, &withinSessionDrift); try read(.betweenSessionDrift, &betweenSessionDrift)
        try read(.sessionEndProbability, &sessionEndProbability); try read(.requestGapSeconds, &requestGapSeconds)
        try read(.sessionGapHours, &sessionGapHours); try read(.boredomDecay, &boredomDecay)
        try read(.repeatBoredom, &repeatBoredom); try read(.highActivityPatience, &highActivityPatience)
        try read(.lowActivityPatience, &lowActivityPatience); try read(.maxSteps, &maxSteps)
        try read(.windowLength, &windowLength); try read(.slateSize, &slateSize)
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Settings read from JSON text (any subset of the fields); errors are one-line `SessionSettingsError`s.
    public static func decode(json text: String) throws -> SessionSettings {
        do {
            let settings = try JSONDecoder().decode(SessionSettings.self, from: Data(text.utf8))
            try settings.validate()
            return settings
        } catch let error as SessionSettingsError {
            throw error
        } catch {
            throw SessionSettingsError(field: "settings", value: "not a JSON object", expected: "a JSON object of session settings")
        }
    }

    /// The largest catalogue: ids are stored as floats in observations, exact below 2^24.
    public static let maximumItems = (1 << 24) - 1

    /// Throws a `SessionSettingsError` naming the first invalid setting, its value and what was expected.
    public func validate() throws {
        func check(_ ok: Bool, _ field: CodingKeys, _ value: Any, _ expected: String) throws {
            if !ok { throw SessionSettingsError(field: field.rawValue, value: "\(value)", expected: expected) }
        }
        func probability(_ p: Double, _ field: CodingKeys) throws {
            try check(p.isFinite && p >= 0 && p <= 1, field, p, "a probability in [0, 1]")
        }
        func nonNegative(_ x: Double, _ field: CodingKeys) throws {
            try check(x.isFinite && x >= 0, field, x, "a finite number at least 0")
        }
        try check(items >= 2 && items <= Self.maximumItems, .items, items, "2 to \(Self.maximumItems) items")
        try check(categories >= 1 && categories <= min(items, 65_535), .categories, categories, "1 to min(items, 65535)")
        try check(embeddingWidth >= 2 && embeddingWidth <= 256, .embeddingWidth, embeddingWidth, "2 to 256")
        try check(zipfExponent.isFinite && zipfExponent >= 0 && zipfExponent <= 4, .zipfExponent, zipfExponent, "a number in [0, 4]")
        try nonNegative(itemSpread, .itemSpread)
        try check(headShare.isFinite && headShare > 0 && headShare < 1, .headShare, headShare, "a share in (0, 1)")
        try check(groups >= 1 && groups <= 1_000, .groups, groups, "1 to 1000 groups")
        try nonNegative(userSpread, .userSpread)
        try probability(highActivityShare, .highActivityShare)
        try probability(newUserShare, .newUserShare)
        try probability(deviceAffinity, .deviceAffinity)
        try nonNegative(hourSpread, .hourSpread)
        try check(affinityWeight.isFinite && abs(affinityWeight) <= 100, .affinityWeight, affinityWeight, "a number in [-100, 100]")
        try check(popularityWeight.isFinite && abs(popularityWeight) <= 100, .popularityWeight, popularityWeight, "a number in [-100, 100]")
        try check(noClickUtility.isFinite && abs(noClickUtility) <= 100, .noClickUtility, noClickUtility, "a number in [-100, 100]")
        try check(lowActivityNoClickShift.isFinite && abs(lowActivityNoClickShift) <= 100, .lowActivityNoClickShift,
                  lowActivityNoClickShift, "a number in [-100, 100]")
        try probability(cartProbability, .cartProbability)
        try check(cartDelayMin >= 1 && cartDelayMin <= 1_000, .cartDelayMin, cartDelayMin, "1 to 1000 steps")
        try check(cartDelayMax >= cartDelayMin && cartDelayMax <= 1_000, .cartDelayMax, cartDelayMax, "cartDelayMin (\(cartDelayMin)) to 1000 steps")
        try probability(purchaseProbability, .purchaseProbability)
        try check(purchaseDelayMin >= 1 && purchaseDelayMin <= 1_000, .purchaseDelayMin, purchaseDelayMin, "1 to 1000 steps")
        try check(purchaseDelayMax >= purchaseDelayMin && purchaseDelayMax <= 1_000, .purchaseDelayMax, purchaseDelayMax,
                  "purchaseDelayMin (\(purchaseDelayMin)) to 1000 steps")
        try nonNegative(clickReward, .clickReward)
        try nonNegative(cartReward, .cartReward)
        try nonNegative(purchaseReward, .purchaseReward)
        try check(delayDiscount.isFinite && delayDiscount > 0 && delayDiscount <= 1, .delayDiscount, delayDiscount, "a number in (0, 1]")
        try nonNegative(diversityPenalty, .diversityPenalty)
        try check(recentWindow >= 1 && recentWindow <= 100, .recentWindow, recentWindow, "1 to 100 steps")
        try nonNegative(withinSessionDrift, .withinSessionDrift)
        try nonNegative(betweenSessionDrift, .betweenSessionDrift)
        try probability(sessionEndProbability, .sessionEndProbability)
        try check(requestGapSeconds.isFinite && requestGapSeconds > 0, .requestGapSeconds, requestGapSeconds, "a number of seconds above 0")
        try check(sessionGapHours.isFinite && sessionGapHours > 0, .sessionGapHours, sessionGapHours, "a number of hours above 0")
        try check(boredomDecay.isFinite && boredomDecay >= 0 && boredomDecay < 1, .boredomDecay, boredomDecay, "a factor in [0, 1)")
        try nonNegative(repeatBoredom, .repeatBoredom)
        try check(highActivityPatience.isFinite && highActivityPatience > 0, .highActivityPatience, highActivityPatience, "a number above 0")
        try check(lowActivityPatience.isFinite && lowActivityPatience > 0, .lowActivityPatience, lowActivityPatience, "a number above 0")
        try check(maxSteps >= 1 && maxSteps <= 100_000, .maxSteps, maxSteps, "1 to 100000 requests")
        try check(windowLength >= 1 && windowLength <= 1_000, .windowLength, windowLength, "1 to 1000 interactions")
        try check(slateSize >= 1 && slateSize <= items, .slateSize, slateSize, "1 to the \(items) items of the catalogue")
        try check(slateSize <= 100, .slateSize, slateSize, "at most 100 items per slate")
    }

    /// Items in the head: the `ceil(headShare · I)` most popular (at least 1, at most `I - 1`).
    public var headItems: Int { min(items - 1, max(1, Int((headShare * Double(items)).rounded(.up)))) }
}

/// An invalid `session` setting: the field, the value given and what was expected, on one line.
public struct SessionSettingsError: Error, Equatable, CustomStringConvertible, Sendable {
    public var field: String
    public var value: String
    public var expected: String

    public init(field: String, value: String, expected: String) {
        self.field = field
        self.value = value
        self.expected = expected
    }

    public var description: String { "session setting \(field) = \(value): expected \(expected)" }
}
