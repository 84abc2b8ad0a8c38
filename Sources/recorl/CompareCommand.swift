import ArgumentParser
import Foundation
import RecoEnvironments
import RecoRL
import RecoTensor

/// `recorl compare`: trains several algorithms with several seeds on one environment and tabulates
/// final return, wall time and throughput, next to the random and best-fixed baselines.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Train several algorithms with several seeds and compare return and speed.")

    @Option(help: "Environment: \(EnvironmentName.allValueStrings.joined(separator: ", ")).") var env: EnvironmentName = .marketing
    @Option(help: "Comma-separated algorithms among \(AlgorithmName.allValueStrings.joined(separator: ", ")).")
    var algos: String = AlgorithmName.allValueStrings.joined(separator: ",")
    @Option(help: "Seeds per algorithm (seeds 1...N).") var seeds: Int = 3
    @Option(help: "Environment steps per run (default: the environment's own for each algorithm).") var steps: Int?
    @Option(help: "Environment copies stepped together.") var envs: Int = 8
    @Option(help: "Episodes in each final evaluation.") var evalEpisodes: Int = 200
    @Option(help: "Output directory for compare.csv and compare.json.") var out: String = "runs/compare"
    @Option(help: "Threads for BLAS and the engine (default: \(ThreadPolicy.environmentVariable) or all cores).") var threads: Int?

    mutating func validate() throws {
        if seeds < 1 { throw ValidationError("--seeds: \(seeds) is not valid; expected a positive integer") }
        if let steps, steps < 1 { throw ValidationError("--steps: \(steps) is not valid; expected a positive integer") }
        if envs < 1 { throw ValidationError("--envs: \(envs) is not valid; expected a positive integer") }
        if evalEpisodes < 1 { throw ValidationError("--eval-episodes: \(evalEpisodes) is not valid; expected a positive integer") }
        if let threads, threads < 1 { throw ValidationError("--threads: \(threads) is not valid; expected at least 1") }
        _ = try algorithms()
    }

    /// The algorithms named by `--algos`, in order, without repeats.
    func algorithms() throws -> [AlgorithmName] {
        var result: [AlgorithmName] = []
        for name in algos.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let algorithm = AlgorithmName(rawValue: trimmed) else {
                throw ValidationError("--algos: \"\(trimmed)\" is not valid; expected a comma-separated list of \(AlgorithmName.allValueStrings.joined(separator: ", "))")
            }
            if !result.contains(algorithm) { result.append(algorithm) }
        }
        return result
    }

    func run() throws {
        if let threads { ThreadPolicy.setThreadCount(threads) }
        let directory = URL(fileURLWithPath: out)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw CommandError("--out: cannot create directory \(out) (\(error.localizedDescription))")
        }
        let evaluationEnvironment = env.make(copies: min(evalEpisodes, 100))
        print("recorl compare: \(try algorithms().map(\.rawValue).joined(separator: ", ")) on \(env.rawValue), "
              + "\(seeds) seeds, \(envs) copies; BLAS \(BLASKernels.coreName), \(ThreadPolicy.threadCount) threads")
        var runs: [ComparisonRun] = []
        for algorithm in try algorithms() {
            let configuration = try algorithm.configuration(for: env, file: nil)
            try configuration.validate(environments: envs, file: nil)
            for seed in 1...UInt64(seeds) {
                let run = try train(algorithm, configuration, seed: seed, evaluationEnvironment: evaluationEnvironment)
                print(String(format: "  %@ seed %d: return %.3f, %.1f s, %.0f env steps/s, %.0f updates/s", algorithm.rawValue,
                             seed, run.finalReturn, run.seconds, run.environmentStepsPerSecond, run.updatesPerSecond))
                runs.append(run)
            }
        }
        let baselines = Baselines(environment: env, evaluationEnvironment: evaluationEnvironment, episodes: evalEpisodes)
        let summaries = try algorithms().map { algorithm in
            ComparisonSummary(algorithm: algorithm.rawValue, runs: runs.filter { $0.algorithm == algorithm.rawValue })
        }
        print("")
        print(ComparisonReport.table(summaries, baselines: baselines, episodes: evalEpisodes))
        try ComparisonReport.write(runs: runs, summaries: summaries, baselines: baselines, to: directory)
        print("")
        print("wrote \(directory.appendingPathComponent("compare.csv").path) and compare.json")
    }

    private func train(_ algorithm: AlgorithmName, _ configuration: AlgorithmConfiguration, seed: UInt64,
                       evaluationEnvironment: BatchedEnvironment) throws -> ComparisonRun {
        let environment = env.make(copies: envs)
        var generator = RandomGenerator(seed: seed)
        let agent = try configuration.makeAgent(observationDimension: environment.observationSpace.width,
                                                actionCount: env.actionNames.count, environments: envs,
                                                maxActingBatch: max(envs, evaluationEnvironment.count), generator: &generator)
        let totalSteps = steps ?? env.defaultTrainingSteps(for: algorithm)
        var last: TrainingProgress?
        try agent.train(on: environment, steps: totalSteps, seed: seed, generator: &generator,
                        reportInterval: totalSteps) { last = $0 }
        guard let last else { preconditionFailure("training always reports at its end") }
        let evaluation = Evaluation.greedy(agent, on: evaluationEnvironment, episodes: evalEpisodes, seed: Evaluation.seed)
        return ComparisonRun(algorithm: algorithm.rawValue, seed: seed, environmentSteps: last.step, seconds: last.seconds,
                             gradientSteps: last.gradientSteps, finalReturn: evaluation.meanReturn)
    }
}
