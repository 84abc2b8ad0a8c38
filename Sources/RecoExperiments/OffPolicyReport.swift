import Foundation
import RecoEnvironments
import RecoEvaluation
import RecoRL
import RecoSimulators
import RecoTensor

/// What `recorl ope` estimates: a policy's CTR from a RecoGym log, by every off-policy estimator.
public struct OffPolicyRequest: Sendable {
    /// The RecoGym CSV log the policy is evaluated on.
    public var log: String
    /// A registry name: the agent is built for the log's catalogue and, if it learns from logs, fitted
    /// to `trainLog` (or to the first half of `log`'s users when no `trainLog` is given).
    public var agent: String?
    /// A checkpoint of any trained agent (observing RecoGym's `viewHistory`), instead of `agent`.
    public var checkpoint: String?
    /// A second RecoGym log to fit the agent and the doubly robust reward model on.
    public var trainLog: String?
    /// Catalogue size; nil: one more than the largest product or action in the logs.
    public var products: Int?
    /// Clipped IPS's largest weight.
    public var maxWeight = 10.0
    public var bootstrap = BootstrapSettings()

    public init(log: String) { self.log = log }
}

/// Every estimator's verdict on one policy and log.
public struct OffPolicyReport: Codable, Sendable {
    public var agent: String
    public var products: Int
    /// Interactions the agent (and the reward model) were fitted on, and where they came from.
    public var trainingInteractions: Int
    public var trainingSource: String
    /// Interactions the estimates are computed on.
    public var evaluationInteractions: Int
    /// The logging policy's own CTR on the evaluation interactions.
    public var loggedCTR: Double
    /// `ips`, `clipped-ips`, `snips`, `dr`, in that order.
    public var estimates: [NamedEstimate]

    public struct NamedEstimate: Codable, Sendable {
        public var estimator: String
        public var estimate: OffPolicyEstimate

        public init(estimator: String, estimate: OffPolicyEstimate) {
            self.estimator = estimator
            self.estimate = estimate
        }
    }
}

extension OffPolicyReport {
    /// The four estimates of `target` on `log`: IPS, clipped IPS (weights capped at `maxWeight`),
    /// self-normalised IPS, and doubly robust with a reward model fitted to `rewardData` (bandit
    /// counts per last viewed product and action; `rewardData` should not be `log` itself).
    public static func estimates(_ target: Policy, on log: [LoggedInteraction], rewardData: [LoggedInteraction],
                                 products: Int, maxWeight: Double, bootstrap: BootstrapSettings) throws -> [NamedEstimate] {
        try estimates(target, on: log, rewardModel: try LastViewedRewardModel(fittedTo: rewardData, products: products),
                      maxWeight: maxWeight, bootstrap: bootstrap)
    }

    /// The four estimates of `target` on `log`: IPS, clipped IPS (weights capped at `maxWeight`),
    /// self-normalised IPS, and doubly robust with `rewardModel`, in that order.
    public static func estimates(_ target: Policy, on log: [LoggedInteraction], rewardModel: RewardModel,
                                 maxWeight: Double, bootstrap: BootstrapSettings) throws -> [NamedEstimate] {
        [
            NamedEstimate(estimator: "ips", estimate: try OffPolicyEstimators.ips(target, on: log, bootstrap: bootstrap)),
            NamedEstimate(estimator: "clipped-ips", estimate: try OffPolicyEstimators.clippedIPS(
                target, on: log, maxWeight: maxWeight, bootstrap: bootstrap)),
            NamedEstimate(estimator: "snips", estimate: try OffPolicyEstimators.selfNormalizedIPS(target, on: log, bootstrap: bootstrap)),
            NamedEstimate(estimator: "dr", estimate: try OffPolicyEstimators.doublyRobust(
                target, on: log, rewardModel: rewardModel, bootstrap: bootstrap)),
        ]
    }

