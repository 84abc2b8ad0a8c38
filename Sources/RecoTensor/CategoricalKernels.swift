import Foundation
import RecoKernels

/// Fused kernels for categorical (softmax) policies over a `B x A` table of logits: the statistics and
/// gradient of A2C/PPO, the soft state value and actor loss of discrete SAC, and sampling.
///
/// With large action sets (A up to ~1e5) the passes over the table are the cost, so each kernel fuses the
/// exp with everything computed from it and never materialises the probabilities: statistics make two
/// passes over a row (max, then exp with both sums), the gradient one, the soft state value two, the soft
/// actor loss three. Probabilities are `p_ij = exp(z_ij - lse_i)`; actions of probability 0 (logit `-inf`:
/// masked) contribute nothing, `p log p` counting as 0, so they get probability and gradient exactly 0 and
/// never produce NaN. Every row needs at least one finite logit (otherwise its results are NaN).
///
/// Views may have any row stride (logits may be the first A columns of a wider matrix). Large tables are
/// split by rows over the thread policy's cores; each row is computed on its own, so results do not depend
/// on the thread count. Each kernel has a plain `...Reference` beside it (Double, several passes) that the
/// tests compare it with.
extension Kernels {
    /// Per row of `logits` (`B x A`, `A >= 1`): the log-sum-exp `lse_i`, the entropy `H_i = -sum_j p_ij log p_ij`
    /// and, when `actions` is given, `log pi_i(a_i) = z[i, a_i] - lse_i` into `actionLogProbabilities` (pass both
    /// or neither). All outputs hold B values. What A2C/PPO need for their losses, and the input of
    /// `categoricalGradient`. Two passes over each row: its maximum, then one fused exp pass.
    public static func categoricalStatistics(logits: MatrixView, actions: UnsafePointer<Int32>?,
                                             logSumExp: UnsafeMutablePointer<Float>,
                                             entropy: UnsafeMutablePointer<Float>,
                                             actionLogProbabilities: UnsafeMutablePointer<Float>?) {
        checkPolicyTable(logits, "categoricalStatistics")
        precondition((actions == nil) == (actionLogProbabilities == nil),
                     "categoricalStatistics: pass actions and actionLogProbabilities together")
        forEachPolicyRow(logits) { r in
            let action = actions.map { checkedAction($0, row: r, columns: logits.columns) } ?? 0
            let row = reco_categorical_statistics(logits.rowPointer(r), logits.columns, action)
            logSumExp[r] = row.log_sum_exp
            entropy[r] = row.entropy
            actionLogProbabilities?[r] = row.action_log_probability
        }
    }

    /// Plain reference for `categoricalStatistics`, in Double.
    public static func categoricalStatisticsReference(logits: MatrixView, actions: UnsafePointer<Int32>?,
                                                      logSumExp: UnsafeMutablePointer<Float>,
                                                      entropy: UnsafeMutablePointer<Float>,
                                                      actionLogProbabilities: UnsafeMutablePointer<Float>?) {
        for r in 0..<logits.rows {
            let (lse, logP) = logSoftmaxReference(logits, row: r)
            logSumExp[r] = Float(lse)
            entropy[r] = Float(entropyReference(logP))
            if let actions, let actionLogProbabilities {
                actionLogProbabilities[r] = Float(logP[Int(actions[r])])
            }
        }
    }

    /// Overwrites `gradient` (`B x A`, any stride; may be `logits` itself) with the gradient with respect to
    /// the logits of `L = sum_i (actionCoefficients[i] * log pi_i(a_i) + entropyCoefficient * H_i)`:
    /// `gradient[i, j] = c_i (1[j == a_i] - p_ij) - e p_ij (log p_ij + H_i)`, given `logSumExp` and `entropy`
    /// from `categoricalStatistics`. `L` is an objective to ascend (pass negated coefficients for a loss);
    /// with `c_i` the advantage (times the PPO ratio where unclipped) it is the policy-gradient step of
    /// A2C/PPO with its entropy bonus. One pass over each row.
    public static func categoricalGradient(logits: MatrixView, logSumExp: UnsafePointer<Float>,
                                           entropy: UnsafePointer<Float>, actions: UnsafePointer<Int32>,
                                           actionCoefficients: UnsafePointer<Float>, entropyCoefficient: Float,
                                           into gradient: MatrixView) {
        checkPolicyTable(logits, "categoricalGradient")
        checkSameShape(logits, gradient, "categoricalGradient")
        forEachPolicyRow(logits) { r in
            reco_categorical_gradient(logits.rowPointer(r), logits.columns, logSumExp[r], entropy[r],
                                      checkedAction(actions, row: r, columns: logits.columns), actionCoefficients[r],
                                      entropyCoefficient, gradient.rowPointer(r))
        }
    }

