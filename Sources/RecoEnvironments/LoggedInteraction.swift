/// One decision recorded under a logging policy: what the policy saw, what it showed, how likely it
/// was to show it, and what came of it. The unit of logged (bandit) data that off-policy estimators
/// read.
///
/// `propensity` is the logging policy's probability of `action` given `context`, in (0, 1]; `reward`
/// is the observed outcome (a click is 1, no click 0). `user` and `time` are optional bookkeeping
/// (RecoGym logs carry both).
public struct LoggedInteraction: Equatable, Sendable, Codable {
    /// The features the logging policy acted on (an observation row).
    public var context: [Float]
    /// The action shown (an index in `0..<actionCount` of the environment).
    public var action: Int
    /// The logging policy's probability of `action` given `context`, in (0, 1].
    public var propensity: Float
    /// The observed reward of the action.
    public var reward: Float
    /// The user the decision was made for, when known.
    public var user: Int?
    /// When the decision was made (the user's clock in RecoGym), when known.
    public var time: Double?

    /// An interaction; throws `LoggedDataError.invalid` for a negative action, a propensity outside
    /// (0, 1], or a non-finite reward or context value.
    public init(context: [Float], action: Int, propensity: Float, reward: Float,
                user: Int? = nil, time: Double? = nil) throws {
        guard action >= 0 else {
            throw LoggedDataError.invalid(field: "action", value: "\(action)", expected: "a non-negative action index")
        }
        guard propensity > 0, propensity <= 1 else {
            throw LoggedDataError.invalid(field: "propensity", value: "\(propensity)",
                                          expected: "a probability in (0, 1]")
        }
        guard reward.isFinite else {
            throw LoggedDataError.invalid(field: "reward", value: "\(reward)", expected: "a finite number")
        }
        if let bad = context.firstIndex(where: { !$0.isFinite }) {
            throw LoggedDataError.invalid(field: "context[\(bad)]", value: "\(context[bad])", expected: "a finite number")
        }
        self.context = context
        self.action = action
        self.propensity = propensity
        self.reward = reward
        self.user = user
        self.time = time
    }
}

/// Logged data that cannot be used: an invalid interaction, a malformed row of a log file, or a file
/// that is not a log of the expected kind. Every case names the field, the value and what was expected.
public enum LoggedDataError: Error, Equatable, CustomStringConvertible {
    /// A value that is not valid for `field`.
    case invalid(field: String, value: String, expected: String)
    /// Line `line` (1-based, the header is line 1) of a log file has `value` in `column`.
    case malformed(line: Int, column: String, value: String, expected: String)
    /// The file's header is `header`, not that of the expected log format.
    case wrongHeader(header: String, expected: String)

    public var description: String {
        switch self {
        case let .invalid(field, value, expected):
            return "\(field): \(value) is not valid; expected \(expected)"
        case let .malformed(line, column, value, expected):
            return "line \(line), column \(column): \(value.isEmpty ? "(empty)" : "'\(value)'") is not valid; expected \(expected)"
        case let .wrongHeader(header, expected):
            return "not a RecoGym log: header is '\(header)'; expected the columns \(expected)"
        }
    }
}
