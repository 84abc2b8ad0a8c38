import Foundation
import RecoEnvironments
import RecoEvaluation
import RecoRL
import RecoSimulators
import RecoTensor

/// What an A/B test on `recogym` runs: RecoGym's `test_agent` protocol (MODEL.md section 8) for
/// several agents at once, every one on the same training users and the same held-out test users.
public struct ABTestSettings: Codable, Equatable, Sendable {
    /// Catalogue size `P` (at least 2).
    public var products = 10
    /// Users in the training log (or, for agents trained online, about as many users' worth of steps).
    public var trainUsers = 5_000
    /// Held-out users every agent is tested on.
    public var testUsers = 5_000
    /// Seeds the static world (RecoGym's `random_seed`), the users and every agent.
    public var seed: UInt64 = 42
    /// Registry names of the agents, in table order.
    public var agents: [String] = ["random", "organic-count", "next-view", "likelihood", "nn-ips", "linucb", "thompson", "dqn"]
    /// Environment copies stepped together while logging and testing.
    public var copies = 64
    /// Environment copies the online agents train on.
    public var onlineCopies = 8

    public init() {}

    /// The most users in either phase: 10,000,000.
    public static let maximumUsers = 10_000_000

    /// Throws `ExperimentError` naming the first setting out of range or an unknown agent.
    public func validate(registry: AlgorithmRegistry) throws {
        guard products >= 2, products <= 100_000 else {
            throw ExperimentError("--products: \(products) is not valid; expected 2 to 100,000 products")
        }
        for (flag, users) in [("--train-users", trainUsers), ("--test-users", testUsers)] {
            guard users >= 1, users <= Self.maximumUsers else {
                throw ExperimentError("\(flag): \(users) is not valid; expected 1 to \(Self.maximumUsers) users")
            }
        }
        guard seed <= UInt64(UInt32.max) else {
            throw ExperimentError("--seed: \(seed) is not valid; expected 0 to \(UInt32.max) (RecoGym's random_seed)")
        }
        guard !agents.isEmpty else { throw ExperimentError("--agents: empty; expected at least one agent") }
        for agent in agents where !registry.names.contains(agent) {
            throw ExperimentError("--agents: \"\(agent)\" is not valid; expected a comma-separated list of \(registry.names.joined(separator: ", "))")
        }
        // A uniformly random log holds ~80 impressions per user, each with a 2P-wide context.
        let logBytes = Double(trainUsers) * 80 * (Double(2 * products) * 4 + 96)
        guard logBytes <= 8 * 1_073_741_824 else {
            throw ExperimentError("--train-users: \(trainUsers) users of \(products) products would log about "
                                  + String(format: "%.0f GiB", logBytes / 1_073_741_824) + "; expected a log within 8 GiB (fewer users or products)")
        }
    }
}

/// One agent's line of an A/B test.
public struct ABTestResult: Codable, Equatable, Sendable {
    public var agent: String
    /// How it learned: `log` (fitted to the shared uniformly random log) or `online`.
    public var training: String
    /// Impressions it learned from (logged, or steps taken online) and the users they came from.
    public var trainingImpressions: Int
    public var trainingUsers: Int
    /// Its clicks over impressions on the test users, with RecoGym's Beta interval.
    public var ctr: ClickThroughRate
    public var trainSeconds: Double
    public var testSeconds: Double
}

/// RecoGym's A/B test, batched: a uniformly random log of the training users, every agent trained on
/// it (baselines fitted to it; RL agents and online bandits trained online for as many impressions),
/// then every agent's greedy policy run on the same held-out users (`PolicyEvaluation` over a fixed
/// episode set: user `k` starts from the same draws for every agent). CTR is clicks over real
/// impressions; RecoGym also counts one phantom non-click impression per user (MODEL.md section 8),
/// which lowers its figures by about 1.3 % relative.
public enum ABTest {
    /// The environment of `settings`: RecoGym's defaults with `products` and `seed`, observed as
    /// `viewHistory`.
    public static func environment(_ settings: ABTestSettings) throws -> RecoGymEnvironment {
        var configuration = RecoGymConfiguration()
        configuration.numProducts = settings.products
        configuration.randomSeed = Int(settings.seed)
        return try RecoGymEnvironment(configuration: configuration, observation: .viewHistory)
    }

    /// The shared training log: users `0..<trainUsers` of episode set `seed + 1` under uniformly random
    /// recommendations, with their propensities.
    public static func trainingLog(_ settings: ABTestSettings, environment prototype: RecoGymEnvironment) throws -> [LoggedInteraction] {
        let environment = VectorEnvironment(copies: settings.copies) { _ in prototype }
        var generator = RandomGenerator(seed: settings.seed, stream: 1)
        let logging = try UniformRandomPolicy(observationWidth: environment.observationSpace.width,
                                              actionCount: settings.products)
        return try PolicyLogging.log(logging, on: environment, episodes: settings.trainUsers, seed: settings.seed &+ 1,
                                     generator: &generator)
    }

