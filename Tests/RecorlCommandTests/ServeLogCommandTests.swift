import Foundation
import Testing

/// The interaction log's flags (`serve --log`, `ope --log sqlite:`, `log --from`) on bad values: one
/// line naming the flag and the value. The served log end to end is in RecoServingTests
/// (`ServeLogProcessTests`).
@Suite struct ServeLogCommandTests {
    let command = RecorlCommandTests()

    @Test func badLogValuesNameTheFlag() throws {
        try command.expectCleanFailure(["serve", "--checkpoint", "c", "--log", "served.db"],
                                       naming: ["--log", "served.db", "expected sqlite:PATH"])
        try command.expectCleanFailure(["serve", "--checkpoint", "c", "--log", "sqlite:"], naming: ["--log", "expected sqlite:PATH"])
        try command.expectCleanFailure(["serve", "--checkpoint", "c", "--log", "sqlite:x.db", "--log-durability", "disk"],
                                       naming: ["--log-durability", "disk"])
        try command.expectCleanFailure(["ope", "--log", "sqlite:/nonexistent/served.sqlite", "--checkpoint", "c"],
                                       naming: ["--log", "/nonexistent/served.sqlite", "expected"])
        try command.expectCleanFailure(["ope", "--log", "sqlite:", "--checkpoint", "c"], naming: ["--log", "expected sqlite:PATH"])
        try command.expectCleanFailure(["ope", "--log", "sqlite:x.db", "--agent", "random"], naming: ["--log", "--checkpoint"])
        try command.expectCleanFailure(["log", "--from", "served.db", "--out", "x.csv"], naming: ["--from", "served.db", "expected sqlite:PATH"])
        try command.expectCleanFailure(["log", "--from", "sqlite:/nonexistent/served.sqlite", "--out", "x.csv"],
                                       naming: ["--from", "/nonexistent/served.sqlite", "expected"])
    }
}
