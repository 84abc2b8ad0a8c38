import Foundation

/// A batched environment whose whole state can be saved and restored: every copy's state and random
/// stream, the current observations and the running episode statistics. Resumable training runs save
/// it beside the agent, so a run stopped and resumed steps through exactly the same episodes.
public protocol ResumableEnvironment: BatchedEnvironment {
    /// The state, in a form `restore(from:)` of an environment of the same kind and copies reads back.
    func snapshot() throws -> Data
    /// Puts back a state written by `snapshot()`; throws `EnvironmentError.snapshotMismatch` when it
    /// does not fit this environment.
    func restore(from snapshot: Data) throws
}

/// An environment state that cannot be restored.
public enum EnvironmentError: Error, Equatable, CustomStringConvertible {
    case snapshotMismatch(field: String, value: String, expected: String)

    public var description: String {
        switch self {
        case let .snapshotMismatch(field, value, expected):
            return "environment snapshot \(field): \(value) does not fit; expected \(expected)"
        }
    }
}
