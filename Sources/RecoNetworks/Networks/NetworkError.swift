/// A network description that cannot be built.
public enum NetworkError: Error, Equatable, CustomStringConvertible {
    /// The layer list is inconsistent (widths do not chain, a width is not positive, ...).
    case invalidArchitecture(String)

    public var description: String {
        switch self {
        case let .invalidArchitecture(detail): return "invalid network architecture: \(detail)"
        }
    }
}
