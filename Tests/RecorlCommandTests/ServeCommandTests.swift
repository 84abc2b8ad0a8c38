import Foundation
import Testing

/// `recorl serve` from the command line: bad flags end cleanly naming the flag; a served checkpoint
/// shuts down cleanly on SIGTERM.
@Suite struct ServeCommandTests {
    let command = RecorlCommandTests()

    @Test func badFlagsNameTheFlag() throws {
        try command.expectCleanFailure(["serve", "--checkpoint", "/nonexistent/checkpoint.safetensors"],
                                       naming: ["--checkpoint", "/nonexistent", "expected"])
        try command.expectCleanFailure(["serve", "--checkpoint", "c", "--port", "70000"], naming: ["--port", "70000", "expected"])
        try command.expectCleanFailure(["serve", "--checkpoint", "c", "--feedback-window-seconds", "0"],
                                       naming: ["--feedback-window-seconds", "expected"])
        try command.expectCleanFailure(["serve", "--checkpoint", "c", "--latency-budget-ms", "nan"],
                                       naming: ["--latency-budget-ms", "expected"])
        try command.expectCleanFailure(["serve", "--checkpoint", "c", "--fallback", "oracle"],
                                       naming: ["--fallback", "oracle"])
        try command.expectCleanFailure(["serve", "--checkpoint", "c", "--data", "d", "--env-config", "e.json"],
                                       naming: ["--env-config", "e.json", "expected"])
        try command.expectCleanFailure(["serve", "--checkpoint", "c", "--fallback-share", "1"], naming: ["--fallback-share", "1", "expected"])
        try command.expectCleanFailure(["serve", "--checkpoint", "c", "--rollback-margin", "0.1"],
                                       naming: ["--rollback-margin", "--fallback-share", "expected"])
        try command.expectCleanFailure(["serve", "--checkpoint", "c", "--fallback-share", "0.1", "--rollback-margin", "-1"],
                                       naming: ["--rollback-margin", "-1", "expected"])
        try command.expectCleanFailure(["serve", "--checkpoint", "c", "--rollback-window", "0"], naming: ["--rollback-window", "0"])
        try command.expectCleanFailure(["serve", "--checkpoint", "c", "--publish-every", "0"], naming: ["--publish-every", "0"])
    }

    @Test func servesUntilSIGTERM() throws {
        let out = command.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: out) }
        let trained = try command.run(["train", "--steps", "1000", "--eval-episodes", "10", "--threads", "1", "--out", out])
        try #require(trained.status == 0, "\(trained.error)")

        let process = Process()
        process.executableURL = try #require(RecorlCommandTests.binary)
        process.arguments = ["serve", "--checkpoint", out + "/checkpoint.safetensors", "--port", "0", "--fallback", "random"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line says what is served; then the server runs until it is told to stop.
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        #expect(line.hasPrefix("serving dqn-"), "\(line)")
        #expect(line.contains("fallback uniform-random"), "\(line)")
        usleep(500_000)
        #expect(process.isRunning)
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0, "status \(process.terminationStatus)")
    }
}
