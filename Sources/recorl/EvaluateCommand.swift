import ArgumentParser
import Foundation
import RecoExperiments
import RecoTensor

/// `recorl evaluate`: reruns the final comparison table of a saved agent; on an environment over
/// logged data (`--env reviews --data DIR`), also or only the offline top-K table with its baselines; on
/// `--env session`, also or only its episode metrics (CTR, conversion, tail coverage, repetition, ...).
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Compare a saved policy with the baselines: returns on the evaluation episodes, top-K metrics on held-out users for --env reviews, episode metrics for --env session.")

    @Option(help: "Checkpoint written by `recorl train` (optional with --env reviews: the baselines alone).") var checkpoint: String?
    @Option(help: "Environment of the baselines-only table (reviews or session; default: the checkpoint's).") var env: String?
    @OptionGroup var environmentData: EnvironmentDataOptions
    @Option(parsing: .unconditional, help: "Episodes in the comparison.") var episodes: Int = 200
    @Option(parsing: .unconditional, help: "Cut-off K of the top-K metrics.") var k: Int = EvaluationSettings.defaultRankingCutoff
    @Option(parsing: .unconditional, help: "Threads for BLAS and the engine (default: \(ThreadPolicy.environmentVariable) or all cores).") var threads: Int?

    mutating func validate() throws {
        try Bounds.requirePositive(episodes, atMost: TrainingRequest.maximumEvaluationEpisodes, flag: "--episodes")
        try Bounds.requirePositive(k, atMost: Self.maximumCutoff, flag: "--k")
        try Bounds.requireThreads(threads)
        if let checkpoint { try Bounds.requirePath(checkpoint, flag: "--checkpoint") }
        if checkpoint == nil && env == nil {
            throw ValidationError("--checkpoint: missing; expected a checkpoint, or --env reviews --data DIR for the baselines alone")
        }
        if checkpoint != nil, env != nil {
            throw ValidationError("--env: fixed by the checkpoint; expected --env only without --checkpoint")
        }
        if checkpoint != nil, let envConfig = environmentData.envConfig {
            throw ValidationError("--env-config: \(envConfig) is fixed by the checkpoint (it records its settings); expected it only without --checkpoint")
        }
    }

    /// The largest cut-off: 1,000.
    static let maximumCutoff = 1_000

    func run() throws {
        if let threads { ThreadPolicy.setThreadCount(threads) }
        if let checkpoint {
            let (agent, environment) = try SavedAgent.load(checkpoint, dataset: environmentData.data)
            print(try EvaluationSettings.comparisonTable(agent, environment: environment, episodes: episodes, rankingCutoff: k))
            return
        }
        let environment = try Experiment().catalog.entry(named: env ?? "", data: environmentData.read())
        if let metricsTable = environment.episodeMetricsTable {
            print(try metricsTable([], episodes))
            return
        }
        guard let rankingTable = environment.rankingTable else {
            throw ValidationError("--env: \(environment.name) has no offline top-K table; expected an environment over logged data (reviews) or session, or --checkpoint")
        }
        print(try rankingTable([], k))
    }
}
