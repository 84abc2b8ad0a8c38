import Foundation
import RecoEnvironments

/// Where everything sits in an observation of the `reviews` environment (`D = 6N + 4` floats for a
/// history of `N` items):
///
/// - columns `0..<N`: the ids of the user's last `N` reviewed items, oldest first, the most recent in
///   column `N - 1`; slots before the user's first review hold the padding id `I` (so ids lie in
///   `0..<I + 1` and an embedding table has `I + 1` rows);
/// - columns `N..<6N`: five features per slot, slot by slot: the item's scaled price, the review's
///   rating / 5, its sentiment (VADER compound, -1 to 1), its scaled helpfulness, and the days since
///   the review before it as `min(1, log(1 + days) / log(366))`; zeros for padding slots;
/// - the last 4 columns, user-level: `min(1, log(1 + n) / log(101))` for the `n` reviews so far, and
///   the mean rating / 5, mean sentiment and mean scaled price over them.
public struct ReviewObservationLayout: Equatable, Sendable {
    /// History slots `N`.
    public let historyLength: Int
    /// Items in the catalogue `I`; `I` itself is the padding id.
    public let itemCount: Int
    /// Features per history slot.
    public static let slotFeatures = 5
    /// User-level features after the slots.
    public static let userFeatures = 4

    public init(historyLength: Int, itemCount: Int) {
        self.historyLength = historyLength
        self.itemCount = itemCount
    }

    /// The id in slots without a review.
    public var paddingId: Int { itemCount }
    /// Observation width `D`.
    public var width: Int { historyLength * (1 + Self.slotFeatures) + Self.userFeatures }
    /// The id columns, for agents that embed them (`I + 1` ids, the padding included).
    public var ids: ObservationIds { ObservationIds(columns: historyLength, vocabulary: itemCount + 1) }

    /// Writes the state of `user` before the review at `position` of their timeline (reviews
    /// `0..<position` are history) into `observation` (`width` values).
    public func encode(_ timelines: ReviewTimelines, user: Int, position: Int, into observation: UnsafeMutableBufferPointer<Float>) {
        let start = timelines.userRows[user].lowerBound
        let now = start + position
        let n = historyLength
        for slot in 0..<n {
            let row = now - n + slot
            let features = n + slot * Self.slotFeatures
            guard row >= start else {
                observation[slot] = Float(paddingId)
                for f in 0..<Self.slotFeatures { observation[features + f] = 0 }
                continue
            }
            observation[slot] = Float(timelines.item[row])
            observation[features] = timelines.price[row]
            observation[features + 1] = timelines.rating[row] / 5
            observation[features + 2] = timelines.sentiment[row]
            observation[features + 3] = timelines.helpfulness[row]
            observation[features + 4] = min(1, log1p(timelines.gapDays[row]) / log(366))
        }
        let user = n * (1 + Self.slotFeatures)
        let count = Float(position)
        observation[user] = min(1, log1p(count) / log(101))
        guard position > 0 else {
            for f in 1..<Self.userFeatures { observation[user + f] = 0 }
            return
        }
        let last = now - 1  // sums up to and including the latest review
        observation[user + 1] = (timelines.ratingBefore[last] + timelines.rating[last]) / count / 5
        observation[user + 2] = (timelines.sentimentBefore[last] + timelines.sentiment[last]) / count
        observation[user + 3] = (timelines.priceBefore[last] + timelines.price[last]) / count
    }
}
