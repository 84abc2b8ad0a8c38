import Foundation
import RecoEnvironments
import RecoNetworks
import RecoTensor

/// Per-user organic counts (RecoGym's `OrganicUserEventCounterAgent`): recommend what this user has
/// viewed, in proportion to how often (or the most viewed product, without `selectRandomly`), with an
/// `epsilon` share of uniform choices. Learns nothing from logs: everything it needs is in the
/// context. A user without views gets a uniform choice.
///
/// Contexts: RecoGym's `viewHistory` layout (`ViewHistoryLayout`, D = 2P); scores: the probability of
/// each product (`P`).
public final class UserCountModel: BanditModel, @unchecked Sendable {
    public static let algorithm = "user-count"
    public static let scoreKind: ActionScoreKind? = .probability
    public static let learnsFromData = false
    public let configuration: UserCountConfiguration
    public let observationWidth: Int
    public let actionCount: Int
    public private(set) var interactionsSeen = 0

    public init(configuration: UserCountConfiguration, observationWidth: Int, actionCount: Int) throws {
        _ = try ViewHistoryLayout(algorithm: Self.algorithm, observationWidth: observationWidth, actionCount: actionCount)
        self.configuration = configuration
        self.observationWidth = observationWidth
        self.actionCount = actionCount
    }

    public func fit(_ log: [LoggedInteraction], using generator: inout RandomGenerator) throws {
        try checkLog(log)
        interactionsSeen = log.count
    }

    /// The probability of each product for `row` of `contexts`, written into `out` (`P` values).
    private func probabilities(_ contexts: MatrixView, row r: Int, into out: UnsafeMutablePointer<Float>) {
        let p = actionCount, counts = contexts.rowPointer(r)
        var total: Float = 0
        for a in 0..<p { total += counts[a] }
        let uniform = 1 / Float(p)
        guard total > 0 else { out.update(repeating: uniform, count: p); return }
        let epsilon = configuration.epsilon
        if configuration.selectRandomly {
            for a in 0..<p { out[a] = (1 - epsilon) * counts[a] / total + epsilon * uniform }
        } else {
            var best = 0
            for a in 1..<p where counts[a] > counts[best] { best = a }
            for a in 0..<p { out[a] = epsilon * uniform }
            out[best] += 1 - epsilon
        }
    }

    public func scores(_ contexts: MatrixView, into scores: MatrixView) {
        for r in 0..<contexts.rows { probabilities(contexts, row: r, into: scores.rowPointer(r)) }
    }

    public func act(_ contexts: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>,
                    logProbabilities: UnsafeMutableBufferPointer<Float>?, using generator: inout RandomGenerator) {
        var row = [Float](repeating: 0, count: actionCount)
        row.withUnsafeMutableBufferPointer { probabilities in
            for r in 0..<contexts.rows {
                self.probabilities(contexts, row: r, into: probabilities.baseAddress!)
                let chosen = generator.categorical(UnsafeBufferPointer(probabilities))
                actions[r] = Int32(chosen)
                logProbabilities?[r] = log(probabilities[chosen])
            }
        }
    }

    public func actionProbabilities(_ contexts: MatrixView, into probabilities: MatrixView, exploring: Bool) {
        scores(contexts, into: probabilities)
    }

    public func parameters() -> ParameterStore { ParameterStore(shapes: []) }

    public func restore(_ parameters: ParameterStore, interactionsSeen: Int, path: String) throws {
        self.interactionsSeen = interactionsSeen
    }
}
