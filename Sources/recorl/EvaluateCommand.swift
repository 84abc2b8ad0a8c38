import ArgumentParser
import Foundation
import RecoRL
import RecoTensor

/// `recorl evaluate`: reruns the final comparison table of a saved agent.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Compare a saved policy with random and best-fixed-strategy baselines on the evaluation episodes.")

    @Option(help: "Checkpoint written by `recorl train`.") var checkpoint: String
    @Option(help: "Episodes in the comparison.") var episodes: Int = 200
    @Option(help: "Threads for BLAS and the engine (default: \(ThreadPolicy.environmentVariable) or all cores).") var threads: Int?

    mutating func validate() throws {
        if episodes < 1 { throw ValidationError("--episodes: \(episodes) is not valid; expected a positive integer") }
        if let threads, threads < 1 { throw ValidationError("--threads: \(threads) is not valid; expected at least 1") }
    }

    func run() throws {
        if let threads { ThreadPolicy.setThreadCount(threads) }
        let (agent, environment) = try SavedAgent.load(checkpoint)
        print(Evaluation.comparisonTable(agent, environment: environment, episodes: episodes))
    }
}

/// Loading a checkpoint written by `recorl train`, with errors that name the flag.
enum SavedAgent {
    static func load(_ path: String) throws -> (Agent, EnvironmentName) {
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw CommandError("--checkpoint: \(path) does not exist; expected a checkpoint written by recorl train")
        }
        let loaded: (agent: Agent, metadata: [String: String])
        do {
            loaded = try AgentCheckpoint.load(from: url)
        } catch {
            throw CommandError("--checkpoint: \(error)")
        }
        let name = loaded.metadata["environment"] ?? ""
        guard let environment = EnvironmentName(rawValue: name) else {
            throw CommandError("--checkpoint: \(path) records environment \"\(name)\"; expected one of \(EnvironmentName.allValueStrings.joined(separator: ", "))")
        }
        guard environment.actionNames.count == loaded.agent.actionCount else {
            throw CommandError("--checkpoint: \(path) has \(loaded.agent.actionCount) actions; \(name) has \(environment.actionNames.count)")
        }
        let observationWidth = environment.make(copies: 1).observationSpace.width
        guard observationWidth == loaded.agent.observationDimension else {
            throw CommandError("--checkpoint: \(path) takes observations of \(loaded.agent.observationDimension) values; \(name) has \(observationWidth)")
        }
        return (loaded.agent, environment)
    }
}
