/// Why a checkpoint file could not be read or written. Every case says what was found and what was
/// expected, so a user can tell a truncated download from a file for another network.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened, read or written.
    case io(path: String, reason: String)
    /// The file ends before the data its header promises.
    case truncated(path: String, detail: String)
    /// The header is not the JSON a safetensors file holds.
    case corruptedHeader(path: String, detail: String)
    /// The content does not match the checksum recorded when the file was written (version 2: the
    /// metadata and every tensor; version 1: the data section).
    case corruptedData(path: String, expectedChecksum: String, actualChecksum: String)
    /// A header field has a value the format does not allow.
    case invalidField(path: String, field: String, value: String, expected: String)
    /// The file is a valid safetensors file but does not hold what was asked for (a missing tensor,
    /// another shape or dtype, another architecture).
    case mismatch(path: String, detail: String)

    public var description: String {
        switch self {
        case let .io(path, reason):
            return "checkpoint \(path): \(reason)"
        case let .truncated(path, detail):
            return "checkpoint \(path) is truncated: \(detail)"
        case let .corruptedHeader(path, detail):
            return "checkpoint \(path) has a corrupted header: \(detail)"
        case let .corruptedData(path, expected, actual):
            return "checkpoint \(path) is corrupted or was edited: its checksum is \(actual), the header records \(expected)"
        case let .invalidField(path, field, value, expected):
            return "checkpoint \(path): field \(field) is \(value), expected \(expected)"
        case let .mismatch(path, detail):
            return "checkpoint \(path) does not match: \(detail)"
        }
    }
}
