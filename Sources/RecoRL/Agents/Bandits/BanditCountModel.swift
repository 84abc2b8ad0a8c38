import RecoEnvironments
import RecoNetworks
import RecoTensor

/// Bandit counts (RecoGym's `BanditCount`): the click rate of every (last viewed product, action)
/// pair, estimated as the mean of its Beta posterior, `(clicks + alpha) / (impressions + alpha + beta)`;
/// recommend the pair's best action. Learns from clicks only, not from organic co-views; a user
/// without views is scored with the counts summed over all last viewed products.
///
/// Contexts: RecoGym's `viewHistory` layout (`ViewHistoryLayout`, D = 2P); scores: the posterior mean
/// click rate of each action (`P`), the expected one-step reward.
public final class BanditCountModel: BanditModel, @unchecked Sendable {
    public static let algorithm = "bandit-count"
    public static let scoreKind: ActionScoreKind? = .qValue
    public let configuration: BanditCountConfiguration
    public let observationWidth: Int
    public let actionCount: Int
    public private(set) var interactionsSeen = 0
    private let layout: ViewHistoryLayout
    /// `P x P` row-major, entry `(last viewed, action)`.
    private var clicks: [Float]
    private var impressions: [Float]

    public init(configuration: BanditCountConfiguration, observationWidth: Int, actionCount: Int) throws {
        layout = try ViewHistoryLayout(algorithm: Self.algorithm, observationWidth: observationWidth, actionCount: actionCount)
        let cells = try layout.pairTableCells(tables: 2, algorithm: Self.algorithm)
        self.configuration = configuration
        self.observationWidth = observationWidth
        self.actionCount = actionCount
        clicks = [Float](repeating: 0, count: cells)
        impressions = [Float](repeating: 0, count: cells)
    }

    public func fit(_ log: [LoggedInteraction], using generator: inout RandomGenerator) throws {
        try checkLog(log)
        for i in clicks.indices { clicks[i] = 0; impressions[i] = 0 }
        for interaction in log {
            guard let v = layout.lastViewed(interaction.context) else { continue }
            impressions[v * actionCount + interaction.action] += 1
            clicks[v * actionCount + interaction.action] += interaction.reward > 0 ? 1 : 0
        }
        interactionsSeen = log.count
    }

    public func scores(_ contexts: MatrixView, into scores: MatrixView) {
        let p = actionCount, alpha = configuration.priorClicks, beta = configuration.priorMisses
        for r in 0..<contexts.rows {
            let row = scores.rowPointer(r)
            if let v = layout.lastViewed(contexts, row: r) {
                for a in 0..<p { row[a] = (clicks[v * p + a] + alpha) / (impressions[v * p + a] + alpha + beta) }
            } else {
                for a in 0..<p {
                    var c: Float = 0, n: Float = 0
                    for v in 0..<p { c += clicks[v * p + a]; n += impressions[v * p + a] }
                    row[a] = (c + alpha) / (n + alpha + beta)
                }
            }
        }
    }

    public func parameters() -> ParameterStore {
        let p = actionCount
        let store = ParameterStore(shapes: [ParameterShape(name: "clicks", shape: [p, p]),
                                            ParameterShape(name: "impressions", shape: [p, p])])
        let values = store.values.baseAddress!
        clicks.withUnsafeBufferPointer { values.update(from: $0.baseAddress!, count: $0.count) }
        impressions.withUnsafeBufferPointer { values.advanced(by: p * p).update(from: $0.baseAddress!, count: $0.count) }
        return store
    }

    public func restore(_ parameters: ParameterStore, interactionsSeen: Int, path: String) throws {
        let p = actionCount
        guard let c = parameters.tensor(named: "clicks"), c.shape == [p, p],
              let n = parameters.tensor(named: "impressions"), n.shape == [p, p] else {
            throw CheckpointError.mismatch(path: path, detail: "a bandit-count checkpoint holds clicks and impressions of shape [\(p), \(p)]")
        }
        for i in 0..<(p * p) {
            clicks[i] = parameters.values[c.offset + i]
            impressions[i] = parameters.values[n.offset + i]
        }
        self.interactionsSeen = interactionsSeen
    }
}
