import Foundation
import RecoTestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// The built `recorl` executable run from the serving tests: a quickly trained checkpoint, commands run
/// to completion, and `recorl serve` started on a free loopback port and spoken to over HTTP.
/// Build first with `swift build -c release --build-tests`; `RECORL_BINARY` overrides where it is looked for.
enum Recorl {
    static var binary: URL? { RecorlExecutable.url }

    /// A fresh directory under the temporary directory.
    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("recorl-log-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A DQN checkpoint on the marketing environment, trained once (1,000 steps) for every test that needs one.
    static let checkpoint: Result<String, Error> = Result {
        let out = try temporaryDirectory()
        let trained = try run(["train", "--steps", "1000", "--eval-episodes", "10", "--threads", "1", "--out", out, "--overwrite"])
        guard trained.status == 0 else { throw Failure("recorl train: \(trained.error)") }
        return out + "/checkpoint.safetensors"
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Runs `recorl arguments` to completion (killed after `seconds`): status, standard output and error.
    static func run(_ arguments: [String], seconds: Double = 120) throws -> (status: Int32, output: String, error: String) {
        guard let binary else { throw Failure("recorl is not built; run swift build -c release --build-tests first") }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = FileManager.default.temporaryDirectory
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { outData = output.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData = error.fileHandleForReading.readDataToEndOfFile() }
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        _ = group.wait(timeout: .now() + 5)
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    /// A free TCP port on the loopback interface (bound, read, released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure("socket: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw Failure("bind: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A `recorl serve` process on a loopback port.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    let session: URLSession

    /// Starts `recorl serve --checkpoint checkpoint --port <free> extra...` and waits (at most 30 s) until
    /// `GET /healthz` answers.
    init(checkpoint: String, _ extra: [String]) async throws {
        guard let binary = Recorl.binary else { throw Recorl.Failure("recorl is not built; run swift build -c release --build-tests first") }
        port = try Recorl.freePort()
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 10
        configuration.httpMaximumConnectionsPerHost = 8
        session = URLSession(configuration: configuration)
        process.executableURL = binary
        process.arguments = ["serve", "--checkpoint", checkpoint, "--port", "\(port)", "--fallback", "random"] + extra
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if !process.isRunning { throw Recorl.Failure("recorl serve exited with status \(process.terminationStatus)") }
            if (try? await get("/healthz"))?.status == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        stop(signal: SIGKILL)
        throw Recorl.Failure("recorl serve did not answer /healthz within 30 s")
    }

    /// GET `path`: status and body.
    func get(_ path: String) async throws -> (status: Int, body: [String: Any]) {
        try await send(URLRequest(url: url(path)))
    }

    /// POST of the JSON object `body` to `path`: status and body.
    func post(_ path: String, _ body: [String: Any]) async throws -> (status: Int, body: [String: Any]) {
        var request = URLRequest(url: url(path))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        return try await send(request)
    }

    /// Sends `signal` and waits (at most 15 s, then SIGKILL) for the process to end.
    @discardableResult
    func stop(signal: Int32) -> (reason: Process.TerminationReason, status: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
        let deadline = Date().addingTimeInterval(15)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        session.invalidateAndCancel()
        return (process.terminationReason, process.terminationStatus)
    }

    private func url(_ path: String) -> URL {
        URL(string: "http://127.0.0.1:\(port)\(path)")!
    }

    private func send(_ request: URLRequest) async throws -> (status: Int, body: [String: Any]) {
        let (data, response): (Data, URLResponse) = try await withCheckedThrowingContinuation { continuation in
            session.dataTask(with: request) { data, response, error in
                if let response { continuation.resume(returning: (data ?? Data(), response)) } else {
                    continuation.resume(throwing: error ?? Recorl.Failure("no response"))
                }
            }.resume()
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let body = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return (status, body)
    }
}
