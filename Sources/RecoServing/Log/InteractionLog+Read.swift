import Foundation
import GRDB

extension InteractionLog {
    /// Every decision in the log at `path` with its reward when it has one, in time order (ties in the
    /// order they were written). Reads a log being written too (WAL: a reader sees the last commit) and
    /// one left by a killed server (SQLite recovers the WAL on opening). Never creates or migrates
    /// anything.
    ///
    /// Throws `InteractionLogError`: `.missing` when there is no file, `.cannotOpen` when it is not
    /// SQLite, `.schema` naming the missing table or column, `.invalidValue` naming table, column and
    /// event for a value of the wrong type (such as a features BLOB whose length is not a multiple of 4).
    public static func read(path: String) throws -> [LoggedServingInteraction] {
        guard FileManager.default.fileExists(atPath: path) else { throw InteractionLogError.missing(path: path) }
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.label = "RecoServing.InteractionLog.reader"
        let database: DatabaseQueue
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw InteractionLogError.cannotOpen(path: path, reason: InteractionLogSchema.reason(error))
        }
        defer { try? database.close() }
        do {
            return try database.read { db in
                try InteractionLogSchema.validate(db, path: path, requireTables: true)
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT d.event_id, d.time, d.user, d.policy, d.version, d.features, d."action", d.propensity,
                           r.event_id, r.reward, r.outcome, r.time, d.slate
                    FROM decisions AS d LEFT JOIN rewards AS r ON r.event_id = d.event_id
                    ORDER BY d.time, d.rowid
                    """)
                var interactions: [LoggedServingInteraction] = []
                while let row = try rows.next() {
                    interactions.append(try interaction(row, path: path))
                }
                return interactions
            }
        } catch let error as InteractionLogError {
            throw error
        } catch {
            throw InteractionLogError.cannotOpen(path: path, reason: InteractionLogSchema.reason(error))
        }
    }

    /// One row of the join, every value checked.
    private static func interaction(_ row: Row, path: String) throws -> LoggedServingInteraction {
        var eventId = "(unknown)"
        func value(_ index: Int, _ table: String, _ column: String, expected: String) -> InteractionLogError {
            let stored: DatabaseValue = row[index]
            return .invalidValue(path: path, table: table, column: column, eventId: eventId,
                                 value: stored.isNull ? "NULL" : String(stored.description.prefix(40)), expected: expected)
        }
        func text(_ index: Int, _ table: String, _ column: String) throws -> String {
            guard case let .string(text) = (row[index] as DatabaseValue).storage else {
                throw value(index, table, column, expected: "text")
            }
            return text
        }
        func number(_ index: Int, _ table: String, _ column: String) throws -> Double {
            switch (row[index] as DatabaseValue).storage {
            case let .double(number) where number.isFinite: return number
            case let .int64(number): return Double(number)
            default: throw value(index, table, column, expected: "a finite number")
            }
        }
        eventId = try text(0, "decisions", "event_id")
        let user: String?
        switch (row[2] as DatabaseValue).storage {
        case .null: user = nil
        case let .string(text): user = text
        default: throw value(2, "decisions", "user", expected: "text or NULL")
        }
        guard case let .blob(blob) = (row[5] as DatabaseValue).storage, let features = FeatureBlob.decode(blob) else {
            throw value(5, "decisions", "features", expected: "a BLOB of little-endian Float32 values (a multiple of 4 bytes)")
        }
        guard case let .int64(action) = (row[6] as DatabaseValue).storage, action >= 0, action <= Int64(Int32.max) else {
            throw value(6, "decisions", "action", expected: "a non-negative integer")
        }
        var slate: [Int]?
        switch (row[12] as DatabaseValue).storage {
        case .null: slate = nil
        case let .string(text):
            let items = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
            guard !items.isEmpty, items.allSatisfy({ ($0 ?? -1) >= 0 }), items.first == Int(action) else {
                throw value(12, "decisions", "slate", expected: "item indices separated by commas, the action first")
            }
            slate = items.compactMap { $0 }
        default: throw value(12, "decisions", "slate", expected: "text or NULL")
        }
        let decision = DecisionRecord(
            eventId: eventId, time: Date(timeIntervalSince1970: try number(1, "decisions", "time")), user: user,
            policy: try text(3, "decisions", "policy"), version: try text(4, "decisions", "version"), features: features,
            action: Int(action), propensity: Float(try number(7, "decisions", "propensity")), slate: slate)
        guard !(row[8] as DatabaseValue).isNull else { return LoggedServingInteraction(decision: decision, reward: nil) }
        let reward = RewardRecord(eventId: eventId, reward: try number(9, "rewards", "reward"),
                                  outcome: try text(10, "rewards", "outcome"),
                                  time: Date(timeIntervalSince1970: try number(11, "rewards", "time")))
        return LoggedServingInteraction(decision: decision, reward: reward)
    }
}
