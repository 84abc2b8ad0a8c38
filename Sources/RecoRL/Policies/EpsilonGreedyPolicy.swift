import Foundation
import RecoEnvironments
import RecoTensor

/// Epsilon-greedy exploration around a greedy policy: each row takes the greedy action, replaced by a
/// uniformly random action with probability `epsilon`.
///
/// The probability of the action returned is `1 - epsilon + epsilon / A` when it is the greedy one
/// (a random draw may pick it too) and `epsilon / A` otherwise; it is computed for the final action,
/// after exploration changed it.
public final class EpsilonGreedyPolicy: Policy, @unchecked Sendable {
    /// The policy explored around.
    public let greedy: Policy
    /// Probability of a random action. Trainers set it from the exploration schedule between steps;
    /// do not change it while another thread acts.
    public var epsilon: Float
    public var observationWidth: Int { greedy.observationWidth }
    public var actionCount: Int { greedy.actionCount }
    public var scoreKind: ActionScoreKind? { greedy.scoreKind }

    public init(greedy: Policy, epsilon: Float) {
        self.greedy = greedy
        self.epsilon = epsilon
    }

    public func act(_ observations: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>,
                    logProbabilities: UnsafeMutableBufferPointer<Float>?, using generator: inout RandomGenerator) throws {
        try greedy.act(observations, into: actions, logProbabilities: nil, using: &generator)
        let a = actionCount, epsilon = epsilon
        let greedyLog = Foundation.log(1 - epsilon + epsilon / Float(a)), exploredLog = Foundation.log(epsilon / Float(a))
        for i in 0..<actions.count {
            let chosen = actions[i]
            if generator.uniform() < epsilon { actions[i] = Int32(generator.index(below: a)) }
            logProbabilities?[i] = actions[i] == chosen ? greedyLog : exploredLog
        }
    }

    public func scores(_ observations: MatrixView, into scores: MatrixView) throws {
        try greedy.scores(observations, into: scores)
    }

    /// `epsilon / A` for every action, plus `1 - epsilon` for the greedy policy's choice.
    public func actionProbabilities(_ observations: MatrixView, into probabilities: MatrixView) throws {
        try greedy.actionProbabilities(observations, into: probabilities)
        let uniform = epsilon / Float(actionCount)
        for r in 0..<probabilities.rows {
            for a in 0..<probabilities.columns { probabilities[r, a] = (1 - epsilon) * probabilities[r, a] + uniform }
        }
    }
}
