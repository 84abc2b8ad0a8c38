import ArgumentParser
import Foundation
import RecoEvaluation
import RecoExperiments
import RecoRL
import RecoServing
import RecoTensor

/// `recorl ope`: estimates a policy's CTR from a RecoGym log without running it, or a checkpoint's
/// expected reward from the interaction log of `recorl serve` (`--log sqlite:PATH`).
struct OPECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ope",
        abstract: "Estimate a policy's CTR on a RecoGym log (IPS, clipped IPS, SNIPS, doubly robust) with bootstrap intervals.")

    @Option(help: "RecoGym CSV log (columns t,u,z,v,a,c,ps,ps-a) to evaluate on, or sqlite:PATH, the interaction log of recorl serve (with --checkpoint).")
    var log: String
    @Option(help: "Agent to fit and evaluate: \(AlgorithmRegistry.standard.names(of: .bandit).joined(separator: ", ")).") var agent: String?
    @Option(help: "Checkpoint of a trained agent to evaluate instead of --agent.") var checkpoint: String?
    @Option(help: "Log to fit the agent and the reward model on (default: the first half of --log's users).") var trainLog: String?
    @Option(parsing: .unconditional, help: "Products in the catalogue (default: inferred from the logs).") var products: Int?
    @Option(parsing: .unconditional, help: "Largest importance weight of clipped IPS.") var maxWeight = 10.0
    @Option(parsing: .unconditional, help: "Bootstrap resamples per interval.") var resamples = 1_000
    @Option(parsing: .unconditional, help: "Seed of the bootstrap and the agent.") var seed: UInt64 = 0
    @Option(help: "Write the report as JSON to this file.") var json: String?

    mutating func validate() throws {
        try Bounds.requirePath(log, flag: "--log")
        try Bounds.requirePositive(resamples, atMost: 100_000, flag: "--resamples")
        if let products { try Bounds.requirePositive(products, atMost: 100_000, flag: "--products") }
        if let json { try Bounds.requirePath(json, flag: "--json") }
        if log.hasPrefix(InteractionLog.locationPrefix) {
            guard InteractionLog.path(ofLocation: log) != nil else {
                throw ValidationError("--log: \(log) is not valid; expected sqlite:PATH (the interaction log of recorl serve)")
            }
            guard checkpoint != nil, agent == nil, trainLog == nil, products == nil else {
                throw ValidationError("--log: \(log) is a served log; expected --checkpoint alone (no --agent, --train-log or --products)")
            }
        }
    }

    func run() throws {
        if let path = InteractionLog.path(ofLocation: log), let checkpoint {
            let report = try ServedOffPolicyReport.run(log: path, checkpoint: checkpoint, maxWeight: maxWeight,
                                                       bootstrap: BootstrapSettings(resamples: resamples, seed: seed))
            print(report.table())
            if let json { try writeJSON(report, to: json) }
            return
        }
        var request = OffPolicyRequest(log: log)
        request.agent = agent
        request.checkpoint = checkpoint
        request.trainLog = trainLog
        request.products = products
        request.maxWeight = maxWeight
        request.bootstrap = BootstrapSettings(resamples: resamples, seed: seed)
        let report = try OffPolicyReport.run(request)
        print(report.table())
        if let json { try writeJSON(report, to: json) }
    }

    private func writeJSON(_ report: some Encodable, to json: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(report).write(to: URL(fileURLWithPath: json), options: .atomic)
        print("wrote \(json)")
    }
}
