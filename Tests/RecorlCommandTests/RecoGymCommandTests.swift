import Foundation
import Testing

/// `recorl log`, `ope` and `ab` end to end, and their bad input: each a one-line error naming it.
@Suite struct RecoGymCommandTests {
    let commands = RecorlCommandTests()

    func file(_ text: String, suffix: String = "csv") throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("recorl-\(UUID().uuidString).\(suffix)")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func logThenEstimate() throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("recorl-log-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let written = try commands.run(["log", "--users", "300", "--out", log])
        #expect(written.status == 0, "\(written.error)")
        #expect(written.output.contains("300 users"))
        let header = try String(contentsOfFile: log, encoding: .utf8).prefix(20)
        #expect(header.hasPrefix("t,u,z,v,a,c,ps,ps-a\n"))
        let estimated = try commands.run(["ope", "--log", log, "--agent", "bandit-count", "--resamples", "50"])
        #expect(estimated.status == 0, "\(estimated.error)")
        for estimator in ["ips", "clipped-ips", "snips", "dr"] { #expect(estimated.output.contains(estimator)) }
    }

    @Test func abPrintsTheTableAndWritesItsFiles() throws {
        let out = commands.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: out) }
        let run = try commands.run(["ab", "--train-users", "100", "--test-users", "100", "--agents", "random,organic-count",
                                    "--threads", "1", "--out", out])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.contains("organic-count") && run.output.contains("95% interval"))
        #expect(run.error.contains("tested 100/100 users"))
        for name in ["ab.csv", "ab.json"] { #expect(FileManager.default.fileExists(atPath: out + "/" + name)) }
    }

    /// A fitted batch baseline's run cannot grow: its log is gone, and a refit on the new part alone
    /// would silently forget the first.
    @Test func aFittedBaselineRunIsNotExtended() throws {
        let out = commands.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: out) }
        let run = try commands.run(["train", "--env", "recogym", "--algo", "bandit-count", "--steps", "3000",
                                    "--eval-episodes", "10", "--threads", "1", "--out", out])
        #expect(run.status == 0, "\(run.error)")
        let same = try commands.run(["train", "--resume", out, "--eval-episodes", "10", "--threads", "1"])
        #expect(same.status == 0, "\(same.error)")
        try commands.expectCleanFailure(["train", "--resume", out, "--steps", "6000", "--threads", "1"],
                                        naming: ["steps", "6000", "bandit-count fits its whole log"])
    }

    @Test func badInputIsOneLineNamingIt() throws {
        try commands.expectCleanFailure(["ab", "--agents", "random,nope"], naming: ["--agents", "nope", "expected"])
        try commands.expectCleanFailure(["ab", "--products", "1"], naming: ["--products", "1", "expected"])
        try commands.expectCleanFailure(["ab", "--env", "marketing"], naming: ["--env", "marketing", "recogym"])
        try commands.expectCleanFailure(["log", "--products", "1", "--out", "/tmp/x.csv"], naming: ["--products", "1"])
        try commands.expectCleanFailure(["log", "--agent", "likelihood", "--users", "2", "--out", "/tmp/x.csv"],
                                        naming: ["--agent", "likelihood", "trained"])
        let notALog = try file("user,item,rating\n1,2,5\n")
        let badPropensity = try file("t,u,z,v,a,c,ps,ps-a\n0,0,organic,1,,,,\n1,0,bandit,,2,0,1.5,\n")
        let tooFewProducts = try file("t,u,z,v,a,c,ps,ps-a\n0,0,organic,0,,,,\n1,0,bandit,,0,0,1,\n")
        defer { for path in [notALog, badPropensity, tooFewProducts] { try? FileManager.default.removeItem(atPath: path) } }
        try commands.expectCleanFailure(["ope", "--log", notALog, "--agent", "random"], naming: ["--log", "not a RecoGym log", "header"])
        try commands.expectCleanFailure(["ope", "--log", badPropensity, "--agent", "random"], naming: ["line 3", "ps", "1.5", "(0, 1]"])
        try commands.expectCleanFailure(["ope", "--log", tooFewProducts, "--agent", "random"], naming: ["--products", "1", "expected 2 to"])
        try commands.expectCleanFailure(["ope", "--log", "/nonexistent.csv", "--agent", "random"], naming: ["--log", "does not exist"])
        try commands.expectCleanFailure(["ope", "--log", badPropensity, "--agent", "random"], naming: ["line 3"])
        try commands.expectCleanFailure(["ope", "--log", tooFewProducts, "--products", "4", "--agent", "nope"],
                                        naming: ["--agent", "nope", "expected"])
        try commands.expectCleanFailure(["ope", "--log", tooFewProducts, "--products", "4", "--agent", "dqn"],
                                        naming: ["--agent", "dqn", "--checkpoint"])
    }
}
