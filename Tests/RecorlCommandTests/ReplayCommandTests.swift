import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `recorl replay` from the command line: bad flags end cleanly naming the flag; simulated marketing
/// users replayed against a served checkpoint give the table of decisions by policy.
@Suite struct ReplayCommandTests {
    let command = RecorlCommandTests()

    @Test func badFlagsNameTheFlag() throws {
        try command.expectCleanFailure(["replay", "--url", "not a url"], naming: ["--url", "not a url", "expected"])
        try command.expectCleanFailure(["replay", "--url", "ftp://127.0.0.1:21"], naming: ["--url", "ftp://", "expected"])
        try command.expectCleanFailure(["replay", "--url", "http://127.0.0.1:8080", "--users", "0"],
                                       naming: ["--users", "0", "expected"])
        try command.expectCleanFailure(["replay", "--url", "http://127.0.0.1:8080", "--concurrency", "100000"],
                                       naming: ["--concurrency", "100000", "expected"])
        try command.expectCleanFailure(["replay", "--url", "http://127.0.0.1:8080", "--env", "chess"],
                                       naming: ["--env", "chess", "expected"])
        // Nothing listens on a port just freed.
        let port = try Self.freePort()
        try command.expectCleanFailure(["replay", "--url", "http://127.0.0.1:\(port)", "--users", "3"],
                                       naming: ["--url", "127.0.0.1:\(port)", "not reachable", "expected"])
    }

    @Test func replaysUsersAgainstAServedCheckpoint() throws {
        let out = command.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: out) }
        let trained = try command.run(["train", "--steps", "1000", "--eval-episodes", "10", "--threads", "1", "--out", out])
        try #require(trained.status == 0, "\(trained.error)")

        let port = try Self.freePort()
        let server = try Self.serve(checkpoint: out + "/checkpoint.safetensors", port: port)
        defer { Self.stop(server) }
        try #require(Self.waitForHealth(port: port, seconds: 60), "recorl serve did not answer GET /healthz on \(port)")

        let replay = try command.run(["replay", "--url", "http://127.0.0.1:\(port)", "--env", "marketing", "--users", "6",
                                      "--seed", "3", "--concurrency", "2"], seconds: 120)
        #expect(replay.status == 0, "\(replay.error)")
        let lines = Array(replay.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            .dropLast(replay.output.hasSuffix("\n") ? 1 : 0))
        #expect(lines.first == "replayed 6 users of marketing against http://127.0.0.1:\(port) (seed 3, concurrency 2):", "\(replay.output)")
        // Marketing campaigns are at most 10 contacts; an unsubscribe ends one early.
        let decisions = lines.dropFirst().first.flatMap { Int($0.prefix { $0 != " " }) } ?? -1
        #expect((6...60).contains(decisions), "\(replay.output)")
        #expect(lines.contains { $0.contains("6 users to the end") }, "\(replay.output)")
        let header = try #require(lines.firstIndex { $0.hasPrefix("policy ") }, "\(replay.output)")
        #expect(lines[header].contains("policyVersion") && lines[header].contains("mean reward"))
        // Rows until the blank line: the model's version, maybe the fallback's (a decision over budget).
        let rows = lines[(header + 1)...].prefix { !$0.isEmpty }.map { $0.split(separator: " ").map(String.init) }
        #expect(rows.contains { $0.first == "production" && $0[1].hasPrefix("dqn-") }, "\(replay.output)")
        #expect(rows.allSatisfy { ["production", "fallback"].contains($0.first ?? "") && Double($0.last ?? "") != nil }, "\(replay.output)")
        #expect(rows.reduce(0) { $0 + (Int($1[2]) ?? 0) } == decisions, "\(replay.output)")
        #expect(lines.last == "HTTP errors: none", "\(replay.output)")

        // A server of another environment's width: every decision a 422, counted, and the command fails.
        let wrong = try command.run(["replay", "--url", "http://127.0.0.1:\(port)", "--env", "cartpole", "--users", "2"])
        #expect(wrong.status != 0 && wrong.status < 128, "\(wrong.output)")
        let errorRow = wrong.output.split(separator: "\n").first { $0.contains("/v1/recommend") && $0.hasSuffix(" 2") }
        #expect(errorRow?.contains(" 422 ") == true, "\(wrong.output)")
        #expect(wrong.firstErrorLine.contains("--url") && wrong.firstErrorLine.contains("no decision"), "\(wrong.error)")
    }

    /// A loopback port nothing listens on (bound to port 0, read, closed).
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(descriptor, raw, length) == 0 && getsockname(descriptor, raw, &length) == 0
            }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// `recorl serve` of `checkpoint` on loopback `port`, in the background.
    static func serve(checkpoint: String, port: Int) throws -> Process {
        let process = Process()
        process.executableURL = try #require(RecorlCommandTests.binary)
        process.arguments = ["serve", "--checkpoint", checkpoint, "--port", "\(port)", "--fallback", "best-fixed"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Stops `process` with SIGTERM (SIGKILL after 10 s).
    static func stop(_ process: Process) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Whether `GET /healthz` on loopback `port` answers 200 within `seconds`.
    static func waitForHealth(port: Int, seconds: Double) -> Bool {
        let url = URL(string: "http://127.0.0.1:\(port)/healthz")!
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let done = DispatchSemaphore(value: 0)
            nonisolated(unsafe) var status = 0
            URLSession.shared.dataTask(with: url) { _, response, _ in
                status = (response as? HTTPURLResponse)?.statusCode ?? 0
                done.signal()
            }.resume()
            done.wait()
            if status == 200 { return true }
            usleep(100_000)
        }
        return false
    }
}