    /// Runs `request`: reads the logs, builds or loads the policy, and estimates.
    public static func run(_ request: OffPolicyRequest, registry: AlgorithmRegistry = .standard) throws -> OffPolicyReport {
        guard (request.agent == nil) != (request.checkpoint == nil) else {
            throw ExperimentError("--agent / --checkpoint: give exactly one (a registry name to fit, or a trained checkpoint)")
        }
        guard request.maxWeight > 0, request.maxWeight.isFinite else {
            throw ExperimentError("--max-weight: \(request.maxWeight) is not valid; expected a finite weight above 0")
        }
        if let name = request.agent {
            let entry: AlgorithmEntry
            do { entry = try registry.entry(named: name) } catch { throw ExperimentError("--agent: \(error)") }
            guard entry.family == .bandit else {
                throw ExperimentError("--agent: \(name) learns online, not from a log; expected --checkpoint of a trained \(name) agent")
            }
        }
        let rows = try readLog(request.log, flag: "--log")
        let trainRows = try request.trainLog.map { try readLog($0, flag: "--train-log") }
        let products = try request.products ?? inferredProducts(rows + (trainRows ?? []))
        guard products >= 2, products <= maximumProducts else {
            throw ExperimentError("--products: \(products) is not valid; expected 2 to \(maximumProducts) products")
        }
        var evaluation = try interactions(rows, products: products, flag: "--log")
        var training: [LoggedInteraction]
        var source: String
        if let trainRows {
            training = try interactions(trainRows, products: products, flag: "--train-log")
            source = request.trainLog ?? ""
        } else {
            // Split by user: the first half of the users (in order of first appearance) trains.
            var order: [Int: Int] = [:]
            for interaction in evaluation where order[interaction.user ?? -1] == nil {
                order[interaction.user ?? -1] = order.count
            }
            let half = (order.count + 1) / 2
            training = evaluation.filter { order[$0.user ?? -1]! < half }
            evaluation = evaluation.filter { order[$0.user ?? -1]! >= half }
            source = "the first \(half) of the log's \(order.count) users (estimates on the others)"
        }
        guard !evaluation.isEmpty else {
            throw ExperimentError("--log: \(request.log) leaves no bandit impressions to evaluate on; expected a log with impressions")
        }
        let target: Policy, name: String
        if let checkpoint = request.checkpoint {
            let loaded: (agent: Agent, metadata: [String: String])
            do { loaded = try registry.load(from: URL(fileURLWithPath: checkpoint)) } catch { throw ExperimentError("--checkpoint: \(error)") }
            guard loaded.agent.observationWidth == 2 * products, loaded.agent.actionCount == products else {
                throw ExperimentError("--checkpoint: \(checkpoint) takes \(loaded.agent.observationWidth) values and \(loaded.agent.actionCount) actions; "
                                      + "expected \(2 * products) and \(products) (recogym's viewHistory over \(products) products)")
            }
            target = loaded.agent.greedyPolicy
            name = loaded.agent.algorithm
            source = "the checkpoint's own training"
        } else {
            let agentName = request.agent ?? ""
            let entry: AlgorithmEntry
            do { entry = try registry.entry(named: agentName) } catch { throw ExperimentError("--agent: \(error)") }
            var generator = RandomGenerator(seed: request.bootstrap.seed)
            let spaces = try EnvironmentSpaces(observationSpace: .box(lower: [Float](repeating: 0, count: 2 * products),
                                                                      upper: [Float](repeating: .infinity, count: 2 * products)),
                                               actionSpace: .discrete(products))
            let agent = try entry.makeAgent(entry.defaultConfiguration(), spaces: spaces, generator: &generator)
            guard let learner = agent as? LoggedDataLearner else {
                throw ExperimentError("--agent: \(agentName) does not learn from logs; expected --checkpoint of a trained \(agentName) agent")
            }
            try learner.fit(training, using: &generator)
            target = agent.greedyPolicy
            name = agentName
        }
        let estimates = try estimates(target, on: evaluation, rewardData: training.isEmpty ? evaluation : training,
                                      products: products, maxWeight: request.maxWeight, bootstrap: request.bootstrap)
        let clicks = evaluation.reduce(0.0) { $0 + Double($1.reward) }
        return OffPolicyReport(agent: name, products: products, trainingInteractions: training.count, trainingSource: source,
                               evaluationInteractions: evaluation.count, loggedCTR: clicks / Double(evaluation.count),
                               estimates: estimates)
    }

