import Foundation
import RecoTensor

/// The per-sample parts of the A2C and PPO losses, for a whole minibatch of `M` samples at once.
///
/// The policy losses are written as gradients with respect to each sample's log-probability of its
/// action, `dL/d log pi(a_i|s_i)`; `Kernels.categoricalGradient` turns them (and the entropy bonus)
/// into gradients with respect to the logits in one pass over the `M x A` table.
public enum PolicyGradientLoss {
    /// What the PPO surrogate measured on a minibatch.
    public struct SurrogateStatistics: Equatable, Sendable {
        /// `-(1/M) sum_i min(r_i A_i, clip(r_i, 1 - eps, 1 + eps) A_i)`.
        public var loss: Float
        /// Fraction of samples whose ratio lies outside `[1 - eps, 1 + eps]`.
        public var clipFraction: Float
        /// `(1/M) sum_i (r_i - 1) - log r_i`, an estimate of KL(old || new) that is never negative.
        public var approximateKL: Float
    }

    /// PPO's clipped surrogate (Schulman et al., 2017, "Proximal Policy Optimization Algorithms"), with
    /// ratios `r_i = exp(newLogProbabilities_i - oldLogProbabilities_i)`. Writes `dL/d log pi_new(a_i)`
    /// into `coefficients`: `-(1/M) r_i A_i` where the unclipped term is the minimum, 0 where the clipped
    /// term is (the ratio has moved past the range in the direction the advantage favours).
    public static func clippedSurrogate(newLogProbabilities: UnsafePointer<Float>, oldLogProbabilities: UnsafePointer<Float>,
                                        advantages: UnsafePointer<Float>, count: Int, clipRange: Float,
                                        coefficients: UnsafeMutablePointer<Float>) -> SurrogateStatistics {
        precondition(count >= 1 && clipRange > 0, "surrogate needs samples and a positive clip range")
        var loss: Float = 0, clipped = 0, kl: Float = 0
        let scale = 1 / Float(count)
        for i in 0..<count {
            let logRatio = newLogProbabilities[i] - oldLogProbabilities[i]
            let ratio = Foundation.exp(logRatio)
            let advantage = advantages[i]
            let unclippedTerm = ratio * advantage
            let clippedTerm = min(max(ratio, 1 - clipRange), 1 + clipRange) * advantage
            loss -= min(unclippedTerm, clippedTerm)
            coefficients[i] = unclippedTerm <= clippedTerm ? -scale * unclippedTerm : 0
            if abs(ratio - 1) > clipRange { clipped += 1 }
            kl += (ratio - 1) - logRatio
        }
        return SurrogateStatistics(loss: loss * scale, clipFraction: Float(clipped) * scale, approximateKL: kl * scale)
    }

    /// The plain policy-gradient loss of A2C (Mnih et al., 2016), `-(1/M) sum_i A_i log pi(a_i|s_i)`:
    /// writes its gradient `-A_i / M` into `coefficients` and returns the loss.
    public static func policyGradient(logProbabilities: UnsafePointer<Float>, advantages: UnsafePointer<Float>, count: Int,
                                      coefficients: UnsafeMutablePointer<Float>) -> Float {
        precondition(count >= 1, "policy gradient needs samples")
        let scale = 1 / Float(count)
        var loss: Float = 0
        for i in 0..<count {
            loss -= advantages[i] * logProbabilities[i]
            coefficients[i] = -scale * advantages[i]
        }
        return loss * scale
    }

    /// The critic's loss `coefficient * (1/2M) sum_i (V_i - R_i)^2`, or with `clipRange` PPO's clipped
    /// form `coefficient * (1/2M) sum_i max((V_i - R_i)^2, (V_old,i + clip(V_i - V_old,i, -eps, eps) - R_i)^2)`,
    /// which keeps the value from moving far from the one that collected the data. Writes `dL/dV_i`
    /// into `gradient` (`M x 1`, any stride) and returns the loss.
    public static func valueLoss(values: MatrixView, returns: UnsafePointer<Float>, oldValues: UnsafePointer<Float>,
                                 clipRange: Float?, coefficient: Float, gradient: MatrixView) -> Float {
        precondition(values.columns == 1 && gradient.columns == 1 && gradient.rows == values.rows, "values are one column")
        let count = values.rows
        let scale = coefficient / Float(count)
        var loss: Float = 0
        for i in 0..<count {
            let value = values[i, 0]
            let error = value - returns[i]
            var slope = error
            var squared = error * error
            if let clipRange {
                let change = value - oldValues[i]
                let clippedError = oldValues[i] + min(max(change, -clipRange), clipRange) - returns[i]
                if clippedError * clippedError > squared {
                    // Only possible with the change clipped, where the clipped value does not move with V.
                    squared = clippedError * clippedError
                    slope = 0
                }
            }
            loss += squared
            gradient[i, 0] = scale * slope
        }
        return 0.5 * scale * loss
    }

    /// Normalises `count` advantages to zero mean and unit standard deviation (the unbiased estimate,
    /// plus 1e-8), over the samples of one minibatch: PPO's per-minibatch advantage normalisation.
    public static func normalizeAdvantages(_ advantages: UnsafePointer<Float>, count: Int, into output: UnsafeMutablePointer<Float>) {
        precondition(count >= 1, "normalising needs samples")
        var sum: Double = 0
        for i in 0..<count { sum += Double(advantages[i]) }
        let mean = sum / Double(count)
        var squares: Double = 0
        for i in 0..<count { squares += (Double(advantages[i]) - mean) * (Double(advantages[i]) - mean) }
        let deviation = count > 1 ? (squares / Double(count - 1)).squareRoot() : 0
        let inverse = Float(1 / (deviation + 1e-8))
        let center = Float(mean)
        for i in 0..<count { output[i] = (advantages[i] - center) * inverse }
    }
}
