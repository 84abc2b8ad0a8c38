import Foundation
import RecoEnvironments
import RecoNetworks
import RecoTensor

/// Uniform random recommendations (RecoGym's `RandomAgent`): the floor every other agent must clear,
/// and the default logging policy. Learns nothing; every action has propensity `1 / A`.
public final class RandomBaseline: BanditModel, @unchecked Sendable {
    public static let algorithm = "random"
    public static let scoreKind: ActionScoreKind? = .probability
    public static let learnsFromData = false
    public let configuration: NoHyperparameters
    public let observationWidth: Int
    public let actionCount: Int
    public private(set) var interactionsSeen = 0

    public init(configuration: NoHyperparameters, observationWidth: Int, actionCount: Int) throws {
        self.configuration = configuration
        self.observationWidth = observationWidth
        self.actionCount = actionCount
    }

    public func fit(_ log: [LoggedInteraction], using generator: inout RandomGenerator) throws {
        try checkLog(log)
        interactionsSeen = log.count
    }

    public func scores(_ contexts: MatrixView, into scores: MatrixView) {
        scores.fill(1 / Float(actionCount))
    }

    public func act(_ contexts: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>,
                    logProbabilities: UnsafeMutableBufferPointer<Float>?, using generator: inout RandomGenerator) {
        for i in 0..<actions.count { actions[i] = Int32(generator.index(below: actionCount)) }
        logProbabilities?.update(repeating: -log(Float(actionCount)))
    }

    public func actionProbabilities(_ contexts: MatrixView, into probabilities: MatrixView, exploring: Bool) {
        scores(contexts, into: probabilities)
    }

    public func parameters() -> ParameterStore { ParameterStore(shapes: []) }

    public func restore(_ parameters: ParameterStore, interactionsSeen: Int, path: String) throws {
        self.interactionsSeen = interactionsSeen
    }
}
