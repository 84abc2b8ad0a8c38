import Foundation
import RecoEnvironments
import RecoEvaluation
import RecoExperiments
import RecoRL
import RecoSimulators
import RecoTensor
import Testing

/// The A/B harness (same users for every agent, files, bad input) and off-policy estimates of
/// RecoGym policies against their online A/B test.
@Suite struct ABTestTests {
    static func settings(agents: [String], train: Int = 200, test: Int = 200) -> ABTestSettings {
        var settings = ABTestSettings()
        settings.trainUsers = train
        settings.testUsers = test
        settings.agents = agents
        settings.copies = 16
        return settings
    }

    @Test func everyAgentMeetsTheSameUsers() throws {
        let results = try ABTest.run(Self.settings(agents: ["user-count", "random", "user-count"]))
        // The same policy on the same users, with its draws from the same stream: the same outcome.
        #expect(results[0].ctr == results[2].ctr)
        #expect(results[0].ctr.impressions > 200 * 40)
        #expect(results.allSatisfy { $0.training == "log" && $0.trainingUsers == 200 })
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recorl-ab-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try ABTest.write(results, settings: Self.settings(agents: ["user-count", "random", "user-count"]), to: directory)
        let csv = try String(contentsOf: directory.appendingPathComponent("ab.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 4)
        #expect(csv.hasPrefix("agent,training,"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("ab.json"))) as? [String: Any]
        #expect((json?["results"] as? [Any])?.count == 3)
        #expect(ABTest.table(results).contains("user-count"))
    }

    @Test func deepRLAgentsTrainOnline() throws {
        var settings = Self.settings(agents: ["dqn"], train: 30, test: 30)
        settings.onlineCopies = 4
        let result = try #require(try ABTest.run(settings).first)
        #expect(result.training == "online")
        #expect(result.trainingImpressions >= 30 * 40)
        #expect(result.trainingUsers >= 10)
    }

    @Test func badSettingsNameTheirFlag() {
        func message(_ change: (inout ABTestSettings) -> Void) -> String {
            var settings = Self.settings(agents: ["random"])
            change(&settings)
            do { try settings.validate(registry: .standard); return "" } catch { return "\(error)" }
        }
        #expect(message { $0.agents = ["random", "nope"] }.hasPrefix("--agents: \"nope\" is not valid"))
        #expect(message { $0.products = 1 }.hasPrefix("--products: 1 is not valid"))
        #expect(message { $0.trainUsers = 0 }.hasPrefix("--train-users: 0 is not valid"))
        #expect(message { $0.trainUsers = 9_000_000; $0.products = 50_000 }.hasPrefix("--train-users"))
        #expect(message { _ in }.isEmpty)
    }
}

/// Off-policy estimates of RecoGym policies from a uniformly random log: against the truth the
/// simulator knows (each logged impression's click probabilities), and against the online A/B test.
@Suite struct RecoGymOffPolicyTests {
    /// A uniformly random log of `users` users (episode set `seed`), with every impression's true
    /// click probability of each action.
    static func groundTruthLog(users: Int, seed: UInt64) throws -> (log: [LoggedInteraction], truth: [[Double]]) {
        let prototype = try ABTest.environment(ABTestSettings())
        var log: [LoggedInteraction] = [], truth: [[Double]] = []
        var row = [Float](repeating: 0, count: 20)
        for user in 0..<users {
            var environment = prototype
            var generator = RandomGenerator(seed: seed, stream: UInt64(user))
            row.withUnsafeMutableBufferPointer { environment.reset(using: &generator, observation: $0) }
            while true {
                let context = row
                truth.append(environment.world.clickProbabilities(omega: try #require(environment.user).omega))
                var action = Int32(generator.index(below: 10))
                let outcome = withUnsafePointer(to: &action) { pointer in
                    row.withUnsafeMutableBufferPointer {
                        environment.step(UnsafeBufferPointer(start: pointer, count: 1), using: &generator, observation: $0)
                    }
                }
                log.append(try LoggedInteraction(context: context, action: Int(action), propensity: 0.1, reward: outcome.reward,
                                                 user: user))
                if outcome.terminated { break }
            }
        }
        return (log, truth)
    }

    /// Each estimator's interval holds the target's true mean click probability on the logged
    /// contexts: the quantity per-decision off-policy estimators are unbiased for. A propensity
    /// logged for the wrong action, or weights inverted, would miss it.
    @Test func estimatesHoldTheTruthOnTheLoggedContexts() throws {
        let train = try Self.groundTruthLog(users: 1_500, seed: 11).log
        let (log, truth) = try Self.groundTruthLog(users: 1_500, seed: 12)
        for name in ["organic-count", "bandit-count", "user-count"] {
            let entry = try AlgorithmRegistry.standard.entry(named: name)
            var generator = RandomGenerator(seed: 1)
            let spaces = try EnvironmentSpaces(observationSpace: .box(lower: [Float](repeating: 0, count: 20),
                                                                      upper: [Float](repeating: 100, count: 20)),
                                               actionSpace: .discrete(10))
            let agent = try entry.makeAgent(entry.defaultConfiguration(), spaces: spaces, generator: &generator)
            try #require(agent as? LoggedDataLearner).fit(train, using: &generator)
            let probabilities = try OffPolicyEstimators.targetProbabilities(agent.greedyPolicy, on: log)
            var value = 0.0
            for (p, c) in zip(probabilities, truth) { value += zip(p, c).reduce(0) { $0 + $1.0 * $1.1 } }
            value /= Double(log.count)
            let estimates = try OffPolicyReport.estimates(agent.greedyPolicy, on: log, rewardData: train, products: 10,
                                                          maxWeight: 10, bootstrap: BootstrapSettings(resamples: 300, seed: 3))
            #expect(value > 0.017, "\(name) true value \(value)")
            for named in estimates {
                #expect(named.estimate.confidenceInterval.contains(value),
                        "\(name) \(named.estimator): \(named.estimate.value) \(named.estimate.confidenceInterval) vs truth \(value)")
            }
        }
    }

    /// The check: each estimator's interval, on a uniformly random log of other users, holds
    /// the CTR the same fitted policy reaches in the online A/B test.
    @Test func estimatesHoldTheOnlineABTestCTR() throws {
        var settings = ABTestSettings()
        settings.trainUsers = 2_000
        settings.testUsers = 3_000
        settings.agents = ["organic-count", "bandit-count", "user-count", "likelihood"]
        let online = try ABTest.run(settings)
        let environment = try ABTest.environment(settings)
        let train = try ABTest.trainingLog(settings, environment: environment)
        var generator = RandomGenerator(seed: 5)
        let log = try PolicyLogging.log(try UniformRandomPolicy(observationWidth: 20, actionCount: 10),
                                        on: VectorEnvironment(copies: 32) { _ in environment }, episodes: 3_000,
                                        seed: settings.seed &+ 7, generator: &generator)
        for result in online {
            let entry = try AlgorithmRegistry.standard.entry(named: result.agent)
            let agent = try entry.makeAgent(entry.defaultConfiguration(), spaces: EnvironmentSpaces(
                observationSpace: environment.observationSpace, actionSpace: environment.actionSpace), generator: &generator)
            try #require(agent as? LoggedDataLearner).fit(train, using: &generator)
            let estimates = try OffPolicyReport.estimates(agent.greedyPolicy, on: log, rewardData: train, products: 10,
                                                          maxWeight: 10, bootstrap: BootstrapSettings(resamples: 300, seed: 3))
            for named in estimates {
                #expect(named.estimate.confidenceInterval.contains(result.ctr.rate),
                        "\(result.agent) \(named.estimator): \(named.estimate.value) \(named.estimate.confidenceInterval) vs A/B \(result.ctr.rate)")
            }
        }
    }
}
