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

/// A decision whose reward is settled: joined feedback, or the default reward when its window closed.
public struct ClosedDecision: Sendable {
    public var eventId: String
    /// The role of the policy that decided (production, candidate or fallback).
    public var role: PolicyRole
    /// The version of the policy that decided.
    public var version: String
    public var reward: Double
    /// `.joined` or `.expired`.
    public var outcome: FeedbackOutcome
}

/// The decisions waiting for their feedback, in memory, thread-safe and bounded.
///
/// A decision is pending for `window` after it is made; feedback within it is joined. When the window
/// closes (`expire(now:)`, run by the sweeper and before every join) the decision gets the default
/// reward. At most `capacity` decisions are pending: a new one beyond that expires the oldest at once.
/// The ids of the last `capacity` closed decisions are remembered, so late or repeated feedback is told
/// apart from an unknown id. Every closing is handed to `onClose` (under the store's lock, in the order
/// of closing: it must be quick and must not call back into the store).
public final class PendingDecisions: @unchecked Sendable {
    private struct Pending {
        var role: PolicyRole
        var version: String
        var deadline: ContinuousClock.Instant
    }

    /// How long a decision waits for its feedback.
    public let window: Duration
    /// The reward a decision gets when its window closes without feedback.
    public let defaultReward: Double
    /// The most decisions pending (and closed ones remembered) at once.
    public let capacity: Int
    private let onClose: @Sendable (ClosedDecision) -> Void
    private let lock = NSLock()
    private var pending: [String: Pending] = [:]
    private var pendingOrder = FIFO()
    private var closed: [String: FeedbackOutcome] = [:]
    private var closedOrder = FIFO()

    /// An empty store whose closings are handed to `onClose`.
    public init(window: Duration, defaultReward: Double, capacity: Int = 100_000,
                onClose: @escaping @Sendable (ClosedDecision) -> Void) {
        precondition(capacity >= 1, "a store of no decisions")
        self.window = window
        self.defaultReward = defaultReward
        self.capacity = capacity
        self.onClose = onClose
    }

    /// Number of decisions waiting for feedback.
    public var pendingCount: Int { lock.withLock { pending.count } }

    /// Records decision `eventId` of policy `version` in `role`, made at `now`.
    public func add(_ eventId: String, role: PolicyRole, version: String, now: ContinuousClock.Instant = .now) {
        lock.withLock {
            expireLocked(now: now)
            while pending.count >= capacity, let oldest = pendingOrder.first {
                if pending[oldest] == nil { pendingOrder.removeFirst() } else { close(oldest, reward: defaultReward, as: .expired) }
            }
            pending[eventId] = Pending(role: role, version: version, deadline: now + window)
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
        onClose(ClosedDecision(eventId: eventId, role: entry.role, version: entry.version, reward: reward, outcome: outcome))
        if closed.count >= capacity, let forgotten = closedOrder.first {
            closedOrder.removeFirst()
            closed[forgotten] = nil
        }
        closed[eventId] = outcome
        closedOrder.append(eventId)
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
