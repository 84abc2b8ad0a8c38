import ArgumentParser
import Foundation
import RecoEnvironments
import RecoEvaluation
import RecoExperiments
import RecoRL
import RecoServing
import RecoSimulators
import RecoTensor

/// `recorl log`: writes a RecoGym log of a logging policy, with its propensities, as RecoGym's CSV; or,
/// with `--from sqlite:PATH`, exports the interaction log of `recorl serve` as such a CSV.
struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Write a RecoGym CSV log (t,u,z,v,a,c,ps,ps-a) of users served by a logging policy, or of recorl serve's log (--from).")

    @Option(parsing: .unconditional, help: "Products in the catalogue (at least 2).") var products = 10
    @Option(parsing: .unconditional, help: "Users to log.") var users = 1_000
    @Option(parsing: .unconditional, help: "Seed of the world (RecoGym's random_seed) and the users.") var seed: UInt64 = 42
    @Option(help: "Logging policy that needs no training: random or user-count (default: random).") var agent = "random"
    @Option(help: "Checkpoint of a trained agent (observing recogym's viewHistory) to log with, instead of --agent.") var checkpoint: String?
    @Option(parsing: .unconditional, help: "Share of impressions chosen uniformly at random instead of by the policy.") var epsilon: Float = 0
    @Option(help: "CSV file to write.") var out: String
    @Option(help: "Export this interaction log of recorl serve (sqlite:PATH) instead of simulating users: its decisions with rewards as bandit rows.")
    var from: String?

    mutating func validate() throws {
        guard products >= 2, products <= 100_000 else {
            throw ValidationError("--products: \(products) is not valid; expected 2 to 100,000 products")
        }
        try Bounds.requirePositive(users, atMost: ABTestSettings.maximumUsers, flag: "--users")
        guard seed <= UInt64(UInt32.max) else {
            throw ValidationError("--seed: \(seed) is not valid; expected 0 to \(UInt32.max) (RecoGym's random_seed)")
        }
        guard epsilon >= 0, epsilon <= 1 else {
            throw ValidationError("--epsilon: \(epsilon) is not valid; expected a share in [0, 1]")
        }
        try Bounds.requirePath(out, flag: "--out")
        if let checkpoint { try Bounds.requirePath(checkpoint, flag: "--checkpoint") }
        if let from, InteractionLog.path(ofLocation: from) == nil {
            throw ValidationError("--from: \(from) is not valid; expected sqlite:PATH (the interaction log of recorl serve)")
        }
    }

    func run() throws {
        if let path = from.flatMap(InteractionLog.path(ofLocation:)) {
            let written: (rows: Int, withoutReward: Int)
            do { written = try ServedLogExport.write(from: path, to: URL(fileURLWithPath: out)) } catch let error as InteractionLogError {
                throw ExperimentError("--from: \(error)")
            }
            print("wrote \(out): \(written.rows) impressions from sqlite:\(path) (left out \(written.withoutReward) decisions without reward)")
            return
        }
        var settings = ABTestSettings()
        settings.products = products
        settings.seed = seed
        let environment = try ABTest.environment(settings)
        let spaces = try EnvironmentSpaces(observationSpace: environment.observationSpace, actionSpace: environment.actionSpace)
        var generator = RandomGenerator(seed: seed, stream: 1)
        let policy: Policy
        if let checkpoint {
            let loaded: Agent
            do { loaded = try AlgorithmRegistry.standard.load(from: URL(fileURLWithPath: checkpoint)).agent } catch {
                throw ExperimentError("--checkpoint: \(error)")
            }
            guard loaded.observationWidth == spaces.observationWidth, loaded.actionCount == products else {
                throw ExperimentError("--checkpoint: \(checkpoint) takes \(loaded.observationWidth) values and \(loaded.actionCount) actions; "
                                      + "expected \(spaces.observationWidth) and \(products) (recogym's viewHistory)")
            }
            policy = loaded.greedyPolicy
        } else {
            let entry: AlgorithmEntry
            do { entry = try AlgorithmRegistry.standard.entry(named: agent) } catch { throw ExperimentError("--agent: \(error)") }
            let made = try entry.makeAgent(entry.defaultConfiguration(), spaces: spaces, generator: &generator)
            guard let rule = made as? LoggedDataLearner, !rule.learnsFromData else {
                throw ExperimentError("--agent: \(agent) must be trained first; expected random or user-count, or --checkpoint of a trained agent")
            }
            policy = made.greedyPolicy
        }
        let logging: Policy = epsilon > 0 ? EpsilonGreedyPolicy(greedy: policy, epsilon: epsilon) : policy
        let rows = try RecoGymLogging.log(logging, in: environment, users: users, seed: seed &+ 1, generator: &generator)
        try RecoGymLog.write(rows, to: URL(fileURLWithPath: out))
        let impressions = rows.filter { $0.kind == .bandit }
        let clicks = impressions.reduce(0) { $0 + Int($1.click ?? 0) }
        print("wrote \(out): \(users) users, \(rows.count - impressions.count) page views, \(impressions.count) impressions, \(clicks) clicks")
    }
}