    /// The report as a text table.
    public func table() -> String {
        let widths = [12, 12, 30, 12]
        var lines = [
            "\(agent) on \(evaluationInteractions) logged impressions (\(products) products); fitted on \(trainingInteractions) from \(trainingSource)",
            String(format: "logging policy's CTR %.4f%%", loggedCTR * 100),
            Table.row(["estimator", "CTR", "95% bootstrap interval", "ESS"], widths: widths),
        ]
        for named in estimates {
            let e = named.estimate
            lines.append(Table.row([named.estimator, String(format: "%.4f%%", e.value * 100),
                                    String(format: "[%.4f%%, %.4f%%]", e.confidenceInterval.lowerBound * 100, e.confidenceInterval.upperBound * 100),
                                    String(format: "%.0f", e.effectiveSampleSize)], widths: widths))
        }
        return lines.joined(separator: "\n")
    }

    /// The largest catalogue `ope` reads: 100,000 products.
    public static let maximumProducts = 100_000

    private static func readLog(_ path: String, flag: String) throws -> [RecoGymLogRow] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ExperimentError("\(flag): \(path) does not exist; expected a RecoGym CSV log")
        }
        do { return try RecoGymLog.read(contentsOf: URL(fileURLWithPath: path)) } catch { throw ExperimentError("\(flag): \(path): \(error)") }
    }

    private static func inferredProducts(_ rows: [RecoGymLogRow]) throws -> Int {
        let largest = rows.reduce(-1) { max($0, $1.viewed ?? -1, $1.action ?? -1) }
        guard largest >= 0 else { throw ExperimentError("--log: no products in the log; expected organic or bandit rows") }
        guard largest < maximumProducts else {
            throw ExperimentError("--log: product \(largest) is not valid; expected product ids below \(maximumProducts)")
        }
        return largest + 1
    }

    private static func interactions(_ rows: [RecoGymLogRow], products: Int, flag: String) throws -> [LoggedInteraction] {
        do { return try RecoGymLog.banditInteractions(rows, products: products, observation: .viewHistory) } catch {
            throw ExperimentError("\(flag): \(error)")
        }
    }
}

/// The doubly robust estimator's reward model for RecoGym logs: the Beta-posterior click rate of each
/// (last viewed product, action) pair (`BanditCountModel`), looked up by the context's last viewed
/// product.
struct LastViewedRewardModel: RewardModel {
    private let products: Int
    private let layout: ViewHistoryLayout
    /// `(P + 1) x P`: row `v` for last viewed product `v`, row `P` for a user without views.
    private let table: [Double]

    init(fittedTo log: [LoggedInteraction], products: Int) throws {
        let model = try BanditCountModel(configuration: BanditCountConfiguration(), observationWidth: 2 * products,
                                         actionCount: products)
        var generator = RandomGenerator(seed: 0)
        try model.fit(log, using: &generator)
        let contexts = Matrix(rows: products + 1, columns: 2 * products)
        for v in 0..<products { contexts[v, products + v] = 1 }
        let scores = Matrix(rows: products + 1, columns: products)
        model.scores(contexts.view, into: scores.view)
        self.products = products
        layout = try ViewHistoryLayout(algorithm: "the reward model", observationWidth: 2 * products, actionCount: products)
        table = scores.toArray().map(Double.init)
    }

    func predictedReward(context: [Float], action: Int) -> Double {
        let v = layout.lastViewed(context) ?? products
        return table[v * products + action]
    }
}
