import ArgumentParser
import Foundation
import RecoEnvironments
import RecoExperiments
import RecoRL
import RecoTensor

/// `recorl compare`: trains several algorithms with several seeds on one environment and tabulates
/// final return, wall time and throughput, next to the random and best-fixed baselines.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Train several algorithms with several seeds and compare return and speed.")

    @Option(help: "Environment: \(EnvironmentCatalog.standard.names.joined(separator: ", ")).") var env = "marketing"
    @OptionGroup var environmentData: EnvironmentDataOptions
    @Option(help: "Comma-separated algorithms among \(AlgorithmRegistry.standard.names.joined(separator: ", ")).")
    var algos: String = AlgorithmRegistry.standard.names(of: .deepRL).joined(separator: ",")
    @Option(parsing: .unconditional, help: "Seeds per algorithm (seeds 1...N).") var seeds: Int = 3
    @Option(parsing: .unconditional, help: "Environment steps per run (default: the environment's own for each algorithm).") var steps: Int?
    @Option(parsing: .unconditional, help: "Environment copies stepped together.") var envs: Int = 8
    @Option(parsing: .unconditional, help: "Episodes in each final evaluation.") var evalEpisodes: Int = 200
    @Option(help: "Output directory for compare.csv and compare.json.") var out: String = "runs/compare"
    @Option(parsing: .unconditional, help: "Threads for BLAS and the engine (default: \(ThreadPolicy.environmentVariable) or all cores).") var threads: Int?
    @OptionGroup var encoding: EncoderOptions

    mutating func validate() throws {
        try Bounds.requirePositive(seeds, atMost: Self.maximumSeeds, flag: "--seeds")
        if let steps { try Bounds.requirePositive(steps, atMost: TrainingRequest.maximumSteps, flag: "--steps") }
        try Bounds.requirePositive(envs, atMost: TrainingRequest.maximumCopies, flag: "--envs")
        try Bounds.requirePositive(evalEpisodes, atMost: TrainingRequest.maximumEvaluationEpisodes, flag: "--eval-episodes")
        try Bounds.requireThreads(threads)
        try Bounds.requirePath(out, flag: "--out")
        _ = try Experiment().catalog.entry(named: env, data: environmentData.read())
        _ = try algorithms()
    }

    /// The most seeds per algorithm: 1,000.
    static let maximumSeeds = 1_000

    /// The algorithms named by `--algos`, in order, without repeats.
    func algorithms() throws -> [String] {
        let known = AlgorithmRegistry.standard.names
        var result: [String] = []
        for name in algos.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard known.contains(trimmed) else {
                throw ValidationError("--algos: \"\(trimmed)\" is not valid; expected a comma-separated list of \(known.joined(separator: ", "))")
            }
            if !result.contains(trimmed) { result.append(trimmed) }
        }
        return result
    }

    func run() throws {
        if let threads { ThreadPolicy.setThreadCount(threads) }
        let experiment = Experiment()
        let directory = try RunDirectory(creating: out)
        let data = try environmentData.read()
        let environment = try experiment.catalog.entry(named: env, data: data)
        let evaluationEnvironment = environment.makeEvaluation(copies: EvaluationSettings.copies(for: evalEpisodes))
        print("recorl compare: \(try algorithms().joined(separator: ", ")) on \(env), "
              + "\(seeds) seeds, \(envs) copies; BLAS \(BLASKernels.coreName), \(ThreadPolicy.threadCount) threads")
        var runs: [ComparisonRun] = []
        var greedy: [(name: String, policy: Policy)] = []  // for environments with a top-K table
        for algorithm in try algorithms() {
            for seed in 1...UInt64(seeds) {
                var request = TrainingRequest()
                request.environment = env
                request.data = data
                request.algorithm = algorithm
                request.steps = steps
                request.copies = envs
                request.seed = seed
                request.evaluates = false
                let (encoding, name) = (encoding, algorithm)
                request.adjust = { try encoding.apply(to: $0, algorithm: name) }
                let outcome = try experiment.train(request)
                let final = try EvaluationSettings.greedyReturn(outcome.agent, on: evaluationEnvironment, episodes: evalEpisodes)
                let run = ComparisonRun(algorithm: algorithm, seed: seed, environmentSteps: outcome.progress.step,
                                        seconds: outcome.progress.seconds, gradientSteps: outcome.progress.gradientSteps,
                                        finalReturn: final.meanReturn)
                print(String(format: "  %@ seed %d: return %.3f, %.1f s, %.0f env steps/s, %.0f updates/s", algorithm,
                             seed, run.finalReturn, run.seconds, run.environmentStepsPerSecond, run.updatesPerSecond))
                runs.append(run)
                if environment.rankingTable != nil || environment.episodeMetricsTable != nil { greedy.append(("\(algorithm) seed \(seed)", outcome.agent.greedyPolicy)) }
            }
        }
        let baselines = try Baselines(environment: environment, evaluationEnvironment: evaluationEnvironment, episodes: evalEpisodes)
        let summaries = try algorithms().map { algorithm in
            ComparisonSummary(algorithm: algorithm, runs: runs.filter { $0.algorithm == algorithm })
        }
        print("")
        print(ComparisonReport.table(summaries, baselines: baselines, episodes: evalEpisodes))
        if let rankingTable = environment.rankingTable {
            print("")
            print(try rankingTable(greedy, EvaluationSettings.defaultRankingCutoff))
        }
        if let metricsTable = environment.episodeMetricsTable {
            print("")
            print(try metricsTable(greedy, evalEpisodes))
        }
        try ComparisonReport.write(runs: runs, summaries: summaries, baselines: baselines, to: directory.url)
        print("")
        print("wrote \(directory.url.appendingPathComponent("compare.csv").path) and compare.json")
    }
}
