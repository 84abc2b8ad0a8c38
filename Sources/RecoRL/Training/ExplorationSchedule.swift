import Foundation

/// Epsilon for epsilon-greedy exploration, decaying exponentially with the number of environment steps
/// `t` (counted over all environment copies): `epsilon(t) = end + (start - end) * exp(-rate * t)`.
///
/// This is the schedule of the source study (000_3de240277c464777.txt), which counts episodes; counting
/// environment steps instead makes the schedule independent of episode length. `rate` sets the speed:
/// epsilon has covered half the distance from `start` to `end` after `ln 2 / rate` steps.
public struct ExplorationSchedule: Codable, Equatable, Sendable {
    public var start: Float
    public var end: Float
    public var rate: Double

    public init(start: Float, end: Float, rate: Double) {
        self.start = start
        self.end = end
        self.rate = rate
    }

    /// A schedule that has covered 99% of the way from `start` to `end` after `steps` environment steps.
    public static func reaching(end: Float, from start: Float = 1, after steps: Int) -> ExplorationSchedule {
        ExplorationSchedule(start: start, end: end, rate: Foundation.log(100) / Double(max(1, steps)))
    }

    /// Epsilon after `step` environment steps.
    public func epsilon(at step: Int) -> Float {
        end + (start - end) * Float(Foundation.exp(-rate * Double(step)))
    }
}
