import Foundation

/// What feedback for an event id found.
public enum FeedbackOutcome: Equatable, Sendable {
    /// The reward was joined to its decision.
    case joined
    /// No decision with this id is pending or remembered.
    case unknown
    /// The decision's window had closed: it was given the default reward at expiry.
    case expired
    /// The decision already has its feedback.
    case alreadyJoined
}

/// The decisions waiting for their feedback, in memory, thread-safe and bounded.
///
/// A decision is pending for `window` after it is made; feedback within it is joined. When the window
/// closes (`expire(now:)`, run by the sweeper and before every join) the decision gets the default
/// reward. At most `capacity` decisions are pending: a new one beyond that expires the oldest at once.
/// The ids of the last `capacity` closed decisions are remembered, so late or repeated feedback is told
/// apart from an unknown id.
public final class PendingDecisions: @unchecked Sendable {
    private struct Pending {
        var policy: String
        var deadline: ContinuousClock.Instant
    }

    /// How long a decision waits for its feedback.
    public let window: Duration
    /// The reward a decision gets when its window closes without feedback.
    public let defaultReward: Double
    /// The most decisions pending (and closed ones remembered) at once.
    public let capacity: Int
    private let metrics: ServingMetrics
    private let lock = NSLock()
    private var pending: [String: Pending] = [:]
    private var pendingOrder = FIFO()
    private var closed: [String: FeedbackOutcome] = [:]
    private var closedOrder = FIFO()
    private var rewardTotals: [String: (sum: Double, count: Int)] = [:]
    /// Called with the event id, reward and outcome (`.joined` or `.expired`) of every decision as it
    /// closes, under the store's lock (so it must not wait: the service queues expired rewards for the
    /// interaction log with `InteractionLog.enqueue`).
    public let onClose: (@Sendable (String, Double, FeedbackOutcome) -> Void)?

    /// An empty store whose closings are counted in `metrics` and handed to `onClose`.
    public init(window: Duration, defaultReward: Double, capacity: Int = 100_000, metrics: ServingMetrics,
                onClose: (@Sendable (String, Double, FeedbackOutcome) -> Void)? = nil) {
        precondition(capacity >= 1, "a store of no decisions")
        self.window = window
        self.defaultReward = defaultReward
        self.capacity = capacity
        self.metrics = metrics
        self.onClose = onClose
    }

    /// Number of decisions waiting for feedback.
    public var pendingCount: Int { lock.withLock { pending.count } }

    /// Records decision `eventId` of `policy` (`model` or `fallback`), made at `now`.
    public func add(_ eventId: String, policy: String, now: ContinuousClock.Instant = .now) {
        lock.withLock {
            expireLocked(now: now)
            while pending.count >= capacity, let oldest = pendingOrder.first {
                if pending[oldest] == nil { pendingOrder.removeFirst() } else { close(oldest, reward: defaultReward, as: .expired) }
            }
            pending[eventId] = Pending(policy: policy, deadline: now + window)
            pendingOrder.append(eventId)
        }
    }

    /// Joins `reward` to decision `eventId` if its window is open at `now`.
    public func join(_ eventId: String, reward: Double, now: ContinuousClock.Instant = .now) -> FeedbackOutcome {
        lock.withLock {
            expireLocked(now: now)
            if pending[eventId] != nil {
                close(eventId, reward: reward, as: .joined)
                return .joined
            }
            switch closed[eventId] {
            case .joined: return .alreadyJoined
            case .some(let outcome): return outcome
            case nil: return .unknown
            }
        }
    }

    /// Gives every decision whose window has closed by `now` the default reward.
    public func expire(now: ContinuousClock.Instant = .now) {
        lock.withLock { expireLocked(now: now) }
    }

    private func expireLocked(now: ContinuousClock.Instant) {
        // Windows are all the same length, so the oldest pending decision closes first.
        while let oldest = pendingOrder.first {
            guard let entry = pending[oldest] else {
                pendingOrder.removeFirst()
                continue
            }
            guard entry.deadline <= now else { return }
            close(oldest, reward: defaultReward, as: .expired)
        }
    }

    private func close(_ eventId: String, reward: Double, as outcome: FeedbackOutcome) {
        guard let entry = pending.removeValue(forKey: eventId) else { return }
        if pendingOrder.first == eventId { pendingOrder.removeFirst() }
        var totals = rewardTotals[entry.policy] ?? (0, 0)
        totals.sum += reward
        totals.count += 1
        rewardTotals[entry.policy] = totals
        metrics.recordClosed(outcome: outcome == .joined ? "joined" : "expired", policy: entry.policy,
                             mean: totals.sum / Double(totals.count))
        if closed.count >= capacity, let forgotten = closedOrder.first {
            closedOrder.removeFirst()
            closed[forgotten] = nil
        }
        closed[eventId] = outcome
        closedOrder.append(eventId)
        onClose?(eventId, reward, outcome)
    }
}

/// A first-in first-out queue of ids over an array, compacted when half of it has been consumed.
private struct FIFO {
    private var items: [String] = []
    private var head = 0

    var first: String? { head < items.count ? items[head] : nil }

    mutating func append(_ item: String) { items.append(item) }

    mutating func removeFirst() {
        head += 1
        if head >= 1024 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
    }
}
