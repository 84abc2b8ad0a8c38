/// Why text could not be read as a `MarketingUser`. Every case names the feature, the value found and
/// what was expected, so a user can correct the command line.
public enum MarketingUserError: Error, Equatable, CustomStringConvertible {
    /// A comma-separated piece is not of the form `name=value`.
    case malformedPair(text: String)
    /// A name that is not one of `MarketingUser.featureNames`.
    case unknownFeature(name: String, value: String)
    /// A feature given twice.
    case duplicateFeature(name: String, value: String)
    /// A feature not given.
    case missingFeature(name: String, expected: String)
    /// A value that is not a number.
    case notANumber(name: String, value: String, expected: String)
    /// A number outside the feature's range (or not 0 or 1 for a flag).
    case outOfRange(name: String, value: String, expected: String)

    public var description: String {
        switch self {
        case let .malformedPair(text):
            return "'\(text)' is not name=value; expected pairs such as recency=15"
        case let .unknownFeature(name, value):
            return "unknown feature '\(name)' (value \(value)); expected one of "
                + MarketingUser.featureNames.joined(separator: ", ")
        case let .duplicateFeature(name, value):
            return "feature '\(name)' is given twice (again as \(value)); expected it once"
        case let .missingFeature(name, expected):
            return "feature '\(name)' is missing; expected \(expected)"
        case let .notANumber(name, value, expected):
            return "feature '\(name)' is '\(value)', not a number; expected \(expected)"
        case let .outOfRange(name, value, expected):
            return "feature '\(name)' is \(value); expected \(expected)"
        }
    }
}
