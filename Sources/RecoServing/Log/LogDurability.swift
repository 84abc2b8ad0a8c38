/// How much a commit of the interaction log survives. Both keep SQLite in WAL mode (readers never block
/// the writer); they differ in when the WAL is synced to the disk.
///
/// - `processCrash` (`synchronous=NORMAL`): a commit is in the WAL file, in the operating system's
///   cache, when the append returns, so a `kill -9` of the server loses nothing committed; a power loss
///   or an operating-system crash may lose the last commits (never corrupt the database).
/// - `powerLoss` (`synchronous=FULL`): the WAL is synced at every commit, so a commit also survives a
///   power loss, at the price of one `fsync` per batch.
public enum LogDurability: String, Sendable, CaseIterable {
    /// Committed records survive the process's crash (`synchronous=NORMAL`); the default.
    case processCrash = "process"
    /// Committed records survive a power loss too (`synchronous=FULL`).
    case powerLoss = "power"
}
