import Foundation

/// A value that changes over a training run: exploration rate, prioritized replay's importance
/// exponent, learning rate. One type for all of them, evaluated at environment step `t` of a run of
/// `T` steps (`t` counted over all environment copies).
///
/// - `constant(v)`: `v` throughout.
/// - `linear(start, end)`: `start * (1 - x) + end * x` with `x = min(1, t / T)`: from `start` at the
///   first step to `end` at the last (for example a learning rate annealed to 0, or beta annealed to 1).
/// - `exponential(start, end, rate)`: `end + (start - end) * exp(-rate * t)`, independent of `T`; it has
///   covered half the distance after `ln 2 / rate` steps. Counting environment steps rather than
///   episodes makes it independent of episode length.
///
/// JSON: a number for a constant, `{"start", "end"}` for linear, `{"start", "end", "rate"}` for
/// exponential (the layout configuration files have always used for exploration).
public enum Schedule: Equatable, Sendable {
    case constant(Float)
    case linear(start: Float, end: Float)
    case exponential(start: Float, end: Float, rate: Double)

    /// An exponential schedule that has covered 99% of the way from `start` to `end` after `steps`
    /// environment steps.
    public static func reaching(end: Float, from start: Float = 1, after steps: Int) -> Schedule {
        .exponential(start: start, end: end, rate: Foundation.log(100) / Double(max(1, steps)))
    }

    /// The value at environment step `step` of a run of `totalSteps`.
    public func value(at step: Int, of totalSteps: Int) -> Float {
        switch self {
        case let .constant(value):
            return value
        case let .linear(start, end):
            let x = min(1, Float(step) / Float(max(1, totalSteps)))
            return start * (1 - x) + end * x
        case let .exponential(start, end, rate):
            return end + (start - end) * Float(Foundation.exp(-rate * Double(step)))
        }
    }

    /// The value where the schedule begins.
    public var start: Float {
        switch self {
        case let .constant(value): return value
        case let .linear(start, _), let .exponential(start, _, _): return start
        }
    }

    /// The value it tends to.
    public var end: Float {
        switch self {
        case let .constant(value): return value
        case let .linear(_, end), let .exponential(_, end, _): return end
        }
    }

    /// Throws unless every value the schedule takes lies in `range`; `field` names it in the error.
    public func validate(_ field: String, within range: ClosedRange<Float>) throws {
        for (name, value) in [("start", start), ("end", end)] where !(value.isFinite && range.contains(value)) {
            throw ConfigurationError(field: "\(field).\(name)", value: "\(value)",
                                     expected: "a number in [\(range.lowerBound), \(range.upperBound)]")
        }
        if case let .exponential(_, _, rate) = self, !(rate >= 0 && rate.isFinite) {
            throw ConfigurationError(field: "\(field).rate", value: "\(rate)", expected: "a non-negative number")
        }
    }
}

extension Schedule: Codable {
    private enum Key: String, CodingKey { case start, end, rate }

    public init(from decoder: Decoder) throws {
        if let value = try? decoder.singleValueContainer().decode(Float.self) {
            self = .constant(value)
            return
        }
        let container = try decoder.container(keyedBy: Key.self)
        let start = try container.decode(Float.self, forKey: .start)
        let end = try container.decode(Float.self, forKey: .end)
        if let rate = try container.decodeIfPresent(Double.self, forKey: .rate) {
            self = .exponential(start: start, end: end, rate: rate)
        } else {
            self = .linear(start: start, end: end)
        }
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case let .constant(value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case let .linear(start, end):
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(start, forKey: .start)
            try container.encode(end, forKey: .end)
        case let .exponential(start, end, rate):
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(start, forKey: .start)
            try container.encode(end, forKey: .end)
            try container.encode(rate, forKey: .rate)
        }
    }
}
