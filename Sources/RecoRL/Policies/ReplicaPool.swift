import Foundation

/// Forward-only replicas of a learner's networks, lent to one caller at a time.
///
/// A policy acts through a replica so that concurrent callers never share activation buffers and
/// never touch the learner's training workspaces. Replicas are made on demand (the first call on each
/// thread that finds none idle makes one) and kept for reuse, so a steady caller allocates nothing.
/// Each replica holds `chunkRows` rows; policies cut larger batches into chunks of that size.
final class ReplicaPool<Replica>: @unchecked Sendable {
    /// Rows one replica's workspaces hold.
    let chunkRows: Int
    private let make: () throws -> Replica
    private let lock = NSLock()
    private var idle: [Replica] = []

    init(chunkRows: Int, make: @escaping () throws -> Replica) {
        self.chunkRows = max(1, chunkRows)
        self.make = make
    }

    /// Runs `body` with a replica no other caller holds meanwhile.
    func withReplica<Result>(_ body: (Replica) throws -> Result) throws -> Result {
        lock.lock()
        let reused = idle.popLast()
        lock.unlock()
        let replica = try reused ?? make()
        defer {
            lock.lock()
            idle.append(replica)
            lock.unlock()
        }
        return try body(replica)
    }

    /// Rows per chunk for networks whose widest layer has `width` outputs: up to 1,024 rows, fewer
    /// for wide outputs so one activation buffer stays near 16 MB (4M floats).
    static func chunkRows(widestOutput width: Int) -> Int {
        max(1, min(1_024, (1 << 22) / max(1, width)))
    }
}

/// The row ranges of `rows` rows cut into chunks of at most `size`.
func chunks(of rows: Int, size: Int) -> StrideTo<Int> {
    stride(from: 0, to: rows, by: max(1, size))
}
