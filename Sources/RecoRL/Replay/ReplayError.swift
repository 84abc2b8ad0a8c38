/// A replay buffer that cannot be created as configured.
public enum ReplayError: Error, Equatable, CustomStringConvertible {
    /// The system refused to provide this many bytes (the capacity is too large for the machine).
    case outOfMemory(bytes: Int)
    /// A saved replay file that cannot be read back into this buffer: `field` names what is wrong.
    case invalidFile(path: String, field: String, value: String, expected: String)

    public var description: String {
        switch self {
        case let .outOfMemory(bytes):
            return "replay storage of \(bytes) bytes could not be mapped; expected a bufferCapacity that fits in memory"
        case let .invalidFile(path, field, value, expected):
            return "\(path): replay \(field) \(value) is not valid; expected \(expected)"
        }
    }
}
