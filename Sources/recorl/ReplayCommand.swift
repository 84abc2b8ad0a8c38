import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import RecoEnvironments
import RecoExperiments
import RecoTensor

/// `recorl replay`: simulated users of an environment against a running `recorl serve`. Each user is
/// one episode of a fixed set (episode `u` of `--seed`: the same user whatever the concurrency); at each
/// step the observation is POSTed to `/v1/recommend` (with the user's id), the environment steps with
/// the returned action and the reward is POSTed to `/v1/feedback`. The table at the end counts the
/// decisions and their mean reward by the policy and version that answered, and the HTTP errors by
/// endpoint and status.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay simulated users against a running `recorl serve`: recommend, step, feedback; then online rewards by policy.")

    @Option(help: "Base URL of a running `recorl serve` (http://HOST:PORT).") var url: String
    @Option(help: "Environment whose users are simulated (marketing, cartpole, recogym, reviews with --data).") var env: String = "marketing"
    @OptionGroup var environmentData: EnvironmentDataOptions
    @Option(parsing: .unconditional, help: "Simulated users (episodes 0..<users of the set --seed).") var users: Int = 100
    @Option(parsing: .unconditional, help: "Seed of the set of users.") var seed: UInt64 = 0
    @Option(parsing: .unconditional, help: "Users replayed at once (each its own connection).") var concurrency: Int = 4
    @Option(parsing: .unconditional, help: "Seconds to wait for each response.") var timeoutSeconds: Double = 10

    /// The most users in one replay.
    static let maximumUsers = 10_000_000
    /// The most users at once.
    static let maximumConcurrency = 256
    /// The most steps one user is followed for (an episode still running then is cut short).
    static let maximumStepsPerUser = 100_000

    mutating func validate() throws {
        _ = try Self.baseURL(url)
        try Bounds.requirePositive(users, atMost: Self.maximumUsers, flag: "--users")
        try Bounds.requirePositive(concurrency, atMost: Self.maximumConcurrency, flag: "--concurrency")
        guard timeoutSeconds.isFinite, timeoutSeconds > 0, timeoutSeconds <= 600 else {
            throw ValidationError("--timeout-seconds: \(timeoutSeconds) is not valid; expected seconds in (0, 600]")
        }
        if environmentData.envConfig != nil || environmentData.data != nil, env != "reviews" {
            throw ValidationError("--data: only with --env reviews; expected no --data for --env \(env)")
        }
    }

    /// `text` as the base URL of a server: http or https, with a host; errors name `--url`.
    static func baseURL(_ text: String) throws -> URL {
        let expected = "expected the http://HOST:PORT of a running `recorl serve`"
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty, url.query == nil, url.fragment == nil else {
            throw ValidationError("--url: \"\(text)\" is not valid; \(expected)")
        }
        if let port = url.port, !(1...65_535).contains(port) {
            throw ValidationError("--url: \"\(text)\" is not valid (port \(port)); \(expected)")
        }
        return url
    }

    func run() throws {
        let base = try Self.baseURL(url)
        let environment = try Experiment().catalog.entry(named: env, data: environmentData.read())
        let probe = environment.makeEvaluation(copies: 1)
        guard probe.actionSpace.width == 1, probe.actionSpace.choices != nil, probe is EpisodeIndexedEnvironment else {
            throw ValidationError("--env: \(environment.name) is not valid; expected an environment of discrete actions and numbered episodes")
        }
        let replay = Replay(base: base, environment: environment, users: users, seed: seed, concurrency: concurrency,
                            timeout: timeoutSeconds, maximumSteps: Self.maximumStepsPerUser)
        let outcome = try Self.block { try await replay.run() }
        print(outcome.table(url: url, environment: environment.name, seed: seed, concurrency: concurrency))
        if outcome.decisions == 0 {
            throw ExperimentError("--url: \(url) answered no decision (\(outcome.errorCount) errors, see the table above); expected a `recorl serve` of a \(environment.name) policy")
        }
    }

    /// Runs `body` on the concurrency pool and waits for it (the commands are synchronous).
    private static func block<Value>(_ body: @escaping @Sendable () async throws -> Value) throws -> Value {
        let box = ResultBox<Value>()
        let finished = DispatchSemaphore(value: 0)
        Task {
            do {
                box.result = .success(try await body())
            } catch {
                box.result = .failure(error)
            }
            finished.signal()
        }
        finished.wait()
        return try box.result!.get()
    }

    /// The result, written before the semaphore is signalled and read after.
    private final class ResultBox<Value>: @unchecked Sendable {
        var result: Result<Value, Error>?
    }
}

