import Foundation

/// The reward a decision got: the caller's feedback joined within the window (`joined`), or the default
/// reward given when its window closed without feedback (`expired`). The row of the interaction log's
/// `rewards` table, keyed by the decision's event id.
public struct RewardRecord: Sendable, Equatable {
    /// The event id of the decision the reward belongs to.
    public var eventId: String
    /// The reward.
    public var reward: Double
    /// `joined` (feedback arrived in time) or `expired` (the default reward at the window's end).
    public var outcome: String
    /// When the reward was joined or given (stored as seconds since 1970, a REAL).
    public var time: Date

    /// The reward of decision `eventId`, closed at `time` as `outcome`.
    public init(eventId: String, reward: Double, outcome: String, time: Date) {
        self.eventId = eventId
        self.reward = reward
        self.outcome = outcome
        self.time = time
    }
}
