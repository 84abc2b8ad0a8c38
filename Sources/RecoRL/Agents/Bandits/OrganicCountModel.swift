import RecoEnvironments
import RecoNetworks
import RecoTensor

/// Organic co-view counts (RecoGym's `OrganicCount`): recommend the product most often viewed
/// together with the one the user viewed last. It learns from organic behaviour only, never from
/// clicks: for every logged observation it adds `B Bᵀ` to a `P x P` co-count matrix, `B` being the
/// views of that observation's organic session (the growth of the view counts since the user's
/// previous logged decision). Acts on the co-count row of the last viewed product.
///
/// Contexts: RecoGym's `viewHistory` layout (`ViewHistoryLayout`, D = 2P); scores: co-counts (`P`).
public final class OrganicCountModel: BanditModel, @unchecked Sendable {
    public static let algorithm = "organic-count"
    public static let scoreKind: ActionScoreKind? = .ranking
    public let configuration: NoHyperparameters
    public let observationWidth: Int
    public let actionCount: Int
    public private(set) var interactionsSeen = 0
    private let layout: ViewHistoryLayout
    /// Co-view counts, `P x P` row-major: entry `(v, a)` counts views of `a` in sessions with `v`.
    private var coCounts: [Float]

    public init(configuration: NoHyperparameters, observationWidth: Int, actionCount: Int) throws {
        layout = try ViewHistoryLayout(algorithm: Self.algorithm, observationWidth: observationWidth, actionCount: actionCount)
        let cells = try layout.pairTableCells(tables: 1, algorithm: Self.algorithm)
        self.configuration = configuration
        self.observationWidth = observationWidth
        self.actionCount = actionCount
        coCounts = [Float](repeating: 0, count: cells)
    }

    public func fit(_ log: [LoggedInteraction], using generator: inout RandomGenerator) throws {
        try checkLog(log)
        let p = actionCount
        for i in coCounts.indices { coCounts[i] = 0 }
        var previous: [Int: [Float]] = [:]  // each user's view counts at their previous decision
        var session: [(product: Int, views: Float)] = []
        for interaction in log {
            let counts = interaction.context[0..<p]
            let before = interaction.user.flatMap { previous[$0] }
            session.removeAll(keepingCapacity: true)
            for (a, count) in counts.enumerated() {
                let views = count - (before?[a] ?? 0)
                if views > 0 { session.append((a, views)) }
            }
            for (v, x) in session {
                for (a, y) in session { coCounts[v * p + a] += x * y }
            }
            if let user = interaction.user { previous[user] = Array(counts) }
        }
        interactionsSeen = log.count
    }

    public func scores(_ contexts: MatrixView, into scores: MatrixView) {
        let p = actionCount
        for r in 0..<contexts.rows {
            let row = scores.rowPointer(r)
            if let v = layout.lastViewed(contexts, row: r) {
                coCounts.withUnsafeBufferPointer { row.update(from: $0.baseAddress! + v * p, count: p) }
            } else {
                row.update(repeating: 0, count: p)
            }
        }
    }

    public func parameters() -> ParameterStore {
        let store = ParameterStore(name: "co_counts", shape: [actionCount, actionCount])
        coCounts.withUnsafeBufferPointer { store.values.baseAddress!.update(from: $0.baseAddress!, count: $0.count) }
        return store
    }

    public func restore(_ parameters: ParameterStore, interactionsSeen: Int, path: String) throws {
        guard let tensor = parameters.tensor(named: "co_counts"), tensor.shape == [actionCount, actionCount] else {
            throw CheckpointError.mismatch(path: path, detail: "an organic-count checkpoint holds co_counts of shape [\(actionCount), \(actionCount)]")
        }
        for i in coCounts.indices { coCounts[i] = parameters.values[tensor.offset + i] }
        self.interactionsSeen = interactionsSeen
    }
}