/// One replay: workers, each with its own copy of the environment, take the next user until all are done.
struct Replay: @unchecked Sendable {
    let base: URL
    let environment: EnvironmentEntry
    let users: Int
    let seed: UInt64
    let concurrency: Int
    let timeout: Double
    let maximumSteps: Int

    /// What the replay saw.
    struct Outcome {
        /// Decisions and summed rewards by (policy, policyVersion).
        var tallies: [Key: (decisions: Int, reward: Double)] = [:]
        /// HTTP errors by (endpoint, status); a status of `no response` for a request that got none.
        var errors: [ErrorKey: Int] = [:]
        /// Users followed to the end of their episode, and the sum of their returns.
        var finishedUsers = 0
        var returns = 0.0
        /// Users given up on (a decision that failed, or an episode longer than the step limit).
        var abandonedUsers = 0
        var seconds = 0.0

        struct Key: Hashable { var policy: String; var version: String }
        struct ErrorKey: Hashable { var endpoint: String; var status: String }

        var decisions: Int { tallies.values.reduce(0) { $0 + $1.decisions } }
        var errorCount: Int { errors.values.reduce(0, +) }

        mutating func merge(_ other: Outcome) {
            for (key, value) in other.tallies {
                let old = tallies[key] ?? (0, 0)
                tallies[key] = (old.decisions + value.decisions, old.reward + value.reward)
            }
            errors.merge(other.errors, uniquingKeysWith: +)
            finishedUsers += other.finishedUsers
            returns += other.returns
            abandonedUsers += other.abandonedUsers
        }

        /// The summary and the two tables.
        func table(url: String, environment: String, seed: UInt64, concurrency: Int) -> String {
            let total = decisions
            let rate = seconds > 0 ? Double(total) / seconds : 0
            var lines = [
                "replayed \(finishedUsers + abandonedUsers) users of \(environment) against \(url) (seed \(seed), concurrency \(concurrency)):",
                "\(total) decisions in \(String(format: "%.1f", seconds)) s (\(String(format: "%.0f", rate))/s); \(finishedUsers) users to the end"
                    + (finishedUsers > 0 ? ", mean return \(String(format: "%.3f", returns / Double(finishedUsers)))" : "")
                    + (abandonedUsers > 0 ? "; \(abandonedUsers) users abandoned (a failed decision, or the step limit)" : ""),
                "",
            ]
            let order = ["production": 0, "candidate": 1, "fallback": 2]
            let keys = tallies.keys.sorted { ((order[$0.policy] ?? 3), $0.policy, $0.version) < ((order[$1.policy] ?? 3), $1.policy, $1.version) }
            var rows = [["policy", "policyVersion", "decisions", "share", "mean reward"]]
            for key in keys {
                let tally = tallies[key]!
                rows.append([key.policy, key.version, "\(tally.decisions)",
                             String(format: "%.1f%%", 100 * Double(tally.decisions) / Double(max(total, 1))),
                             String(format: "%.4f", tally.reward / Double(max(tally.decisions, 1)))])
            }
            lines += Self.aligned(rows)
            lines.append("")
            if errors.isEmpty {
                lines.append("HTTP errors: none")
            } else {
                lines.append("HTTP errors:")
                var errorRows = [["endpoint", "status", "count"]]
                for key in errors.keys.sorted(by: { ($0.endpoint, $0.status) < ($1.endpoint, $1.status) }) {
                    errorRows.append([key.endpoint, key.status, "\(errors[key]!)"])
                }
                lines += Self.aligned(errorRows).map { "  " + $0 }
            }
            return lines.joined(separator: "\n")
        }

        /// Rows with the first two columns left-aligned, the others right-aligned.
        private static func aligned(_ rows: [[String]]) -> [String] {
            let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
            return rows.map { row in
                row.enumerated().map { column, cell in
                    let padding = String(repeating: " ", count: widths[column] - cell.count)
                    return column < 2 ? cell + padding : padding + cell
                }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
            }
        }
    }

