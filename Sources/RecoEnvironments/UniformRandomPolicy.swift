import Foundation
import RecoTensor

/// Picks uniformly among all actions, from the generator passed to `act`: the floor any learned
/// policy must clear. Its propensity is `1 / A` for every action.
public final class UniformRandomPolicy: Policy, @unchecked Sendable {
    public let observationWidth: Int
    public let actionCount: Int
    public var scoreKind: ActionScoreKind? { .probability }

    public init(observationWidth: Int, actionCount: Int) throws {
        guard actionCount >= 1 else {
            throw PolicyError.shapeMismatch(field: "actionCount", value: "\(actionCount)", expected: "at least 1")
        }
        self.observationWidth = observationWidth
        self.actionCount = actionCount
    }

    public func act(_ observations: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>,
                    logProbabilities: UnsafeMutableBufferPointer<Float>?, using generator: inout RandomGenerator) throws {
        try checkBatch(observations, actions: actions.count, logProbabilities: logProbabilities?.count)
        for i in 0..<actions.count { actions[i] = Int32(generator.index(below: actionCount)) }
        if let logProbabilities { logProbabilities.update(repeating: -log(Float(actionCount))) }
    }

    public func scores(_ observations: MatrixView, into scores: MatrixView) throws {
        try checkScores(observations, scores)
        for r in 0..<scores.rows {
            for j in 0..<scores.columns { scores[r, j] = 1 / Float(actionCount) }
        }
    }

    public func actionProbabilities(_ observations: MatrixView, into probabilities: MatrixView) throws {
        try scores(observations, into: probabilities)
    }
}
