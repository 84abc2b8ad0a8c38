import Dispatch
import Foundation
import GRDB

/// The decision service's interaction log: every decision and every reward, in an SQLite database
/// (through GRDB), for off-policy evaluation and training on served traffic.
///
/// Writes never run on the request path. An append puts its record in a queue (under a lock) and
/// waits; ONE writer (a serial `DispatchQueue`) takes everything queued, commits it in one
/// transaction, then resumes every waiting append (group commit). While a commit runs, new records
/// queue up for the next one, so under load a commit carries many records and its cost (a WAL write,
/// and a sync under `.powerLoss`) is shared; alone, a record is committed at once (no fixed delay).
/// An `append` returns only once its record is committed, so a response sent after it describes a
/// record that survives a crash of the process (`LogDurability`).
///
/// Inserts are idempotent: a record whose event id is already in its table is ignored. A reward
/// needs its decision in the log (the foreign key); one that has none fails alone, not its batch.
/// The schema is in `InteractionLogSchema`; `read(path:)` reads a log back.
public final class InteractionLog: Sendable {
    /// The database file.
    public let path: String
    /// What a commit survives.
    public let durability: LogDurability
    private let database: DatabaseQueue
    private let state = Locked()
    // Not a low QoS: requests wait for its commits.
    private let writer = DispatchQueue(label: "RecoServing.InteractionLog.writer")

    /// A record waiting for the writer, with the append to resume once it is committed (nil for
    /// `enqueue`).
    private struct Queued: Sendable {
        enum Record: Sendable {
            case decision(DecisionRecord)
            case reward(RewardRecord)
        }
        var record: Record
        var waiter: CheckedContinuation<Void, Error>?
    }

    /// The queue and the writer's status, under `state`'s lock.
    private struct WriteState: Sendable {
        var queue: [Queued] = []
        /// Whether a drain is scheduled or running (it resets this when it finds the queue empty).
        var writing = false
        var closed = false
        /// Transactions committed so far (for tests of the grouping).
        var batches = 0
    }

    /// `WriteState` behind a lock (an `NSLock`: `Mutex` needs macOS 15).
    private final class Locked: @unchecked Sendable {
        private let lock = NSLock()
        private var value = WriteState()

        func withLock<Result>(_ body: (inout WriteState) -> Result) -> Result {
            lock.lock()
            defer { lock.unlock() }
            return body(&value)
        }
    }

    /// Opens (creating if missing) the log at `path`: WAL mode, the durability's `synchronous`, and the
    /// tables created by the migrations when missing. Throws `InteractionLogError` naming the path when
    /// the file cannot be opened as SQLite, or naming the table or column when the database has
    /// another schema.
    public init(path: String, durability: LogDurability = .processCrash) throws {
        self.path = path
        self.durability = durability
        var configuration = Configuration()
        // WAL: readers (`read(path:)`, a notebook) never block the writer. GRDB's WAL set-up also sets
        // synchronous=NORMAL; `.powerLoss` raises it to FULL below.
        configuration.journalMode = .wal
        configuration.label = "RecoServing.InteractionLog"
        configuration.busyMode = .timeout(5)
        let database: DatabaseQueue
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw InteractionLogError.cannotOpen(path: path, reason: InteractionLogSchema.reason(error))
        }
        do {
            try database.writeWithoutTransaction { db in
                try db.execute(sql: durability == .powerLoss ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
                try InteractionLogSchema.validate(db, path: path, requireTables: false)
            }
            try InteractionLogSchema.migrator.migrate(database)
            try database.read { try InteractionLogSchema.validate($0, path: path, requireTables: true) }
        } catch let error as InteractionLogError {
            try? database.close()
            throw error
        } catch {
            try? database.close()
            throw InteractionLogError.cannotOpen(path: path, reason: InteractionLogSchema.reason(error))
        }
        self.database = database
    }

    /// Logs `record` and returns once it is committed. Throws `InteractionLogError.writeFailed` when its
    /// batch (or the record itself) could not be committed, and `.closed` after `close()`.
    public func append(_ record: DecisionRecord) async throws {
        try await submit(.decision(record))
    }

    /// Logs `record` and returns once it is committed (as `append(_: DecisionRecord)`); its decision
    /// must be in the log already.
    public func append(_ record: RewardRecord) async throws {
        try await submit(.reward(record))
    }

    /// Queues `record` without waiting (for the expiry sweeper, which holds a lock and must not wait):
    /// it is committed with the next batch, and dropped silently if the log is closed or the write fails.
    public func enqueue(_ record: RewardRecord) {
        if push(Queued(record: .reward(record), waiter: nil)) == true { writer.async { self.drain() } }
    }