    /// Runs the test; `progress` hears a line at each phase and every tenth of the test users.
    public static func run(_ settings: ABTestSettings, registry: AlgorithmRegistry = .standard,
                           catalog: EnvironmentCatalog = .standard,
                           progress: (String) -> Void = { _ in }) throws -> [ABTestResult] {
        try settings.validate(registry: registry)
        let prototype = try environment(settings)
        var clock = LapTimer()
        progress("logging \(settings.trainUsers) training users under uniformly random recommendations")
        let log = try trainingLog(settings, environment: prototype)
        let logSeconds = clock.lap()
        progress(String(format: "  %d impressions, %.0f clicks, %.1f s", log.count, log.reduce(0) { $0 + $1.reward }, logSeconds))
        let presets = try? catalog.entry(named: "recogym")
        var results: [ABTestResult] = []
        for (index, name) in settings.agents.enumerated() {
            let entry = try registry.entry(named: name)
            let configuration = presets?.preset(for: entry) ?? entry.defaultConfiguration()
            let online = VectorEnvironment(copies: settings.onlineCopies) { _ in prototype }
            var generator = RandomGenerator(seed: settings.seed, stream: 100 + UInt64(index))
            let agent = try entry.makeAgent(configuration, spaces: EnvironmentSpaces(online), generator: &generator)
            let tag = "[\(index + 1)/\(settings.agents.count)] \(name)"
            _ = clock.lap()
            var training = "log", impressions = log.count, users = settings.trainUsers
            if let learner = agent as? LoggedDataLearner, learner.fitsLoggedData {
                progress("\(tag): fitting the log")
                try learner.fit(log, using: &generator)
            } else {
                progress("\(tag): training online for \(log.count) steps")
                let result = try agent.train(on: online, steps: log.count, seed: settings.seed &+ 3, generator: &generator)
                training = "online"
                impressions = result.step
                users = result.episodes
            }
            let trainSeconds = clock.lap()
            let testEnvironment = VectorEnvironment(copies: settings.copies) { _ in prototype }
            let tenth = max(1, settings.testUsers / 10)
            var testDraws = RandomGenerator(seed: settings.seed, stream: 2)  // the same for every agent
            let outcomes = try PolicyEvaluation.episodeOutcomes(
                testEnvironment, episodes: settings.testUsers, seed: settings.seed &+ 2, policy: agent.greedyPolicy,
                generator: &testDraws) { finished in
                    if finished % tenth == 0 { progress("\(tag): tested \(finished)/\(settings.testUsers) users") }
                }
            let testSeconds = clock.lap()
            let clicks = Int(outcomes.returns.reduce(0, +).rounded())
            let ctr = try ClickThroughRate(clicks: clicks, impressions: outcomes.lengths.reduce(0, +))
            progress(String(format: "\(tag): CTR %@, train %.1f s, test %.1f s", ctr.formatted(), trainSeconds, testSeconds))
            results.append(ABTestResult(agent: name, training: training, trainingImpressions: impressions,
                                        trainingUsers: users, ctr: ctr, trainSeconds: trainSeconds, testSeconds: testSeconds))
        }
        return results
    }

    /// The results as a text table.
    public static func table(_ results: [ABTestResult]) -> String {
        let widths = [14, 8, 9, 9, 12, 28, 8, 8]
        var lines = [Table.row(["agent", "training", "clicks", "impress.", "CTR", "95% interval", "train s", "test s"], widths: widths)]
        for result in results {
            let ctr = result.ctr
            lines.append(Table.row([
                result.agent, result.training, "\(ctr.clicks)", "\(ctr.impressions)",
                String(format: "%.4f%%", ctr.median * 100),
                String(format: "[%.4f%%, %.4f%%]", ctr.lower * 100, ctr.upper * 100),
                String(format: "%.1f", result.trainSeconds), String(format: "%.1f", result.testSeconds),
            ], widths: widths))
        }
        return lines.joined(separator: "\n")
    }

    /// Writes `ab.csv` and `ab.json` (settings and results) into `directory`.
    public static func write(_ results: [ABTestResult], settings: ABTestSettings, to directory: URL) throws {
        var csv = "agent,training,training_impressions,training_users,clicks,impressions,ctr,ctr_median,ctr_lower,ctr_upper,train_seconds,test_seconds\n"
        for r in results {
            csv += "\(r.agent),\(r.training),\(r.trainingImpressions),\(r.trainingUsers),\(r.ctr.clicks),\(r.ctr.impressions),"
                + "\(r.ctr.rate),\(r.ctr.median),\(r.ctr.lower),\(r.ctr.upper),\(r.trainSeconds),\(r.testSeconds)\n"
        }
        try csv.write(to: directory.appendingPathComponent("ab.csv"), atomically: true, encoding: .utf8)
        struct Document: Codable { var settings: ABTestSettings; var results: [ABTestResult] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(Document(settings: settings, results: results))
            .write(to: directory.appendingPathComponent("ab.json"), options: .atomic)
    }
}

/// Seconds between laps of a monotonic clock.
struct LapTimer {
    private var last = DispatchTime.now().uptimeNanoseconds

    /// Seconds since the previous lap (or since the clock was made).
    mutating func lap() -> Double {
        let now = DispatchTime.now().uptimeNanoseconds
        defer { last = now }
        return Double(now - last) / 1e9
    }
}
