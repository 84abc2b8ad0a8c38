/// How a review's reward is weighted when its item is recommended in time.
public enum ReviewRewardWeight: String, Codable, Sendable, CaseIterable {
    /// 1 for every hit.
    case binary
    /// The review's star rating over 5 (a 1-star review is worth 0.2, a 5-star one 1).
    case rating
    /// The review's sentiment mapped from [-1, 1] to [0, 1]: (compound + 1) / 2.
    case sentiment
}

/// Every knob of the `reviews` environment and of its offline evaluation, with defaults.
public struct ReviewsSettings: Codable, Equatable, Sendable {
    /// Items of the user's history shown in the state (`N`): the most recent ones, oldest first.
    public var historyLength = 10
    /// A recommended item earns its reward when it is among the user's next `horizon` reviewed items (`M`).
    public var horizon = 3
    /// How each hit is weighted.
    public var rewardWeight = ReviewRewardWeight.binary
    /// Items recommended per step: 1 makes the action an item (a discrete space), more a slate of
    /// distinct items whose hits add up.
    public var slateSize = 1
    /// Share of the users held out of training, for evaluation: whole users, so an evaluated policy
    /// has never seen their timelines.
    public var heldOutShare = 0.2
    /// Seed of the shuffle that picks the held-out users.
    public var userSplitSeed: UInt64 = 7

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case historyLength, horizon, rewardWeight, slateSize, heldOutShare, userSplitSeed
    }

    /// Any subset of the fields (the others keep their defaults); an unknown field is an error naming it.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let names = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
        if let unknown = names.first(where: { CodingKeys(rawValue: $0) == nil }) {
            throw ReviewDataError("reviews setting \(unknown): is not a setting; expected one of "
                                  + CodingKeys.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let defaults = ReviewsSettings()
        historyLength = try container.decodeIfPresent(Int.self, forKey: .historyLength) ?? defaults.historyLength
        horizon = try container.decodeIfPresent(Int.self, forKey: .horizon) ?? defaults.horizon
        rewardWeight = try container.decodeIfPresent(ReviewRewardWeight.self, forKey: .rewardWeight) ?? defaults.rewardWeight
        slateSize = try container.decodeIfPresent(Int.self, forKey: .slateSize) ?? defaults.slateSize
        heldOutShare = try container.decodeIfPresent(Double.self, forKey: .heldOutShare) ?? defaults.heldOutShare
        userSplitSeed = try container.decodeIfPresent(UInt64.self, forKey: .userSplitSeed) ?? defaults.userSplitSeed
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Throws `ReviewDataError` naming the first invalid setting (for a catalogue of `items` items).
    public func validate(items: Int) throws {
        func check(_ ok: Bool, _ field: String, _ value: Any, _ expected: String) throws {
            try ReviewDataError.requireSetting(ok, "reviews", field, value, expected)
        }
        try check(historyLength >= 1 && historyLength <= 1_000, "historyLength", historyLength, "1 to 1000 items")
        try check(horizon >= 1 && horizon <= 1_000, "horizon", horizon, "1 to 1000 reviews")
        try check(slateSize >= 1 && slateSize <= items, "slateSize", slateSize, "1 to the \(items) items of the catalogue")
        try check(heldOutShare >= 0 && heldOutShare < 1, "heldOutShare", heldOutShare, "a share in [0, 1)")
    }
}
