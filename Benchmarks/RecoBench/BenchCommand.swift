import ArgumentParser
import Foundation
import RecoNetworks
import RecoRL
import RecoTensor

/// `recorl-bench`: throughput of the engine on the shapes of recommendation workloads.
@main
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recorl-bench",
        abstract: "Measure the engine's sgemm ceiling and training-step throughput for large action spaces.")

    @Option(name: .long, help: "Write the results as JSON to this path.")
    var json: String?

    @Option(name: .long, parsing: .upToNextOption, help: "Action-space sizes to measure.")
    var actions: [Int] = [10, 1000, 10000, 100000]

    @Option(name: .long, help: "Seconds of timed repetitions per measurement (at least 5 repetitions each).")
    var budget: Double = 2

    @Option(name: .long, parsing: .upToNextOption,
            help: "Parts to run: \(Part.allCases.map(\.rawValue).joined(separator: ", ")) (default: all).")
    var parts: [Part] = Part.allCases

    @Option(name: .long, help: "Environment steps of the end-to-end marketing training run.")
    var trainingSteps: Int = 100_000

    /// The benchmark's sections.
    enum Part: String, CaseIterable, Codable, ExpressibleByArgument {
        case replay, mlp, dqn, actorCritic = "actor-critic", training, recogym, data, encoders, session
    }

    @Option(name: .long, help: "Threads for BLAS and the engine (default: \(ThreadPolicy.environmentVariable) or all cores).")
    var threads: Int?

    mutating func validate() throws {
        if let bad = actions.first(where: { $0 < 1 }) {
            throw ValidationError("--actions: \(bad) is not a valid action count; expected positive integers")
        }
        if budget <= 0 { throw ValidationError("--budget: \(budget) is not valid; expected a positive number of seconds") }
        if let threads, threads < 1 { throw ValidationError("--threads: \(threads) is not valid; expected at least 1") }
        if trainingSteps < 1 { throw ValidationError("--training-steps: \(trainingSteps) is not valid; expected a positive integer") }
    }

    static func main() {
        BLASKernels.selectFastestKernels()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }

    mutating func run() throws {
        if let threads { ThreadPolicy.setThreadCount(threads) }
        let environment = EnvironmentReport.current()
        print(environment.text)
        var report = BenchReport(environment: environment)
        // Replay first: it maps a 512 MB buffer and gathers random rows, which is sensitive to how
        // fragmented memory already is (huge pages); the MLP section at A = 100000 allocates gigabytes.
        if parts.contains(.replay) {
            let replay = try ReplayBenchmark.measure(budget: budget)
            report.replay = replay
            print("\n" + ReplayBenchmark.table(replay))
        }
        if parts.contains(.mlp) {
            report.mlpStep = try actions.map { try StepResult.measure(actions: $0, budget: budget) }
            print("\n" + StepResult.table(report.mlpStep ?? []))
        }
        if parts.contains(.dqn) {
            report.dqnUpdate = try actions.map { try DQNUpdateResult.measure(actions: $0, budget: budget) }
            print("\n" + DQNUpdateResult.table(report.dqnUpdate ?? []))
        }
        if parts.contains(.actorCritic) {
            report.actorCriticUpdate = try actions.flatMap { try ActorCriticUpdateResult.measure(actions: $0, budget: budget) }
            print("\n" + ActorCriticUpdateResult.table(report.actorCriticUpdate ?? []))
        }
        if parts.contains(.training) {
            let training = try TrainingThroughputResult.measure(steps: trainingSteps, copies: 8,
                                                                configuration: DQNConfiguration())
            report.training = training
            print("\n" + training.text)
        }
        if parts.contains(.recogym) {
            let recogym = try RecoGymBenchmarkResult.measure()
            report.recogym = recogym
            print("\n" + recogym.text)
        }
        if parts.contains(.data) {
            let data = try DataBenchmarkResult.measure()
            report.data = data
            print("\n" + data.text)
        }
        if parts.contains(.encoders) {
            let encoders = try EncoderResult.measureAll(budget: budget)
            report.encoders = encoders
            print("\n" + EncoderResult.table(encoders))
        }
        if parts.contains(.session) {
            let session = try SessionBenchmarkResult.measure()
            report.session = session
            print("\n" + session.text)
        }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let url = URL(fileURLWithPath: json)
            do {
                try encoder.encode(report).write(to: url)
            } catch {
                throw ValidationError("--json: cannot write \(json) (\(error.localizedDescription))")
            }
            print("\nwrote \(json)")
        }
    }
}

/// Everything the benchmark writes with `--json`.
struct BenchReport: Codable {
    let environment: EnvironmentReport
    var mlpStep: [StepResult]?
    var replay: ReplayBenchmarkResult?
    var dqnUpdate: [DQNUpdateResult]?
    var actorCriticUpdate: [ActorCriticUpdateResult]?
    var training: TrainingThroughputResult?
    var recogym: RecoGymBenchmarkResult?
    var data: DataBenchmarkResult?
    var encoders: [EncoderResult]?
    var session: SessionBenchmarkResult?

    init(environment: EnvironmentReport) { self.environment = environment }
}

/// The machine and library configuration the figures were measured with.
struct EnvironmentReport: Codable {
    let blasCoreType: String
    let blasConfiguration: String
    let coreTypeVariable: String?
    let cpuSupportsAVX512: Bool
    let threads: Int

    static func current() -> EnvironmentReport {
        EnvironmentReport(blasCoreType: BLASKernels.coreName, blasConfiguration: BLASKernels.configuration,
                          coreTypeVariable: ProcessInfo.processInfo.environment[BLASKernels.coreTypeVariable],
                          cpuSupportsAVX512: BLASKernels.cpuSupportsAVX512, threads: ThreadPolicy.threadCount)
    }

    var text: String {
        """
        OpenBLAS kernels: \(blasCoreType) (\(BLASKernels.coreTypeVariable)=\(coreTypeVariable ?? "unset"), \
        AVX-512 \(cpuSupportsAVX512 ? "available" : "not available"))
        OpenBLAS build:   \(blasConfiguration)
        threads:          \(threads)
        """
    }
}
