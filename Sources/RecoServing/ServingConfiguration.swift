/// The settings of a decision service (the latency budget is the `DecisionEngine`'s).
public struct ServingConfiguration: Sendable {
    /// The address to listen on (`127.0.0.1` by default: loopback only).
    public var host: String
    /// The port to listen on (0 picks a free one).
    public var port: Int
    /// How long a decision waits for its feedback before it gets `defaultReward`.
    public var feedbackWindow: Duration
    /// The reward of a decision whose window closes without feedback.
    public var defaultReward: Double
    /// The largest request body accepted, in bytes; a larger one is answered with a 413.
    public var maximumBodyBytes: Int
    /// The most decisions pending at once; beyond it the oldest expires.
    public var pendingCapacity: Int
    /// How often the sweeper expires decisions whose window has closed.
    public var sweepInterval: Duration
    /// Traffic shares of the fallback's holdout and automatic rollback of candidates.
    public var rollout: RolloutSettings

    /// Settings with the defaults of `recorl serve`.
    public init(host: String = "127.0.0.1", port: Int = 8080, feedbackWindow: Duration = .seconds(60),
                defaultReward: Double = 0, maximumBodyBytes: Int = 64 * 1024, pendingCapacity: Int = 100_000, sweepInterval: Duration? = nil,
                rollout: RolloutSettings = RolloutSettings()) {
        self.host = host
        self.port = port
        self.feedbackWindow = feedbackWindow
        self.defaultReward = defaultReward
        self.maximumBodyBytes = maximumBodyBytes
        self.pendingCapacity = pendingCapacity
        self.rollout = rollout
        // A tenth of the window (at least 10 ms, at most 1 s) keeps expiry close to the window's end.
        self.sweepInterval = sweepInterval ?? min(max(feedbackWindow / 10, .milliseconds(10)), .seconds(1))
    }
}
