import Foundation
import RecoEnvironments
import RecoEvaluation
import RecoExperiments
import RecoRL
import RecoSimulators
import RecoTensor
import Testing

/// Evaluation on common users: every policy, trained or not, meets episode `k` of the evaluation set
/// as the same user, whatever it does and however many copies run side by side; the tables show each
/// mean with its 95% confidence interval.
@Suite struct CommonUserEvaluationTests {
    /// The return of episode `k` of the set `seed` run alone on its stream with `policy`.
    static func aloneReturn(episode k: Int, seed: UInt64, policy: Policy) throws -> Float {
        var environment = MarketingEnvironment()
        var generator = RandomGenerator(seed: seed, stream: UInt64(k))
        var observation = [Float](repeating: 0, count: environment.observationSpace.width)
        observation.withUnsafeMutableBufferPointer { environment.reset(using: &generator, observation: $0) }
        var total: Float = 0
        while true {
            let action = [Int32(try policy.action(for: observation))]
            let outcome = action.withUnsafeBufferPointer { action in
                observation.withUnsafeMutableBufferPointer { environment.step(action, using: &generator, observation: $0) }
            }
            total += outcome.reward
            if outcome.terminated || outcome.truncated { return total }
        }
    }

    /// A network policy (an untrained DQN's greedy policy, which reads every feature) gets identical
    /// per-episode returns with 1, 7 and 100 copies, each equal to its episode run alone.
    @Test func aNetworkPolicyMeetsTheSameUsersWithAnyNumberOfCopies() throws {
        var generator = RandomGenerator(seed: 3)
        let agent = try DQNAgent(configuration: .marketing, for: VectorEnvironment(copies: 1) { _ in MarketingEnvironment() },
                                 generator: &generator)
        let seed = EvaluationSettings.seed, episodes = 200
        var perCopies: [[Float]] = []
        for copies in [1, 7, 100] {
            var policyGenerator = RandomGenerator(seed: 1)
            perCopies.append(try PolicyEvaluation.episodeReturns(
                VectorEnvironment(copies: copies) { _ in MarketingEnvironment() }, episodes: episodes, seed: seed,
                policy: agent.greedyPolicy, generator: &policyGenerator))
        }
        #expect(perCopies[0] == perCopies[1])
        #expect(perCopies[0] == perCopies[2])
        for k in [0, 7, 100, 199] {
            #expect(perCopies[2][k] == (try CommonUserEvaluationTests.aloneReturn(episode: k, seed: seed, policy: agent.greedyPolicy)))
        }
    }

    /// The best fixed strategy's mean is the mean over the whole fixed set, every episode (churned or
    /// not) counted once: the same as running each episode alone on its stream.
    @Test func bestFixedIsTheMeanOverTheWholeSet() throws {
        let seed = EvaluationSettings.seed, episodes = 200
        let environment = EnvironmentEntry.marketing.make(copies: EvaluationSettings.copies(for: episodes))
        let best = try PolicyEvaluation.bestFixedAction(environment, episodes: episodes, seed: seed)
        let policy = try FixedActionPolicy(action: best.action, observationWidth: 11, actionCount: 18)
        let alone = try (0..<episodes).map { try CommonUserEvaluationTests.aloneReturn(episode: $0, seed: seed, policy: policy) }
        #expect(best.result == PolicyEvaluation.Result(returns: alone))
        for action in 0..<18 {
            let other = try FixedActionPolicy(action: action, observationWidth: 11, actionCount: 18)
            #expect(try PolicyEvaluation.evaluate(environment, episodes: episodes, seed: seed, policy: other).meanReturn
                    <= best.result.meanReturn)
        }
    }

    /// The table `train` and `evaluate` print shows each policy's mean with its interval.
    @Test func comparisonTableShowsIntervals() throws {
        var generator = RandomGenerator(seed: 3)
        let environment = EnvironmentEntry.marketing
        let agent = try DQNAgent(configuration: .marketing, for: environment.make(copies: 1), generator: &generator)
        let episodes = 50
        let table = try EvaluationSettings.comparisonTable(agent, environment: environment, episodes: episodes)
        let evaluation = environment.make(copies: EvaluationSettings.copies(for: episodes))
        let trained = try EvaluationSettings.greedyReturn(agent, on: evaluation, episodes: episodes)
        let baselines = try Baselines(environment: environment, evaluationEnvironment: evaluation, episodes: episodes)
        for result in [trained, baselines.random, baselines.bestFixed] {
            #expect(table.contains(String(format: "%.3f ± %.3f", result.meanReturn, result.confidenceHalfWidth)), "\(table)")
            #expect(result.episodes == episodes)
        }
        #expect(table.contains("same users in the same order"))
    }

    /// `compare`'s summary: mean over seeds, sample standard deviation over seeds and the interval
    /// `1.96 sd / sqrt(seeds)` by hand; the table, CSV and JSON carry them.
    @Test func comparisonReportShowsIntervals() throws {
        let runs = [9.0, 9.5, 10.0].enumerated().map { index, value in
            ComparisonRun(algorithm: "dqn", seed: UInt64(index + 1), environmentSteps: 1_000, seconds: 1, gradientSteps: 100,
                          finalReturn: Float(value))
        }
        let summary = ComparisonSummary(algorithm: "dqn", runs: runs)
        #expect(summary.meanReturn == 9.5)
        #expect(abs(summary.returnStandardDeviation - 0.5) < 1e-6)
        #expect(abs(summary.returnConfidenceHalfWidth - Float(1.96 * 0.5 / 3.0.squareRoot())) < 1e-6)
        let environment = EnvironmentEntry.marketing
        let episodes = 20
        let baselines = try Baselines(environment: environment, evaluationEnvironment: environment.make(copies: 20),
                                      episodes: episodes)
        let table = ComparisonReport.table([summary], baselines: baselines, episodes: episodes)
        #expect(table.contains("9.500 ± 0.566"), "\(table)")
        #expect(table.contains(baselines.random.formatted()) && table.contains(baselines.bestFixed.formatted()), "\(table)")

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("compare-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try ComparisonReport.write(runs: runs, summaries: [summary], baselines: baselines, to: directory)
        let csv = try String(contentsOf: directory.appendingPathComponent("compare.csv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = csv[0]
        #expect(csv.allSatisfy { $0.count == header.count }, "\(csv)")
        let ci = header.firstIndex(of: "return_ci95")!, episodesColumn = header.firstIndex(of: "episodes")!
        #expect(abs(Float(csv[1][ci])! - summary.returnConfidenceHalfWidth) < 1e-6)
        #expect(Float(csv[2][ci])! == baselines.random.confidenceHalfWidth)
        #expect(Float(csv[3][ci])! == baselines.bestFixed.confidenceHalfWidth)
        #expect(csv[2][episodesColumn] == "\(episodes)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("compare.json"))) as! [String: Any]
        let summaries = json["summaries"] as! [[String: Any]]
        #expect(summaries[0]["returnConfidenceHalfWidth"] != nil)
        let random = (json["baselines"] as! [String: Any])["random"] as! [String: Any]
        #expect(random["confidenceHalfWidth"] != nil)
    }
}
