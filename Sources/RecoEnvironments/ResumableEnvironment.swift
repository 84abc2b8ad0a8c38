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

/// One environment copy whose changing state (the episode under way) can be saved and put back, apart
/// from what never changes (a dataset, a simulated world), so `VectorEnvironment` of it is a
/// `ResumableEnvironment`. A `Codable` environment is its own state: declaring the conformance is enough.
public protocol SnapshottableEnvironment: Environment {
    /// What a snapshot holds of one copy.
    associatedtype SavedState: Codable
    /// The copy's state now.
    var savedState: SavedState { get }
    /// Puts back a state read from a snapshot; throws `EnvironmentError.snapshotMismatch` when it does
    /// not fit this copy (another dataset, for example).
    mutating func restore(_ state: SavedState) throws
}

extension SnapshottableEnvironment where Self: Codable, SavedState == Self {
    public var savedState: Self { self }
    public mutating func restore(_ state: Self) throws { self = state }
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
