import ArgumentParser
import Foundation
import RecoExperiments
import RecoRL
import RecoTensor

/// `recorl ab`: RecoGym's A/B test of several agents on the same training and test users.
struct ABCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ab",
        abstract: "Train agents on the same RecoGym users and A/B test them on the same held-out users (CTR with 95% intervals).")

    @Option(help: "Environment (only recogym has an A/B protocol).") var env = "recogym"
    @Option(parsing: .unconditional, help: "Products in the catalogue (at least 2).") var products = 10
    @Option(parsing: .unconditional, help: "Users in the training log.") var trainUsers = 5_000
    @Option(parsing: .unconditional, help: "Held-out users every agent is tested on.") var testUsers = 5_000
    @Option(help: "Comma-separated agents among \(AlgorithmRegistry.standard.names.joined(separator: ", ")).")
    var agents = ABTestSettings().agents.joined(separator: ",")
    @Option(parsing: .unconditional, help: "Seed of the world, the users and the agents.") var seed: UInt64 = 42
    @Option(help: "Output directory for ab.csv and ab.json.") var out = "runs/ab"
    @Option(parsing: .unconditional, help: "Threads for BLAS and the engine (default: \(ThreadPolicy.environmentVariable) or all cores).") var threads: Int?

    mutating func validate() throws {
        guard env == "recogym" else {
            throw ValidationError("--env: \"\(env)\" is not valid; expected recogym (the A/B protocol is RecoGym's)")
        }
        try Bounds.requireThreads(threads)
        try Bounds.requirePath(out, flag: "--out")
        do { try settings().validate(registry: .standard) } catch { throw ValidationError("\(error)") }
    }

    func settings() -> ABTestSettings {
        var settings = ABTestSettings()
        settings.products = products
        settings.trainUsers = trainUsers
        settings.testUsers = testUsers
        settings.seed = seed
        var names: [String] = []
        for name in agents.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            if !names.contains(trimmed) { names.append(trimmed) }
        }
        settings.agents = names
        return settings
    }

    func run() throws {
        if let threads { ThreadPolicy.setThreadCount(threads) }
        let settings = settings()
        let directory = try RunDirectory(creating: out)
        print("recorl ab: \(settings.agents.joined(separator: ", ")) on recogym, \(products) products, "
              + "\(trainUsers) training and \(testUsers) test users, seed \(seed); BLAS \(BLASKernels.coreName), \(ThreadPolicy.threadCount) threads")
        fflush(stdout)
        let start = DispatchTime.now().uptimeNanoseconds
        let results = try ABTest.run(settings) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        print("")
        print(ABTest.table(results))
        try ABTest.write(results, settings: settings, to: directory.url)
        print("")
        print(String(format: "total %.1f s; wrote %@ and ab.json", Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9,
                     directory.url.appendingPathComponent("ab.csv").path))
    }
}
