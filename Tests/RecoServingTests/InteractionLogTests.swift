import Foundation
import GRDB
@testable import RecoServing
import Testing

/// A decision of event `id` at second `second` (exact in a Double, so times read back equal).
func decisionRecord(_ id: String, second: Double = 1_700_000_000, user: String? = "u1", features: [Float] = [0.5, -1.25, 3],
                    action: Int = 1, propensity: Float = 0.25) -> DecisionRecord {
    DecisionRecord(eventId: id, time: Date(timeIntervalSince1970: second), user: user, policy: "production", version: "test-1",
                   features: features, action: action, propensity: propensity)
}

/// A path for a new log in a fresh temporary directory.
func temporaryLogPath() throws -> String {
    try Recorl.temporaryDirectory() + "/log.sqlite"
}

@Suite("InteractionLog")
struct InteractionLogTests {
    @Test("appended decisions and rewards read back equal, in time order, with their rewards")
    func roundTrip() async throws {
        let path = try temporaryLogPath()
        let log = try InteractionLog(path: path)
        let late = decisionRecord("b", second: 1_700_000_010.5, user: nil, features: [.greatestFiniteMagnitude, -0.0, 1e-30],
                                  action: 0, propensity: 1)
        let early = decisionRecord("a", second: 1_700_000_000.25)
        try await log.append(late)
        try await log.append(early)
        let reward = RewardRecord(eventId: "a", reward: 0.75, outcome: "joined", time: Date(timeIntervalSince1970: 1_700_000_001))
        try await log.append(reward)
        await log.close()

        let read = try InteractionLog.read(path: path)
        #expect(read == [LoggedServingInteraction(decision: early, reward: reward), LoggedServingInteraction(decision: late, reward: nil)])
        // The features BLOB is little-endian Float32: 1.0 is 00 00 80 3f.
        #expect([UInt8](FeatureBlob.encode([1, -2])) == [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0])
        #expect(FeatureBlob.decode(Data([0, 0, 0x80])) == nil)
    }

    @Test("a repeated event id is ignored, not an error: the first record stays")
    func idempotent() async throws {
        let path = try temporaryLogPath()
        let log = try InteractionLog(path: path)
        try await log.append(decisionRecord("a", action: 1))
        try await log.append(decisionRecord("a", action: 2))
        try await log.append(RewardRecord(eventId: "a", reward: 1, outcome: "joined", time: Date(timeIntervalSince1970: 5)))
        try await log.append(RewardRecord(eventId: "a", reward: 0, outcome: "expired", time: Date(timeIntervalSince1970: 6)))
        await log.close()
        let read = try InteractionLog.read(path: path)
        #expect(read.count == 1)
        #expect(read.first?.decision.action == 1)
        #expect(read.first?.reward?.outcome == "joined")
        // Reopening an existing log keeps it (the migrations ran once).
        let again = try InteractionLog(path: path)
        await again.close()
        #expect(try InteractionLog.read(path: path).count == 1)
    }