    /// Commits everything queued, then closes the database. Appends after it throw `.closed`;
    /// `enqueue` after it drops the record. Closing twice is harmless.
    public func close() async {
        let wasOpen = state.withLock { state in
            defer { state.closed = true }
            return !state.closed
        }
        // A drain already scheduled runs before this block on the serial queue, and no new one can be
        // scheduled once `closed` is set: when it runs, everything queued is committed.
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            writer.async {
                if wasOpen { try? self.database.close() }
                done.resume()
            }
        }
    }

    /// The prefix of a log location on the command line: `sqlite:PATH`.
    public static let locationPrefix = "sqlite:"

    /// The database path of a log location `sqlite:PATH` (how `--log` names a log), or nil when
    /// `location` does not start with `sqlite:` or names no path.
    public static func path(ofLocation location: String) -> String? {
        guard location.hasPrefix(locationPrefix) else { return nil }
        let path = String(location.dropFirst(locationPrefix.count))
        return path.trimmingCharacters(in: .whitespaces).isEmpty ? nil : path
    }

    /// Number of transactions the writer has run so far (each carrying one batch), for tests.
    var batchesCommitted: Int { state.withLock { $0.batches } }

    /// The SQLite `synchronous` setting of the writer's connection (1 NORMAL, 2 FULL), for tests.
    func synchronousSetting() throws -> Int {
        try database.read { try Int.fetchOne($0, sql: "PRAGMA synchronous") ?? -1 }
    }

    private func submit(_ record: Queued.Record) async throws {
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, Error>) in
            switch push(Queued(record: record, waiter: waiter)) {
            case nil: waiter.resume(throwing: InteractionLogError.closed(path: path))
            case true?: writer.async { self.drain() }
            case false?: break
            }
        }
    }

    /// Queues `item`: nil when the log is closed, else whether the caller must schedule a drain.
    private func push(_ item: Queued) -> Bool? {
        state.withLock { state in
            guard !state.closed else { return nil }
            state.queue.append(item)
            defer { state.writing = true }
            return !state.writing
        }
    }

    /// The writer: commits batches until the queue is empty.
    private func drain() {
        while true {
            let batch: [Queued] = state.withLock { state in
                var batch: [Queued] = []
                swap(&batch, &state.queue)
                if batch.isEmpty { state.writing = false }
                return batch
            }
            if batch.isEmpty { return }
            let failures = commit(batch)
            state.withLock { $0.batches += 1 }
            for (item, failure) in zip(batch, failures) {
                guard let waiter = item.waiter else { continue }
                if let failure { waiter.resume(throwing: failure) } else { waiter.resume() }
            }
        }
    }

    /// Inserts `batch` in one transaction; the error of each record that failed (every record when
    /// the transaction did).
    private func commit(_ batch: [Queued]) -> [InteractionLogError?] {
        do {
            return try database.write { db in
                let decisions = try db.cachedStatement(sql: """
                    INSERT OR IGNORE INTO decisions(event_id, time, user, policy, version, features, "action", propensity, slate)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                let rewards = try db.cachedStatement(sql: """
                    INSERT OR IGNORE INTO rewards(event_id, reward, outcome, time) VALUES (?, ?, ?, ?)
                    """)
                var failures = [InteractionLogError?](repeating: nil, count: batch.count)
                for (i, item) in batch.enumerated() {
                    do {
                        switch item.record {
                        case let .decision(record):
                            try decisions.execute(arguments: [
                                record.eventId, record.time.timeIntervalSince1970, record.user, record.policy,
                                record.version, FeatureBlob.encode(record.features), record.action, Double(record.propensity),
                                record.slate.map { $0.map(String.init).joined(separator: ",") },
                            ])
                        case let .reward(record):
                            try rewards.execute(arguments: [record.eventId, record.reward, record.outcome,
                                                            record.time.timeIntervalSince1970])
                        }
                    } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY {
                        // A constraint error aborts the statement only: the rest of the batch commits.
                        let id: String
                        if case let .reward(record) = item.record { id = record.eventId } else { id = "" }
                        failures[i] = .writeFailed(path: path, reason: "reward for event \(id) without its decision in table decisions")
                    } catch {
                        throw error
                    }
                }
                return failures
            }
        } catch {
            let failure = InteractionLogError.writeFailed(path: path, reason: InteractionLogSchema.reason(error))
            return [InteractionLogError?](repeating: failure, count: batch.count)
        }
    }
}
