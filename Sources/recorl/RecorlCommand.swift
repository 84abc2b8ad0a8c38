import ArgumentParser
import Foundation
import RecoExperiments
import RecoTensor

/// `recorl`: train, evaluate and serve recommendation policies on the RecoRL engine.
@main
struct RecorlCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recorl",
        abstract: "Deep reinforcement learning for recommender systems on a BLAS-backed engine.",
        subcommands: [TrainCommand.self, EvaluateCommand.self, ExplainCommand.self, CompareCommand.self, ABCommand.self,
                      LogCommand.self, OPECommand.self, DataCommand.self, ReportCommand.self, ServeCommand.self, ReplayCommand.self,
                      DemoCommand.self])

    static func main() {
        // The engine's environment variables are checked before anything else uses them.
        if let problem = environmentProblem() { finish(with: ExperimentError(problem)) }
        BLASKernels.selectFastestKernels()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            finish(with: error)
        }
    }

    /// A one-line description of a bad `RECORL_BLAS_CORETYPE` or `RECORL_THREADS`, or nil.
    static func environmentProblem() -> String? {
        if let problem = BLASKernels.policyProblem() { return problem }
        do {
            _ = try ThreadPolicy.environmentThreadCount()
        } catch {
            return "\(error)"
        }
        return nil
    }

    /// Prints `error` (help and clean exits in full to standard output; a failure as one line naming the
    /// problem, without the usage ArgumentParser appends, to standard error) and ends the process at once
    /// with its exit code, without running exit handlers: a library's handler waiting for threads that
    /// never started (OpenBLAS after a failed thread creation) must not keep an erroring process alive.
    static func finish(with error: Error) -> Never {
        let message = fullMessage(for: error)
        let code = exitCode(for: error)
        if code == .success {
            if !message.isEmpty { print(message) }
        } else {
            let line = message.split(separator: "\n").first.map(String.init) ?? "Error: \(error)"
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        fflush(stdout)
        fflush(stderr)
        _exit(code.rawValue)
    }
}

/// The checks the commands share on counts, thread counts and paths, each error naming its flag, the
/// value and what is accepted.
enum Bounds {
    /// Throws unless `value` is in `1...maximum`.
    static func requirePositive(_ value: Int, atMost maximum: Int, flag: String) throws {
        guard value >= 1 && value <= maximum else {
            let bound = maximum == Int.max ? "" : " (at most \(maximum))"
            throw ValidationError("\(flag): \(value) is not valid; expected a positive integer\(bound)")
        }
    }

    /// Throws unless `threads` is nil or in `1...ThreadPolicy.maximumThreadCount`.
    static func requireThreads(_ threads: Int?) throws {
        guard let threads else { return }
        do {
            try ThreadPolicy.validateThreadCount(threads, source: "--threads")
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// Throws when `path` is empty (or only spaces), which would silently mean the current directory.
    static func requirePath(_ path: String, flag: String) throws {
        if path.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("\(flag): \"\(path)\" is not valid; expected a path")
        }
    }
}
