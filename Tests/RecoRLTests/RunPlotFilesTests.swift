import Foundation
import Testing
import RecoEnvironments
import RecoEvaluation
import RecoExperiments
import RecoRL
import RecoTensor

/// `episodes.csv` and `evaluations.csv`, the data of the reward-per-episode and Q-value convergence
/// plots: rows that agree with the run's own counts, `mean_max_q` equal to a direct computation for a
/// DQN policy and empty for PPO, and a resumed run that continues the files without duplicates.
@Suite(.serialized) struct RunPlotFilesTests {
    func temporaryDirectory() throws -> RunDirectory {
        try RunDirectory(creating: FileManager.default.temporaryDirectory.appendingPathComponent("plots-\(UUID().uuidString)").path)
    }

    func request(_ algorithm: String, steps: Int, output: RunDirectory) -> TrainingRequest {
        var request = TrainingRequest()
        request.algorithm = algorithm
        request.steps = steps
        request.copies = 4
        request.evaluationInterval = 1_000
        request.evaluationEpisodes = 12
        request.output = output.url.path
        return request
    }

    /// The rows of a CSV file after its header, split into cells, and the header.
    func table(_ url: URL) throws -> (header: String, rows: [[String]]) {
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "", "\(url.lastPathComponent) ends with a newline")
        return (String(lines[0]), lines.dropFirst().dropLast().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) })
    }

    /// The mean over every state the policy acts on in the evaluation episodes of its largest score,
    /// one state at a time.
    func directMeanMaxQ(_ policy: Policy, environment: EnvironmentEntry, episodes: Int) throws -> Double {
        let evaluation = environment.make(copies: EvaluationSettings.copies(for: episodes))
        var generator = RandomGenerator(seed: EvaluationSettings.seed)
        var sum = 0.0, states = 0
        try FixedEpisodes.run(evaluation, episodes: episodes, seed: EvaluationSettings.seed, policy: policy,
                              generator: &generator, keepsObservations: true) { step in
            let observations = try #require(step.observations)
            let row = (0..<observations.columns).map { observations[step.copy, $0] }
            sum += Double(try policy.scores(for: row).max() ?? .nan)
            states += 1
        }
        return sum / Double(states)
    }

    @Test func dqnRunWritesOneRowPerEpisodeAndEvaluation() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory.url) }
        let outcome = try Experiment().train(request("dqn", steps: 4_000, output: directory))

        let episodes = try table(directory.episodesCSV)
        #expect(episodes.header == "episode,step,return,length")
        #expect(episodes.rows.count == outcome.progress.episodes && outcome.progress.episodes > 0)
        #expect(episodes.rows.map { Int($0[0]) ?? -1 } == Array(0..<outcome.progress.episodes))
        let steps = episodes.rows.compactMap { Int($0[1]) }
        #expect(steps == steps.sorted() && steps.allSatisfy { $0 % 4 == 0 && $0 <= 4_000 })
        #expect(episodes.rows.allSatisfy { Float($0[2]) != nil && (Int($0[3]) ?? 0) >= 1 })
        let recent = episodes.rows.suffix(100).compactMap { Float($0[2]) }
        #expect(abs(recent.reduce(0, +) / Float(recent.count) - (outcome.progress.recentMeanReturn ?? .nan)) < 1e-3)

        let evaluations = try table(directory.evaluationsCSV)
        #expect(evaluations.header == "step,mean_return,std_return,ci95_half_width,evaluation_episodes,mean_max_q")
        #expect(evaluations.rows.map { Int($0[0]) ?? -1 } == outcome.evaluations.map { $0.step })
        #expect(evaluations.rows.map { Float($0[1]) ?? .nan } == outcome.evaluations.map { $0.meanReturn })
        #expect(evaluations.rows.allSatisfy { $0[4] == "12" })
        // The last evaluation saw the final agent: its mean max Q, computed state by state.
        let last = try #require(evaluations.rows.last.flatMap { Double($0[5]) })
        let direct = try directMeanMaxQ(outcome.agent.greedyPolicy, environment: outcome.environment, episodes: 12)
        #expect(abs(last - direct) <= 1e-4 * max(1, abs(direct)), "\(last) vs \(direct)")
    }

    @Test func ppoRunLeavesMeanMaxQEmpty() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory.url) }
        let outcome = try Experiment().train(request("ppo", steps: 2_048, output: directory))
        let evaluations = try table(directory.evaluationsCSV)
        #expect(evaluations.rows.count == outcome.evaluations.count && !evaluations.rows.isEmpty)
        #expect(evaluations.rows.allSatisfy { $0.count == 6 && $0[5].isEmpty })
        #expect(try table(directory.episodesCSV).rows.count == outcome.progress.episodes)
    }

    /// Rows a killed run wrote after its last snapshot (and an unfinished line) are cut on resume, so
    /// the files end as those of a run that was never interrupted.
    @Test func aResumedRunContinuesTheFilesWithoutDuplicates() throws {
        let clean = try temporaryDirectory(), interrupted = try temporaryDirectory()
        defer { for directory in [clean, interrupted] { try? FileManager.default.removeItem(at: directory.url) } }
        for directory in [clean, interrupted] {
            _ = try Experiment().train(request("dqn", steps: 2_000, output: directory))
        }
        // What a kill after the snapshot of step 2,000 leaves behind: later rows, half a row.
        for (url, tail) in [(interrupted.episodesCSV, "999,2004,1.5,3\n1000,20"), (interrupted.evaluationsCSV, "3000,1.0,0.0,0.0,12,\n")] {
            let handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(tail.utf8))
            try handle.close()
        }
        var outcome: TrainingOutcome?
        for directory in [clean, interrupted] {
            var resumed = request("dqn", steps: 4_000, output: directory)
            resumed.resume = true
            outcome = try Experiment().train(resumed)
        }
        #expect(try Data(contentsOf: interrupted.episodesCSV) == Data(contentsOf: clean.episodesCSV))
        #expect(try Data(contentsOf: interrupted.evaluationsCSV) == Data(contentsOf: clean.evaluationsCSV))
        let episodes = try table(interrupted.episodesCSV).rows
        #expect(episodes.map { Int($0[0]) ?? -1 } == Array(0..<(outcome?.progress.episodes ?? 0)))
        #expect(try table(interrupted.evaluationsCSV).rows.map { Int($0[0]) ?? -1 } == [1_000, 2_000, 3_000, 4_000])
    }
}
