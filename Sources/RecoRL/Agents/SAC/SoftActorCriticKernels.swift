import Foundation
import RecoKernels
import RecoTensor

/// Fused kernels of discrete Soft Actor-Critic over a `B x A` table of logits and two `B x A` tables of
/// Q-values: the soft state value (the critics' bootstrap target) and the actor loss with its gradient.
///
/// They are the categorical kernels of RecoTensor (`Kernels.categoricalStatistics` and the others) applied
/// to SAC's objectives, and follow the same rules: the exp is fused with everything computed from it and
/// the probabilities are never materialised; `p_ij = exp(z_ij - lse_i)`; actions of probability 0 (logit
/// `-inf`: masked) contribute nothing (`p log p` and `p q` count as 0) and get gradient exactly 0; every row
/// needs at least one finite logit. Views may have any row stride; large tables are split by rows over the
/// thread policy's cores, and results do not depend on the thread count. The C kernels are in
/// RecoKernels (categorical.c); each has a plain internal `...Reference` here (Double) that the tests
/// compare it with.
extension Kernels {
    /// The soft state value of discrete SAC per row, `V_i = sum_j p_ij (min(q1_ij, q2_ij) - temperature log p_ij)`
    /// with `p = softmax(logits row i)` (the bootstrap value of the critic's target), into `values`; also the
    /// entropy per row into `entropy` unless it is nil. `logits`, `q1` and `q2` are `B x A`; outputs hold B
    /// values. Two passes over each row: the logits' maximum, then one fused pass over logits, q1 and q2.
    public static func softStateValues(logits: MatrixView, q1: MatrixView, q2: MatrixView, temperature: Float,
                                       into values: UnsafeMutablePointer<Float>,
                                       entropy: UnsafeMutablePointer<Float>?) {
        checkPolicyTable(logits, "softStateValues")
        checkSameShape(logits, q1, "softStateValues")
        checkSameShape(logits, q2, "softStateValues")
        forEachPolicyRow(logits) { r in
            let row = reco_soft_state_value(logits.rowPointer(r), q1.rowPointer(r), q2.rowPointer(r), logits.columns,
                                            temperature)
            values[r] = row.value
            entropy?[r] = row.entropy
        }
    }

    /// Plain reference for `softStateValues`, in Double.
    static func softStateValuesReference(logits: MatrixView, q1: MatrixView, q2: MatrixView,
                                         temperature: Float, into values: UnsafeMutablePointer<Float>,
                                         entropy: UnsafeMutablePointer<Float>?) {
        for r in 0..<logits.rows {
            let (_, logP) = logSoftmaxReference(logits, row: r)
            var value = 0.0
            for j in 0..<logits.columns where logP[j] > -.infinity {
                let q = Swift.min(Double(q1[r, j]), Double(q2[r, j]))
                value += Foundation.exp(logP[j]) * (q - Double(temperature) * logP[j])
            }
            values[r] = Float(value)
            entropy?[r] = Float(entropyReference(logP))
        }
    }

    /// The actor loss of discrete SAC per row, `L_i = sum_j p_ij f_ij` with
    /// `f_ij = temperature log p_ij - min(q1_ij, q2_ij)`, into `losses`; the entropy per row into `entropy`; and
    /// into `gradient` (`B x A`, overwritten; may be `logits` itself) the gradient of
    /// `gradientScale * sum_i L_i` with respect to the logits, `gradientScale * p_ij (f_ij - L_i)` (the Q-values
    /// are constants; `sum_j p_j d log p_j / dz_k = 0` removes the derivative of `log p` inside `f`). Pass
    /// `gradientScale = 1 / B` for the mean loss. Three passes over each row: max, one fused pass for loss and
    /// entropy, one for the gradient.
    public static func softActorLoss(logits: MatrixView, q1: MatrixView, q2: MatrixView, temperature: Float,
                                     gradientScale: Float, losses: UnsafeMutablePointer<Float>,
                                     entropy: UnsafeMutablePointer<Float>, gradient: MatrixView) {
        checkPolicyTable(logits, "softActorLoss")
        checkSameShape(logits, q1, "softActorLoss")
        checkSameShape(logits, q2, "softActorLoss")
        checkSameShape(logits, gradient, "softActorLoss")
        forEachPolicyRow(logits) { r in
            let row = reco_soft_actor_loss(logits.rowPointer(r), q1.rowPointer(r), q2.rowPointer(r), logits.columns,
                                           temperature, gradientScale, gradient.rowPointer(r))
            losses[r] = row.value
            entropy[r] = row.entropy
        }
    }

    /// Plain reference for `softActorLoss`, in Double.
    static func softActorLossReference(logits: MatrixView, q1: MatrixView, q2: MatrixView, temperature: Float,
                                       gradientScale: Float, losses: UnsafeMutablePointer<Float>,
                                       entropy: UnsafeMutablePointer<Float>, gradient: MatrixView) {
        for r in 0..<logits.rows {
            let (_, logP) = logSoftmaxReference(logits, row: r)
            let f = (0..<logits.columns).map { j in
                Double(temperature) * logP[j] - Swift.min(Double(q1[r, j]), Double(q2[r, j]))
            }
            var loss = 0.0
            for j in 0..<logits.columns where logP[j] > -.infinity { loss += Foundation.exp(logP[j]) * f[j] }
            for j in 0..<logits.columns {
                let p = Foundation.exp(logP[j])
                gradient[r, j] = p > 0 ? Float(Double(gradientScale) * p * (f[j] - loss)) : 0
            }
            losses[r] = Float(loss)
            entropy[r] = Float(entropyReference(logP))
        }
    }
}