    @Test("a reward without its decision fails alone; the rest of its batch commits")
    func orphanReward() async throws {
        let path = try temporaryLogPath()
        let log = try InteractionLog(path: path)
        try await log.append(decisionRecord("a"))
        let orphan = await #expect(throws: InteractionLogError.self) {
            try await log.append(RewardRecord(eventId: "nope", reward: 1, outcome: "joined", time: Date()))
        }
        let text = orphan.map { "\($0)" } ?? ""
        #expect(text.contains("nope") && text.contains(path), "\(text)")
        try await log.append(RewardRecord(eventId: "a", reward: 1, outcome: "joined", time: Date()))
        await log.close()
        #expect(try InteractionLog.read(path: path).first?.reward?.reward == 1)
    }

    @Test("a database of another schema, another kind of file or no file is an error naming it")
    func wrongSchema() async throws {
        let path = try temporaryLogPath()
        let other = try DatabaseQueue(path: path)
        try await other.write { db in
            try db.execute(sql: "CREATE TABLE decisions(event_id TEXT PRIMARY KEY, time REAL, policy TEXT)")
        }
        try other.close()
        #expect(throws: InteractionLogError.schema(path: path, table: "decisions", column: "user",
                                                   expected: "the columns event_id, time, user, policy, version, features, action, propensity, slate")) {
            try InteractionLog(path: path)
        }
        do {
            _ = try InteractionLog.read(path: path)
            Issue.record("read a log of another schema")
        } catch let error as InteractionLogError {
            let text = "\(error)"
            #expect(text.contains(path) && text.contains("decisions") && text.contains("user"), "\(text)")
        }

        // Tables present, one missing: the reader names it (and never creates it).
        let partial = try temporaryLogPath()
        let partialQueue = try DatabaseQueue(path: partial)
        try await partialQueue.write { db in
            try db.execute(sql: """
                CREATE TABLE decisions(event_id TEXT PRIMARY KEY, time REAL, user TEXT, policy TEXT, version TEXT,
                                       features BLOB, "action" INTEGER, propensity REAL, slate TEXT)
                """)
        }
        try partialQueue.close()
        #expect(throws: InteractionLogError.schema(path: partial, table: "rewards", column: nil,
                                                   expected: "the table rewards(event_id, reward, outcome, time)")) {
            try InteractionLog.read(path: partial)
        }

        let text = try Recorl.temporaryDirectory() + "/notes.txt"
        try Data(String(repeating: "not a database\n", count: 100).utf8).write(to: URL(fileURLWithPath: text))
        let notSQLite = #expect(throws: InteractionLogError.self) { try InteractionLog(path: text) }
        if case let .cannotOpen(named, _)? = notSQLite { #expect(named == text) } else { Issue.record("\(String(describing: notSQLite))") }
        #expect(throws: InteractionLogError.missing(path: "/nonexistent/log.sqlite")) {
            try InteractionLog.read(path: "/nonexistent/log.sqlite")
        }
        let noDirectory = #expect(throws: InteractionLogError.self) { try InteractionLog(path: "/nonexistent/dir/log.sqlite") }
        #expect(noDirectory.map { "\($0)" }?.contains("/nonexistent/dir/log.sqlite") == true)
    }

    @Test("appends from many tasks at once are all committed, in batches")
    func concurrentAppends() async throws {
        let path = try temporaryLogPath()
        let log = try InteractionLog(path: path)
        let tasks = 16, perTask = 50
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    for i in 0..<perTask {
                        let id = "t\(task)-\(i)"
                        try await log.append(decisionRecord(id, second: Double(1_700_000_000 + i)))
                        if i % 2 == 0 { try await log.append(RewardRecord(eventId: id, reward: 1, outcome: "joined", time: Date())) }
                    }
                }
            }
            try await group.waitForAll()
        }
        // Group commit: while one transaction runs, the others' records queue up for the next.
        let records = tasks * perTask * 3 / 2
        #expect(log.batchesCommitted >= 1 && log.batchesCommitted < records, "\(log.batchesCommitted) transactions for \(records) records")
        await log.close()
        let read = try InteractionLog.read(path: path)
        #expect(read.count == tasks * perTask)
        #expect(Set(read.map(\.decision.eventId)).count == tasks * perTask)
        #expect(read.filter { $0.reward != nil }.count == tasks * perTask / 2)
        #expect(zip(read, read.dropFirst()).allSatisfy { $0.decision.time <= $1.decision.time })
    }

    @Test("close commits every enqueued record; appends after it throw, enqueues are dropped")
    func closeFlushes() async throws {
        let path = try temporaryLogPath()
        let log = try InteractionLog(path: path)
        for i in 0..<200 { try await log.append(decisionRecord("e\(i)")) }
        for i in 0..<200 { log.enqueue(RewardRecord(eventId: "e\(i)", reward: -1, outcome: "expired", time: Date())) }
        await log.close()
        await log.close()
        let read = try InteractionLog.read(path: path)
        #expect(read.count == 200)
        #expect(read.allSatisfy { $0.reward?.outcome == "expired" && $0.reward?.reward == -1 })
        await #expect(throws: InteractionLogError.closed(path: path)) { try await log.append(decisionRecord("late")) }
        log.enqueue(RewardRecord(eventId: "e0", reward: 5, outcome: "joined", time: Date()))
        #expect(try InteractionLog.read(path: path).count == 200)
    }

    @Test("durability: WAL always; synchronous NORMAL for process, FULL for power")
    func durability() async throws {
        for (durability, setting) in [(LogDurability.processCrash, 1), (.powerLoss, 2)] {
            let path = try temporaryLogPath()
            let log = try InteractionLog(path: path, durability: durability)
            #expect(try log.synchronousSetting() == setting)
            await log.close()
            let reader = try DatabaseQueue(path: path)
            #expect(try await reader.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
            try reader.close()
        }
        #expect(InteractionLog.path(ofLocation: "sqlite:/tmp/x.db") == "/tmp/x.db")
        #expect(InteractionLog.path(ofLocation: "/tmp/x.db") == nil)
        #expect(InteractionLog.path(ofLocation: "sqlite:") == nil)
    }
}
