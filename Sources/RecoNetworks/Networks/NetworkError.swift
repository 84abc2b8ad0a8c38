/// A network description that cannot be built, or a batch from outside that a network cannot read.
public enum NetworkError: Error, Equatable, CustomStringConvertible {
    /// The layer list is inconsistent (widths do not chain, a width is not positive, ...).
    case invalidArchitecture(String)
    /// A batch from outside the network holds a value the network cannot read (an id out of range):
    /// where it is, the value and what was expected.
    case invalidInput(field: String, value: String, expected: String)

    public var description: String {
        switch self {
        case let .invalidArchitecture(detail): return "invalid network architecture: \(detail)"
        case let .invalidInput(field, value, expected): return "network input \(field): \(value) is not valid; expected \(expected)"
        }
    }
}
