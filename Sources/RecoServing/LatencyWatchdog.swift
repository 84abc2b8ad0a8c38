import Foundation

/// Offers a fallback value to each decision whose latency budget runs out before its model answers:
/// one thread of its own sleeping until the earliest deadline, instead of a timer per decision (which
/// would wake a thread for every request, late or not).
///
/// Deadlines are kept in arrival order, which is deadline order since the budget is the same for every
/// decision; an answered decision is skipped when its deadline comes. Thread-safe.
final class LatencyWatchdog: @unchecked Sendable {
    private struct Watch {
        let deadline: DispatchTime
        let expire: () -> Void
        let answered: () -> Bool
    }

    private let condition = NSCondition()
    private var watches: [Watch] = []
    private var head = 0
    private var started = false
    private var stopping = false

    /// Calls `expire` at `deadline` unless `answered()` is true by then.
    func watch(until deadline: DispatchTime, answered: @escaping () -> Bool, expire: @escaping () -> Void) {
        condition.withLock {
            if !started {
                started = true
                let thread = Thread { self.run() }
                thread.name = "recorl serve latency watchdog"
                thread.start()
            }
            watches.append(Watch(deadline: deadline, expire: expire, answered: answered))
            if watches.count - head == 1 { condition.signal() }
        }
    }

    /// Ends the thread once no decision is watched (its owner is going away).
    func stop() {
        condition.withLock {
            stopping = true
            condition.signal()
        }
    }

    private func run() {
        while true {
            let due: Watch? = condition.withLock {
                while head == watches.count && !stopping { condition.wait() }
                if head == watches.count { return nil }
                let next = watches[head]
                if next.answered() {
                    pop()
                    return nil
                }
                let now = DispatchTime.now()
                if next.deadline <= now {
                    pop()
                    return next
                }
                let nanoseconds = next.deadline.uptimeNanoseconds - now.uptimeNanoseconds
                _ = condition.wait(until: Date(timeIntervalSinceNow: Double(nanoseconds) / 1e9))
                return nil
            }
            due?.expire()
            if condition.withLock({ stopping && head == watches.count }) { return }
        }
    }

    /// Drops the first watch, compacting the array once half of it is consumed.
    private func pop() {
        head += 1
        if head >= 1024 && head * 2 >= watches.count {
            watches.removeFirst(head)
            head = 0
        } else if head == watches.count {
            watches.removeAll(keepingCapacity: true)
            head = 0
        }
    }
}
