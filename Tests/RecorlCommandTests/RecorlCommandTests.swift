import Foundation
import RecoTestSupport
import Testing

/// Runs the built `recorl` executable on bad input and checks each ends cleanly: within a time bound, with
/// a non-zero exit code and one line naming the problem (issue 9, item 1). Build first with
/// `swift build -c release --build-tests`; `RECORL_BINARY` overrides where the executable is looked for.
@Suite struct RecorlCommandTests {
    struct Outcome {
        let status: Int32
        let output: String
        let error: String
        /// The first line of standard error, where the problem is named.
        var firstErrorLine: String { error.split(separator: "\n").first.map(String.init) ?? "" }
    }

    static var packageRoot: URL { RecorlExecutable.packageRoot }
    static var binary: URL? { RecorlExecutable.url }

    /// Runs `recorl arguments` with `environment` added, killing it after `seconds`.
    func run(_ arguments: [String], environment: [String: String] = [:], seconds: Double = 60) throws -> Outcome {
        let binary = try #require(Self.binary, "recorl is not built; run swift build -c release --build-tests first")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = FileManager.default.temporaryDirectory
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Drain the pipes while waiting, so a chatty process cannot block on a full pipe.
        nonisolated(unsafe) var outData = Data(), errData = Data()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { outData = output.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData = error.fileHandleForReading.readDataToEndOfFile() }
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            usleep(200_000)
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            Issue.record("recorl \(arguments.joined(separator: " ")) did not exit within \(seconds) s")
        }
        process.waitUntilExit()
        _ = group.wait(timeout: .now() + 5)
        return Outcome(status: process.terminationStatus, output: String(decoding: outData, as: UTF8.self),
                       error: String(decoding: errData, as: UTF8.self))
    }

    /// Expects a clean failure: exit code 1...127 (not a signal; 128+ would be a trap seen by a shell),
    /// terminated normally, and a first error line containing every one of `words`.
    func expectCleanFailure(_ arguments: [String], environment: [String: String] = [:], naming words: [String],
                            sourceLocation: SourceLocation = #_sourceLocation) throws {
        let outcome = try run(arguments, environment: environment)
        let command = "recorl " + arguments.joined(separator: " ")
        #expect(outcome.status != 0 && outcome.status < 128, "\(command): status \(outcome.status)", sourceLocation: sourceLocation)
        for word in words {
            #expect(outcome.firstErrorLine.contains(word), "\(command): \(outcome.firstErrorLine)", sourceLocation: sourceLocation)
        }
        #expect(outcome.error.split(separator: "\n").count == 1, "\(command): \(outcome.error)", sourceLocation: sourceLocation)
        #expect(outcome.firstErrorLine.hasPrefix("Error: "), "\(command): \(outcome.error)", sourceLocation: sourceLocation)
    }

    func temporaryFile(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("recorl-\(UUID().uuidString).json")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("recorl-run-\(UUID().uuidString)").path
    }

    @Test func integerOverflowsAreErrorsOrSaturate() throws {
        // The evaluation schedule saturates: a run with an interval of Int.max evaluates at its end.
        let out = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: out) }
        let run = try self.run(["train", "--steps", "300", "--eval-interval", "9223372036854775807", "--eval-episodes", "10",
                                "--threads", "1", "--out", out])
        #expect(run.status == 0, "\(run.error)")
        try expectCleanFailure(["train", "--algo", "ppo", "--steps", "9223372036854775807"],
                               naming: ["--steps", "9223372036854775807", "expected"])
        try expectCleanFailure(["demo", "--threads", "3000000000"], naming: ["--threads", "3000000000", "expected"])
    }

    @Test func sizesAreBoundedBeforeAllocation() throws {
        try expectCleanFailure(["train", "--envs", "100000000"], naming: ["--envs", "100000000", "expected"])
        try expectCleanFailure(["compare", "--envs", "100000000"], naming: ["--envs", "100000000", "expected"])
        try expectCleanFailure(["train", "--n-steps", "100000000"], naming: ["--n-steps", "100000000", "expected"])
        try expectCleanFailure(["demo", "--batch", "100000000"], naming: ["--batch", "100000000", "expected"])
        try expectCleanFailure(["train", "--eval-episodes", "100000000000"], naming: ["--eval-episodes", "expected"])
        let cases: [(String, String, [String])] = [
            ("dqn", #"{"hiddenLayers": [100000000]}"#, ["hiddenLayers", "100000000", "expected"]),
            ("dqn", #"{"hiddenLayers": [65536, 65536]}"#, ["hiddenLayers", "GiB", "expected"]),
            ("dqn", #"{"batchSize": 100000000}"#, ["batchSize", "100000000", "expected"]),
            ("dqn", #"{"prioritized": true, "priorityExponent": 1e38}"#, ["priorityExponent", "expected"]),
            ("ppo", #"{"rolloutSteps": 1000000000}"#, ["rolloutSteps", "1000000000", "expected"]),
            ("a2c", #"{"rolloutSteps": 1000000}"#, ["rolloutSteps", "GiB", "expected"]),
            ("sac", #"{"bufferCapacity": 100000000}"#, ["bufferCapacity", "GiB", "expected"]),
            ("dqn", "{\"hiddenLayers\": [" + Array(repeating: "8", count: 2_000).joined(separator: ",") + "]}",
             ["hiddenLayers", "expected"]),
            ("dqn", "{\"hiddenLayers\": [" + Array(repeating: "8", count: 17).joined(separator: ",") + "]}",
             ["hiddenLayers", "expected", "16"]),
        ]
        for (algorithm, json, words) in cases {
            let path = try temporaryFile(json)
            defer { try? FileManager.default.removeItem(atPath: path) }
            try expectCleanFailure(["train", "--algo", algorithm, "--config", path, "--out", temporaryDirectory()], naming: words)
        }
        // A 50 MB list is refused at once, by its size.
        let path = try temporaryFile("{\"hiddenLayers\": [" + String(repeating: "64,", count: 16_000_000) + "64]}")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let start = Date()
        try expectCleanFailure(["train", "--config", path], naming: ["--config", "bytes", "expected"])
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test func duplicateKeysAreErrors() throws {
        let path = try temporaryFile(#"{"learningRate": 0.001, "gamma": 0.5, "learningRate": 0.1}"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try expectCleanFailure(["train", "--config", path], naming: ["--config", "learningRate", "named twice"])
    }

    @Test func wronglyAcceptedInputsAreRefused() throws {
        try expectCleanFailure(["train", "--out", ""], naming: ["--out", "expected"])
        try expectCleanFailure(["compare", "--out", " "], naming: ["--out", "expected"])
        let user = "recency=0x10,frequency=3,monetary_value=200,engagement_score=0.78,discount_sensitive=1,"
            + "free_shipping_preferred=0,email_opens=0.87,sms_response=0.12,push_response=0.05,last_purchase_days=8"
        try expectCleanFailure(["explain", "--checkpoint", "/nonexistent/checkpoint.safetensors", "--user", user],
                               naming: ["--user", "recency", "0x10"])
        try expectCleanFailure(["demo", "--learning-rate", "1e30", "--steps", "50", "--threads", "1"],
                               naming: ["diverged", "--learning-rate"])
        try expectCleanFailure(["demo", "--steps", "1"], environment: ["RECORL_BLAS_CORETYPE": "BOGUS"],
                               naming: ["RECORL_BLAS_CORETYPE", "BOGUS", "expected", "HASWELL"])
        try expectCleanFailure(["demo", "--steps", "1"], environment: ["RECORL_THREADS": "100000"],
                               naming: ["RECORL_THREADS", "100000", "expected"])
        try expectCleanFailure(["train", "--threads", "100000"], naming: ["--threads", "100000", "expected"])
    }

    @Test func negativeNumbersNameWhatWasTyped() throws {
        try expectCleanFailure(["train", "--steps", "-5"], naming: ["--steps: -5 is not valid; expected a positive integer"])
        let cases: [[String]] = [
            ["train", "--envs", "-2"], ["train", "--eval-interval", "-1"], ["train", "--eval-episodes", "-1"],
            ["train", "--n-steps", "-3"], ["train", "--threads", "-1"], ["train", "--seed", "-1"],
            ["compare", "--seeds", "-1"], ["compare", "--steps", "-1"], ["compare", "--envs", "-1"],
            ["evaluate", "--checkpoint", "x", "--episodes", "-4"],
            ["explain", "--checkpoint", "x", "--user", "recency=1", "--contacts-used", "-1"],
            ["demo", "--steps", "-5"], ["demo", "--batch", "-5"], ["demo", "--learning-rate", "-0.1"],
            ["demo", "--seed", "-7"],
        ]
        for arguments in cases {
            try expectCleanFailure(arguments, naming: [arguments[arguments.count - 2], arguments[arguments.count - 1]])
        }
    }
}
