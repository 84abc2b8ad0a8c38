import ArgumentParser
import Foundation
import RecoExperiments
import RecoTensor

/// `recorl evaluate`: reruns the final comparison table of a saved agent.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Compare a saved policy with random and best-fixed-strategy baselines on the evaluation episodes.")

    @Option(help: "Checkpoint written by `recorl train`.") var checkpoint: String
    @Option(parsing: .unconditional, help: "Episodes in the comparison.") var episodes: Int = 200
    @Option(parsing: .unconditional, help: "Threads for BLAS and the engine (default: \(ThreadPolicy.environmentVariable) or all cores).") var threads: Int?

    mutating func validate() throws {
        try Bounds.requirePositive(episodes, atMost: TrainingRequest.maximumEvaluationEpisodes, flag: "--episodes")
        try Bounds.requireThreads(threads)
        try Bounds.requirePath(checkpoint, flag: "--checkpoint")
    }

    func run() throws {
        if let threads { ThreadPolicy.setThreadCount(threads) }
        let (agent, environment) = try SavedAgent.load(checkpoint)
        print(try EvaluationSettings.comparisonTable(agent, environment: environment, episodes: episodes))
    }
}
