import Foundation
import GRDB

/// The interaction log's tables, the migrations that create them, and the check that a database has
/// them:
///
/// ```sql
/// decisions(event_id TEXT PRIMARY KEY, time REAL, user TEXT, policy TEXT, version TEXT,
///           features BLOB, action INTEGER, propensity REAL, slate TEXT)
/// rewards(event_id TEXT PRIMARY KEY REFERENCES decisions, reward REAL, outcome TEXT, time REAL)
/// ```
///
/// Times are seconds since 1970; `features` is a `FeatureBlob` (little-endian Float32); `slate` is the
/// recommended list when the request asked for one (item indices separated by commas, `action` first),
/// NULL for a single action.
enum InteractionLogSchema {
    /// Every table with the columns the log writes and reads, in order.
    static let tables: [(name: String, columns: [String])] = [
        ("decisions", ["event_id", "time", "user", "policy", "version", "features", "action", "propensity", "slate"]),
        ("rewards", ["event_id", "reward", "outcome", "time"]),
    ]

    /// The migrations, applied in order by `DatabaseMigrator` (GRDB records the applied ones in
    /// `grdb_migrations`). Tables are created only when missing, so a log written before the migrator
    /// tracked it is adopted, not recreated.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 decisions and rewards") { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS decisions(
                    event_id TEXT PRIMARY KEY, time REAL, user TEXT, policy TEXT, version TEXT,
                    features BLOB, "action" INTEGER, propensity REAL, slate TEXT);
                CREATE TABLE IF NOT EXISTS rewards(
                    event_id TEXT PRIMARY KEY REFERENCES decisions, reward REAL, outcome TEXT, time REAL);
                CREATE INDEX IF NOT EXISTS decisions_by_time ON decisions(time);
                """)
        }
        return migrator
    }

    /// Throws `InteractionLogError.schema` naming the first missing column of a table the log uses, or
    /// the first missing table when `requireTables` (a table that is absent is otherwise left for the
    /// migrations to create).
    static func validate(_ db: Database, path: String, requireTables: Bool) throws {
        for table in tables {
            guard try db.tableExists(table.name) else {
                if requireTables {
                    throw InteractionLogError.schema(path: path, table: table.name, column: nil,
                                                     expected: "the table \(table.name)(\(table.columns.joined(separator: ", ")))")
                }
                continue
            }
            let present = Set(try db.columns(in: table.name).map { $0.name.lowercased() })
            if let missing = table.columns.first(where: { !present.contains($0) }) {
                throw InteractionLogError.schema(path: path, table: table.name, column: missing,
                                                 expected: "the columns \(table.columns.joined(separator: ", "))")
            }
        }
    }

    /// `error` as one line for an error message.
    static func reason(_ error: Error) -> String {
        let text: String
        if let error = error as? DatabaseError {
            text = "SQLite error \(error.resultCode.rawValue): \(error.message ?? "\(error.resultCode)")"
        } else {
            text = "\(error)"
        }
        return text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
