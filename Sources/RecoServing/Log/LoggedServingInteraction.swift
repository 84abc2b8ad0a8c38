/// One decision read back from the interaction log, with its reward when it has one (a decision still
/// pending, or one whose server stopped before its window closed, has none).
public struct LoggedServingInteraction: Sendable, Equatable {
    /// The decision as the service made it.
    public var decision: DecisionRecord
    /// Its joined or expired reward, or nil.
    public var reward: RewardRecord?

    /// A decision and its reward.
    public init(decision: DecisionRecord, reward: RewardRecord?) {
        self.decision = decision
        self.reward = reward
    }
}
