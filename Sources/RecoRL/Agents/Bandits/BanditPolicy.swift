import RecoEnvironments
import RecoTensor

/// A bandit model's decisions as a `Policy`: its best guess (`act`) or, for the policy an online
/// model learns with, its exploring choice (`explore`). Reads the model as it is at each call.
public final class BanditPolicy<Model: BanditModel>: Policy, @unchecked Sendable {
    public let model: Model
    /// Whether this policy explores (`explore`) rather than acting on the best guess (`act`).
    public let explores: Bool
    public var observationWidth: Int { model.observationWidth }
    public var actionCount: Int { model.actionCount }
    public var scoreKind: ActionScoreKind? { Model.scoreKind }

    public init(model: Model, explores: Bool) {
        self.model = model
        self.explores = explores
    }

    public func act(_ observations: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>,
                    logProbabilities: UnsafeMutableBufferPointer<Float>?, using generator: inout RandomGenerator) throws {
        try checkBatch(observations, actions: actions.count, logProbabilities: logProbabilities?.count)
        if explores {
            model.explore(observations, into: actions, logProbabilities: logProbabilities, using: &generator)
        } else {
            model.act(observations, into: actions, logProbabilities: logProbabilities, using: &generator)
        }
    }

    public func scores(_ observations: MatrixView, into scores: MatrixView) throws {
        guard Model.scoreKind != nil else { throw PolicyError.noScores(policy: Model.algorithm) }
        try checkScores(observations, scores)
        model.scores(observations, into: scores)
    }

    public func actionProbabilities(_ observations: MatrixView, into probabilities: MatrixView) throws {
        try checkScores(observations, probabilities)
        model.actionProbabilities(observations, into: probabilities, exploring: explores)
    }
}
