import Foundation
import RecoEnvironments

/// Where everything sits in an observation of the `session` environment (`D = 6T + 7` floats for a
/// window of `T` interactions):
///
/// - columns `0..<T`: the item ids of the last `T` interactions, oldest first, the most recent in
///   column `T - 1`; empty slots hold the padding id `I` (ids lie in `0..<I + 1`), declared as
///   `ObservationIds` so agents embed them (a sequence encoder reads them in order);
/// - columns `T..<6T`: five features per slot, slot by slot: the event kind one-hot (impression,
///   click, cart, purchase) and the time gap before the event as `min(1, log(1 + seconds) / log(1 +
///   604800))` (a week saturates); zeros for empty slots;
/// - the last 7 columns, the context: the device one-hot (mobile, desktop, tablet), the time of day as
///   `sin` and `cos` of `2π hour / 24`, the activity level (1 high, 0 low; 0 for everyone when
///   `observeActivity` is off) and the episode's progress `t / maxSteps`.
public struct SessionObservationLayout: Equatable, Sendable {
    /// Window length `T`.
    public let windowLength: Int
    /// Items `I`; `I` itself is the padding id.
    public let itemCount: Int
    /// Features per window slot.
    public static let slotFeatures = 5
    /// Context columns after the slots.
    public static let contextFeatures = 7
    /// The gap that saturates the gap feature: a week, in seconds.
    public static let gapScale = 604_800.0

    public init(windowLength: Int, itemCount: Int) {
        self.windowLength = windowLength
        self.itemCount = itemCount
    }

    /// The id of empty slots.
    public var paddingId: Int { itemCount }
    /// Observation width `D`.
    public var width: Int { windowLength * (1 + Self.slotFeatures) + Self.contextFeatures }
    /// The id columns (`I + 1` ids, the padding included).
    public var ids: ObservationIds { ObservationIds(columns: windowLength, vocabulary: itemCount + 1) }
    /// First column of slot `s`'s features.
    public func slotFeatureOffset(_ slot: Int) -> Int { windowLength + slot * Self.slotFeatures }
    /// First context column.
    public var contextOffset: Int { windowLength * (1 + Self.slotFeatures) }
    /// The device one-hot's first column.
    public var deviceOffset: Int { contextOffset }
    /// The time of day's `sin` column (`cos` follows).
    public var timeOffset: Int { contextOffset + 3 }
    /// The activity column.
    public var activityOffset: Int { contextOffset + 5 }
    /// The progress column.
    public var progressOffset: Int { contextOffset + 6 }

    /// The gap feature of `seconds`.
    @inline(__always)
    public static func gapFeature(_ seconds: Float) -> Float {
        min(1, Float(Foundation.log1p(Double(max(0, seconds))) / Foundation.log1p(gapScale)))
    }

    /// Calls `body` with each item of the window in `row` (oldest first) and its event kind; padding and
    /// anything that is not an item id are skipped. Reads in place.
    @inline(__always)
    public func forEachInteraction(_ row: UnsafePointer<Float>, _ body: (_ item: Int, _ kind: SessionEventKind) -> Void) {
        let limit = Float(itemCount)
        for slot in 0..<windowLength {
            let id = row[slot]
            guard id >= 0, id < limit else { continue }
            let features = slotFeatureOffset(slot)
            var kind = SessionEventKind.impression
            for k in 1..<4 where row[features + k] > 0.5 { kind = SessionEventKind(rawValue: k)! }
            body(Int(id), kind)
        }
    }
}
