import RecoEnvironments
import RecoTensor

/// Always plays one action: the "best fixed strategy" baseline when that action is the best one.
public final class FixedActionPolicy: Policy, @unchecked Sendable {
    public let action: Int
    public let observationWidth: Int
    public let actionCount: Int
    public var scoreKind: ActionScoreKind? { nil }

    public init(action: Int, observationWidth: Int, actionCount: Int) throws {
        guard (0..<actionCount).contains(action) else {
            throw PolicyError.shapeMismatch(field: "action", value: "\(action)", expected: "an index in 0..<\(actionCount)")
        }
        self.action = action
        self.observationWidth = observationWidth
        self.actionCount = actionCount
    }

    public func act(_ observations: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>,
                    logProbabilities: UnsafeMutableBufferPointer<Float>?, using generator: inout RandomGenerator) throws {
        try checkBatch(observations, actions: actions.count, logProbabilities: logProbabilities?.count)
        actions.update(repeating: Int32(action))
        logProbabilities?.update(repeating: 0)
    }
}
