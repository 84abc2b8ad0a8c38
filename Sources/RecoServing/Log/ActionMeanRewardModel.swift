import RecoEnvironments
import RecoEvaluation

/// The doubly robust estimator's reward model for a served log: the mean logged reward of each action,
/// whatever the context (the mean over every interaction for an action never logged). Simple on
/// purpose: it needs nothing but the log, and doubly robust stays unbiased whatever the model when the
/// propensities are right; a better model only narrows the interval.
public struct ActionMeanRewardModel: RewardModel {
    /// The predicted reward of each action.
    public let means: [Double]

    /// The means of `log`'s rewards per action in `0..<actionCount`.
    public init(fittedTo log: [LoggedInteraction], actionCount: Int) {
        var sums = [Double](repeating: 0, count: actionCount), counts = [Int](repeating: 0, count: actionCount)
        var total = 0.0
        for interaction in log {
            total += Double(interaction.reward)
            guard interaction.action < actionCount else { continue }
            sums[interaction.action] += Double(interaction.reward)
            counts[interaction.action] += 1
        }
        let overall = log.isEmpty ? 0 : total / Double(log.count)
        means = (0..<actionCount).map { counts[$0] > 0 ? sums[$0] / Double(counts[$0]) : overall }
    }

    /// The mean reward of `action` (0 for an action outside the model), whatever the context.
    public func predictedReward(context: [Float], action: Int) -> Double {
        means.indices.contains(action) ? means[action] : 0
    }
}
