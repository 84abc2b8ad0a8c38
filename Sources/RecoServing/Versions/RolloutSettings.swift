/// How traffic is shared between the policy versions, and when a candidate is rolled back by itself.
public struct RolloutSettings: Sendable, Equatable {
    /// Share of the users (by a stable hash of their id) the fallback answers even while the model is
    /// healthy: a holdout whose online reward is the reference automatic rollback compares a candidate
    /// with. In [0, 1); 0 by default (the fallback answers only for a failing or late model).
    public var fallbackShare: Double
    /// A candidate is rolled back when the mean of its last `rollbackWindow` rewards falls below the
    /// fallback's (over its own last `rollbackWindow`) by more than this margin; nil turns automatic
    /// rollback off. Needs `fallbackShare > 0`, since the fallback must have rewards to compare with.
    public var rollbackMargin: Double?
    /// How many of the latest rewards of the candidate and of the fallback the rollback compares.
    public var rollbackWindow: Int

    /// Settings with the defaults of `recorl serve`: no holdout, no automatic rollback, a window of 200.
    public init(fallbackShare: Double = 0, rollbackMargin: Double? = nil, rollbackWindow: Int = 200) {
        self.fallbackShare = fallbackShare
        self.rollbackMargin = rollbackMargin
        self.rollbackWindow = rollbackWindow
    }

    /// Throws a `ServingError` naming the first setting out of range.
    public func validate() throws {
        guard fallbackShare.isFinite, fallbackShare >= 0, fallbackShare < 1 else {
            throw ServingError(.unprocessableContent, field: "fallbackShare", value: "\(fallbackShare)", expected: "a share in [0, 1)")
        }
        guard rollbackWindow >= 1, rollbackWindow <= 1_000_000 else {
            throw ServingError(.unprocessableContent, field: "rollbackWindow", value: "\(rollbackWindow)",
                               expected: "a number of rewards in 1...1000000")
        }
        if let rollbackMargin {
            guard rollbackMargin.isFinite, rollbackMargin >= 0 else {
                throw ServingError(.unprocessableContent, field: "rollbackMargin", value: "\(rollbackMargin)",
                                   expected: "a finite margin of at least 0")
            }
            guard fallbackShare > 0 else {
                throw ServingError(.unprocessableContent, field: "rollbackMargin", value: "\(rollbackMargin)",
                                   expected: "a fallbackShare above 0 with it (the fallback's online reward is the reference)")
            }
        }
    }
}