    /// Checks the server answers `GET /healthz`, then replays every user.
    func run() async throws -> Outcome {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = concurrency
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout * 2
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let client = Client(session: session, base: base)
        do {
            let (status, _) = try await client.send("healthz", body: nil)
            guard status == 200 else {
                throw ExperimentError("--url: \(base.absoluteString) answered GET /healthz with \(status); expected a running `recorl serve`")
            }
        } catch let error as URLError {
            throw ExperimentError("--url: \(base.absoluteString) is not reachable (\(error.localizedDescription)); expected a running `recorl serve`")
        }
        let next = Counter()
        let start = ContinuousClock.now
        var outcome = try await withThrowingTaskGroup(of: Outcome.self) { group in
            for _ in 0..<min(concurrency, users) {
                group.addTask { try await worker(client: client, next: next) }
            }
            var total = Outcome()
            for try await part in group { total.merge(part) }
            return total
        }
        let elapsed = (ContinuousClock.now - start).components
        outcome.seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        return outcome
    }

    /// Replays users from `next` until none are left, on a copy of the environment of its own.
    private func worker(client: Client, next: Counter) async throws -> Outcome {
        var outcome = Outcome()
        let copy = environment.makeEvaluation(copies: 1)
        guard let indexed = copy as? EpisodeIndexedEnvironment else { return outcome }
        let actionCount = copy.actionSpace.choices ?? 0
        copy.reset(seed: seed)
        var action: [Int32] = [0]
        let encoder = JSONEncoder()
        while let user = next.take(below: users) {
            try Task.checkCancellation()
            indexed.startEpisode(user, seed: seed, inCopy: 0)
            var episodeReturn = 0.0, finished = false
            for _ in 0..<maximumSteps {
                let features = copy.observations.rows(0..<1).toArray()
                let request = try encoder.encode(RecommendBody(features: features, user: "user-\(user)"))
                guard let reply = await attempt(client, "v1/recommend", request, into: &outcome) else { break }
                let (status, data) = reply
                guard status == 200 else {
                    outcome.errors[.init(endpoint: "/v1/recommend", status: "\(status)"), default: 0] += 1
                    break
                }
                guard let decision = try? JSONDecoder().decode(RecommendReply.self, from: data),
                      (0..<actionCount).contains(decision.action) else {
                    outcome.errors[.init(endpoint: "/v1/recommend", status: "200 (unreadable decision)"), default: 0] += 1
                    break
                }
                action[0] = Int32(decision.action)
                action.withUnsafeBufferPointer { copy.step($0) }
                let reward = Double(copy.rewards[0])
                let done = copy.terminated[0] || copy.truncated[0]
                let feedback = try encoder.encode(FeedbackBody(eventId: decision.eventId, reward: reward))
                if let reply = await attempt(client, "v1/feedback", feedback, into: &outcome), reply.0 != 200 {
                    outcome.errors[.init(endpoint: "/v1/feedback", status: "\(reply.0)"), default: 0] += 1
                }
                let key = Outcome.Key(policy: decision.policy, version: decision.policyVersion)
                let old = outcome.tallies[key] ?? (0, 0)
                outcome.tallies[key] = (old.decisions + 1, old.reward + reward)
                episodeReturn += reward
                if done {
                    finished = true
                    break
                }
            }
            _ = copy.drainCompletedEpisodes()
            if finished {
                outcome.finishedUsers += 1
                outcome.returns += episodeReturn
            } else {
                outcome.abandonedUsers += 1
            }
        }
        return outcome
    }

    /// Sends `body` to `path`; a request that got no response is counted as an error and is nil.
    private func attempt(_ client: Client, _ path: String, _ body: Data, into outcome: inout Outcome) async -> (Int, Data)? {
        do {
            return try await client.send(path, body: body)
        } catch {
            let reason = (error as? URLError).map { "no response (\($0.code.rawValue))" } ?? "no response"
            outcome.errors[.init(endpoint: "/" + path, status: reason), default: 0] += 1
            return nil
        }
    }

    private struct RecommendBody: Encodable {
        var features: [Float]
        var user: String
    }

    private struct RecommendReply: Decodable {
        var eventId: String
        var action: Int
        var policy: String
        var policyVersion: String
    }

    private struct FeedbackBody: Encodable {
        var eventId: String
        var reward: Double
    }
}

/// POSTs JSON (or GETs) relative to the server's base URL.
private struct Client: @unchecked Sendable {
    let session: URLSession
    let base: URL

    /// The status and body of a POST of `body` (a GET without one) to `path`.
    func send(_ path: String, body: Data?) async throws -> (Int, Data) {
        var request = URLRequest(url: base.appendingPathComponent(path))
        if let body {
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = body
        }
        let (data, response) = try await session.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }
}

/// The next user to replay, shared by the workers.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0

    /// The next index below `limit`, or nil when all are taken.
    func take(below limit: Int) -> Int? {
        lock.withLock {
            guard next < limit else { return nil }
            defer { next += 1 }
            return next
        }
    }
}
