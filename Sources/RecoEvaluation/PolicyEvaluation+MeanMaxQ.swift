import Foundation
import RecoEnvironments
import RecoTensor

extension PolicyEvaluation {
    /// Rows scored per call of `Policy.scores` by `evaluateWithMeanMaxQ`.
    public static let meanMaxQBatch = 1_024

    /// `evaluate(_:episodes:seed:policy:)` together with the mean, over every state the policy acted on
    /// in the counted episodes, of `max_a Q(s, a)`: the Q-value convergence measure of value-based
    /// agents, from the same pass (the result is exactly `evaluate`'s). The mean is nil unless the
    /// policy's `scoreKind` is `.qValue`, since probabilities and rankings are not values (then no
    /// observation is copied at all), or when its `scores` throw `PolicyError.noScores` after all.
    /// States are scored in batches of up to `meanMaxQBatch` rows (one `scores` call each), the sum kept
    /// in Double. Throws what `evaluate` throws, and what else `scores` throws.
    public static func evaluateWithMeanMaxQ(_ environment: BatchedEnvironment, episodes: Int, seed: UInt64,
                                            policy: Policy) throws -> (result: Result, meanMaxQ: Float?) {
        guard policy.scoreKind == .qValue else {
            return (try evaluate(environment, episodes: episodes, seed: seed, policy: policy), nil)
        }
        let batch = meanMaxQBatch
        let staged = Matrix(rows: batch, columns: policy.observationWidth)
        let scores = Matrix(rows: batch, columns: policy.actionCount)
        var maxima = [Float](repeating: 0, count: batch)
        var pending = 0, states = 0, sum = 0.0, scored = true
        func scorePending() throws {
            guard pending > 0 else { return }
            do {
                try policy.scores(staged.rows(0..<pending), into: scores.rows(0..<pending))
            } catch PolicyError.noScores {
                scored = false
                pending = 0
                return
            }
            maxima.withUnsafeMutableBufferPointer { Kernels.rowMax(scores.rows(0..<pending), into: $0.baseAddress!) }
            for value in maxima[0..<pending] { sum += Double(value) }
            states += pending
            pending = 0
        }
        var returns = [Float](repeating: 0, count: max(0, episodes))
        var generator = RandomGenerator(seed: seed)
        try FixedEpisodes.run(environment, episodes: episodes, seed: seed, policy: policy, generator: &generator,
                              keepsObservations: true) { step in
            returns[step.episode] += step.reward
            guard scored, let observations = step.observations else { return }
            staged.rows(pending..<pending + 1).copy(from: observations.rows(step.copy..<step.copy + 1))
            pending += 1
            if pending == batch { try scorePending() }
        }
        try scorePending()
        return (Result(returns: returns), scored && states > 0 ? Float(sum / Double(states)) : nil)
    }
}
