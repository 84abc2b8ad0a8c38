/// The knobs of `ItemCoOccurrenceRecommender`, with defaults.
public struct ItemCoOccurrenceSettings: Codable, Equatable, Sendable {
    /// Two reviews of one training user co-occur when at most `window` reviews apart in their timeline
    /// (`W`; 1 pairs only consecutive reviews): nearby reviews say more about each other than a whole
    /// timeline does, and the pair count stays linear in the reviews.
    public var window = 5
    /// Neighbours kept per item (its most similar items): the similarity table is this sparse, so it
    /// fits catalogues of any size.
    public var neighbours = 100
    /// Weight of a history item `a` slots before the most recent one: `recencyDecay^a`, so recent
    /// reviews count more (1 weighs the whole shown history alike).
    public var recencyDecay = 0.9
    /// Weight of the popularity term added to every score, `popularityWeight * n_j / max_k n_k`: small
    /// enough to only break ties among items with the same similarity sum, and to rank the popular
    /// items first for a history with no known neighbours.
    public var popularityWeight = 1e-6

    public init() {}

    /// Throws `ReviewDataError` naming the first invalid setting.
    public func validate() throws {
        func check(_ ok: Bool, _ field: String, _ value: Any, _ expected: String) throws {
            try ReviewDataError.requireSetting(ok, "co-occurrence", field, value, expected)
        }
        try check(window >= 1 && window <= 1_000, "window", window, "1 to 1000 reviews")
        try check(neighbours >= 1 && neighbours <= 100_000, "neighbours", neighbours, "1 to 100000 items")
        try check(recencyDecay > 0 && recencyDecay <= 1, "recencyDecay", recencyDecay, "a factor in (0, 1]")
        try check(popularityWeight >= 0 && popularityWeight <= 1, "popularityWeight", popularityWeight, "a weight in [0, 1]")
    }
}