    /// Plain reference for `categoricalGradient`, in Double (from the same `logSumExp` and `entropy`).
    public static func categoricalGradientReference(logits: MatrixView, logSumExp: UnsafePointer<Float>,
                                                    entropy: UnsafePointer<Float>, actions: UnsafePointer<Int32>,
                                                    actionCoefficients: UnsafePointer<Float>,
                                                    entropyCoefficient: Float, into gradient: MatrixView) {
        for r in 0..<logits.rows {
            let c = Double(actionCoefficients[r]), e = Double(entropyCoefficient)
            var row = [Double](repeating: 0, count: logits.columns)
            for j in 0..<logits.columns {
                let logP = Double(logits[r, j]) - Double(logSumExp[r])
                let p = Foundation.exp(logP)
                let taken: Double = j == Int(actions[r]) ? 1 : 0
                let entropyTerm = p > 0 ? p * (logP + Double(entropy[r])) : 0
                row[j] = c * (taken - p) - e * entropyTerm
            }
            for j in 0..<logits.columns { gradient[r, j] = Float(row[j]) }
        }
    }

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
    public static func softStateValuesReference(logits: MatrixView, q1: MatrixView, q2: MatrixView,
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
    public static func softActorLossReference(logits: MatrixView, q1: MatrixView, q2: MatrixView, temperature: Float,
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

    /// One action per row of `logits` (`B x A`) drawn from its softmax by inverse CDF, into `actions` (B
    /// values): the smallest `j` whose cumulative probability exceeds `uniforms[i]` (B values in [0, 1)). An
    /// action of probability 0 is never returned; if rounding leaves the cumulative sum at or below the
    /// uniform, the last action of positive probability is. Two passes over each row and part of a third.
    public static func sampleCategorical(logits: MatrixView, uniforms: UnsafePointer<Float>,
                                         into actions: UnsafeMutablePointer<Int32>) {
        checkPolicyTable(logits, "sampleCategorical")
        forEachPolicyRow(logits) { r in
            actions[r] = Int32(reco_sample_categorical(logits.rowPointer(r), logits.columns, uniforms[r]))
        }
    }

    /// Plain reference for `sampleCategorical`, in Double.
    public static func sampleCategoricalReference(logits: MatrixView, uniforms: UnsafePointer<Float>,
                                                  into actions: UnsafeMutablePointer<Int32>) {
        for r in 0..<logits.rows {
            let (_, logP) = logSoftmaxReference(logits, row: r)
            var chosen = logP.lastIndex { Foundation.exp($0) > 0 } ?? 0
            var cumulative = 0.0
            for j in 0..<logits.columns {
                cumulative += Foundation.exp(logP[j])
                if cumulative > Double(uniforms[r]) {
                    chosen = j
                    break
                }
            }
            actions[r] = Int32(chosen)
        }
    }

    /// `y[i] = e^x[i]` for `count` floats (`y` may be `x`) with the vectorised exp the categorical kernels use:
    /// within a few ulp, exactly 0 below ln(FLT_MIN) ~ -87.34 (and for `-inf`), `+inf` above ~88.72, NaN kept.
    static func vectorisedExp(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        reco_exp(x, y, count)
    }

    // MARK: - Helpers

    @inline(__always)
    static func checkPolicyTable(_ logits: MatrixView, _ name: StaticString) {
        precondition(logits.columns > 0, "\(name): a categorical policy needs at least one action")
        precondition(logits.columns <= Int(Int32.max), "\(name): \(logits.columns) actions do not fit Int32")
    }

    /// `actions[row]`, checked to be a column of the table.
    @inline(__always)
    static func checkedAction(_ actions: UnsafePointer<Int32>, row: Int, columns: Int) -> Int {
        let action = Int(actions[row])
        precondition(action >= 0 && action < columns, "action \(action) outside 0..<\(columns) in row \(row)")
        return action
    }

    /// Runs `body(r)` for every row of `logits`, spread over the thread policy's cores in chunks of at least
    /// ~32k table entries, so small tables stay on the calling thread.
    @inline(__always)
    static func forEachPolicyRow(_ logits: MatrixView, _ body: (Int) -> Void) {
        let minimumRows = (policyChunkEntries + logits.columns - 1) / logits.columns
        ThreadPolicy.parallelChunks(logits.rows, minimumChunk: minimumRows) { rows in
            for r in rows { body(r) }
        }
    }

    /// Table entries below which a chunk of rows is not worth a thread of its own.
    static let policyChunkEntries = 32_768

    /// Log-sum-exp and log-probabilities of row `r` in Double (`-inf` for actions of probability 0).
    static func logSoftmaxReference(_ logits: MatrixView, row r: Int) -> (Double, [Double]) {
        let z = (0..<logits.columns).map { Double(logits[r, $0]) }
        let m = z.max() ?? -.infinity
        var total = 0.0
        for value in z { total += Foundation.exp(value - m) }
        let lse = m + Foundation.log(total)
        return (lse, z.map { $0 - lse })
    }

    /// `-sum p log p` over log-probabilities, counting `p log p` as 0 where `p = 0`.
    static func entropyReference(_ logP: [Double]) -> Double {
        var entropy = 0.0
        for value in logP where value > -.infinity { entropy -= Foundation.exp(value) * value }
        return entropy
    }
}
