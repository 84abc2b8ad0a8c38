/// Why the interaction log could not be opened, written or read. Every case names the database file
/// (and the table, column or event at fault), so that the one line a command prints says where to look.
public enum InteractionLogError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file does not exist (reading never creates one).
    case missing(path: String)
    /// SQLite could not open or set up the file (not a database, unreadable, no space, ...).
    case cannotOpen(path: String, reason: String)
    /// The database has another schema: `table` (or its `column`) is missing.
    case schema(path: String, table: String, column: String?, expected: String)
    /// A stored value cannot be read back as a record.
    case invalidValue(path: String, table: String, column: String, eventId: String, value: String, expected: String)
    /// A batch (or one record of it) could not be committed.
    case writeFailed(path: String, reason: String)
    /// The log was closed: no more appends.
    case closed(path: String)

    /// One line naming the file, what is wrong and what was expected.
    public var description: String {
        switch self {
        case let .missing(path):
            return "interaction log \(path): no such file; expected an SQLite log written by recorl serve --log sqlite:PATH"
        case let .cannotOpen(path, reason):
            return "interaction log \(path): cannot be opened (\(reason)); expected an SQLite database"
        case let .schema(path, table, column, expected):
            let at = column.map { "table \(table) has no column \($0)" } ?? "no table \(table)"
            return "interaction log \(path): \(at); expected \(expected)"
        case let .invalidValue(path, table, column, eventId, value, expected):
            return "interaction log \(path): table \(table), column \(column), event \(eventId): \(value) is not valid; expected \(expected)"
        case let .writeFailed(path, reason):
            return "interaction log \(path): write failed (\(reason))"
        case let .closed(path):
            return "interaction log \(path): closed; expected appends before close()"
        }
    }
}
