import Foundation
import RecoTensor

/// Changing the engine's thread count from tests, which run concurrently in one process.
///
/// `ThreadPolicy`'s count is process-wide. Tests that set it hold one lock while they run at the count they
/// set, so two such tests (in any test target) never interleave: neither sees the other's count, and the
/// count each restores is the one from before it.
public enum ThreadCountTesting {
    private static let lock = NSLock()

    /// Runs `body` with `ThreadPolicy.threadCount == count`, then restores the previous count.
    public static func with<T>(threads count: Int, _ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        let original = ThreadPolicy.threadCount
        defer { ThreadPolicy.setThreadCount(original) }
        ThreadPolicy.setThreadCount(count)
        return try body()
    }
}
