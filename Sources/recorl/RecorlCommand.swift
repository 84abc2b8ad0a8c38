import ArgumentParser
import RecoTensor

/// `recorl`: train, evaluate and serve recommendation policies on the RecoRL engine.
@main
struct RecorlCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recorl",
        abstract: "Deep reinforcement learning for recommender systems on a BLAS-backed engine.",
        subcommands: [TrainCommand.self, EvaluateCommand.self, ExplainCommand.self, CompareCommand.self, DemoCommand.self])

    static func main() {
        BLASKernels.selectFastestKernels()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
