import Foundation

/// One decision as the service made it: the context it saw, the action it chose with its propensity,
/// and which policy (and version) answered. The row of the interaction log's `decisions` table, so
/// that the served traffic can be replayed for off-policy evaluation and training.
public struct DecisionRecord: Sendable, Equatable {
    /// The decision's id, as returned to the caller (`eventId`); the key feedback is joined on.
    public var eventId: String
    /// When the decision was made (stored as seconds since 1970, a REAL).
    public var time: Date
    /// The caller's id of the user, when the request named one.
    public var user: String?
    /// Which role answered: `production`, `candidate` or `fallback`.
    public var policy: String
    /// The version of the policy that answered (`dqn-1f3a...`).
    public var version: String
    /// The context the policy acted on (the observation row), stored as a little-endian Float32 BLOB.
    public var features: [Float]
    /// Index of the chosen action.
    public var action: Int
    /// Probability of `action` under the policy that chose it (0 when the policy could not tell).
    public var propensity: Float
    /// The recommended list, `action` first, when the request asked for a slate; nil for one action.
    public var slate: [Int]?

    /// A record of the decision `eventId`, made at `time`.
    public init(eventId: String, time: Date, user: String?, policy: String, version: String, features: [Float],
                action: Int, propensity: Float, slate: [Int]? = nil) {
        self.eventId = eventId
        self.time = time
        self.user = user
        self.policy = policy
        self.version = version
        self.features = features
        self.action = action
        self.propensity = propensity
        self.slate = slate
    }
}
