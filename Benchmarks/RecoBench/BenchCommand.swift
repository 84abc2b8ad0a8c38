import ArgumentParser
import Foundation
import RecoNetworks
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

    @Option(name: .long, help: "Threads for BLAS and the engine (default: \(ThreadPolicy.environmentVariable) or all cores).")
    var threads: Int?

    mutating func validate() throws {
        if let bad = actions.first(where: { $0 < 1 }) {
            throw ValidationError("--actions: \(bad) is not a valid action count; expected positive integers")
        }
        if budget <= 0 { throw ValidationError("--budget: \(budget) is not valid; expected a positive number of seconds") }
        if let threads, threads < 1 { throw ValidationError("--threads: \(threads) is not valid; expected at least 1") }
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
        var results: [StepResult] = []
        for count in actions {
            let result = try StepResult.measure(actions: count, budget: budget)
            results.append(result)
        }
        print("")
        print(StepResult.table(results))
        if let json {
            let report = BenchReport(environment: environment, mlpStep: results)
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
    let mlpStep: [StepResult]
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
