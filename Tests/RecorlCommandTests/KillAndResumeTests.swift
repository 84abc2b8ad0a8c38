import Foundation
import Testing

/// A training run killed with SIGKILL mid-run leaves a snapshot from which `recorl train --resume`
/// finishes the run; the result is byte-identical to the run that was never interrupted.
@Suite(.serialized) struct KillAndResumeTests {
    func directory(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("recorl-kill-\(name)-\(UUID().uuidString)")
    }

    func launch(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = try #require(RecorlCommandTests.binary, "recorl is not built; run swift build -c release --build-tests first")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    func finish(_ process: Process, within seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    @Test func aKilledRunResumesToTheSameCheckpoint() throws {
        let whole = directory("whole"), killed = directory("killed")
        defer { for url in [whole, killed] { try? FileManager.default.removeItem(at: url) } }
        let run = ["train", "--env", "cartpole", "--algo", "dqn", "--steps", "30000", "--eval-interval", "3000",
                   "--eval-episodes", "10", "--threads", "1"]

        let uninterrupted = try launch(run + ["--out", whole.path])
        finish(uninterrupted, within: 300)
        #expect(uninterrupted.terminationStatus == 0)

        let victim = try launch(run + ["--out", killed.path])
        // Kill once a snapshot past the first evaluation exists, or give up waiting after a while.
        let state = killed.appendingPathComponent("snapshot/state.plist")
        let deadline = Date().addingTimeInterval(120)
        while victim.isRunning && Date() < deadline {
            if let rows = try? String(contentsOf: killed.appendingPathComponent("metrics.csv"), encoding: .utf8),
               rows.split(separator: "\n").count >= 4, FileManager.default.fileExists(atPath: state.path) { break }
            usleep(20_000)
        }
        let wasRunning = victim.isRunning
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        #expect(wasRunning, "the run ended before it could be killed; the test proves nothing")
        #expect(!FileManager.default.fileExists(atPath: killed.appendingPathComponent("checkpoint.safetensors").path))

        let resumed = try launch(["train", "--resume", killed.path, "--threads", "1"])
        finish(resumed, within: 300)
        #expect(resumed.terminationStatus == 0)
        let expected = try Data(contentsOf: whole.appendingPathComponent("checkpoint.safetensors"))
        let actual = try Data(contentsOf: killed.appendingPathComponent("checkpoint.safetensors"))
        #expect(actual == expected, "the resumed run's checkpoint differs from the uninterrupted run's")
        for name in ["episodes.csv", "evaluations.csv"] {
            let uninterruptedRows = try Data(contentsOf: whole.appendingPathComponent(name))
            #expect(try Data(contentsOf: killed.appendingPathComponent(name)) == uninterruptedRows,
                    "the resumed run's \(name) differs from the uninterrupted run's")
        }
    }
}
