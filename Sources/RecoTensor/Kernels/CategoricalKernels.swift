import Foundation
import RecoKernels

/// Fused kernels for categorical (softmax) policies over a `B x A` table of logits: the statistics and
/// gradient of A2C/PPO, and sampling. (The soft state value and actor loss of discrete SAC, built on the
/// same C kernels and helpers, live with the SAC agent in RecoRL.)
///
/// With large action sets (A up to ~1e5) the passes over the table are the cost, so each kernel fuses the
/// exp with everything computed from it and never materialises the probabilities: statistics make two
/// passes over a row (max, then exp with both sums), the gradient one, sampling two and part of a third.
/// Probabilities are `p_ij = exp(z_ij - lse_i)`; actions of probability 0 (logit `-inf`: masked) contribute
/// nothing, `p log p` counting as 0, so they get probability and gradient exactly 0 and never produce NaN.
/// Every row needs at least one finite logit (otherwise its results are NaN).
///
/// Views may have any row stride (logits may be the first A columns of a wider matrix). Large tables are
/// split by rows over the thread policy's cores; each row is computed on its own, so results do not depend
/// on the thread count. Each kernel has a plain internal `...Reference` beside it (Double, several passes)
/// that the tests compare it with.
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
    static func categoricalStatisticsReference(logits: MatrixView, actions: UnsafePointer<Int32>?,
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
    static func categoricalGradientReference(logits: MatrixView, logSumExp: UnsafePointer<Float>,
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
    static func sampleCategoricalReference(logits: MatrixView, uniforms: UnsafePointer<Float>,
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
    package static func vectorisedExp(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        reco_exp(x, y, count)
    }

    // MARK: - Helpers (package: the soft actor-critic kernels in RecoRL use them too)

    /// Checks that `logits` is a table of at least one and at most `Int32.max` actions.
    @inline(__always)
    package static func checkPolicyTable(_ logits: MatrixView, _ name: StaticString) {
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
    package static func forEachPolicyRow(_ logits: MatrixView, _ body: (Int) -> Void) {
        let minimumRows = (policyChunkEntries + logits.columns - 1) / logits.columns
        ThreadPolicy.parallelChunks(logits.rows, minimumChunk: minimumRows) { rows in
            for r in rows { body(r) }
        }
    }

    /// Table entries below which a chunk of rows is not worth a thread of its own.
    static let policyChunkEntries = 32_768

    /// Log-sum-exp and log-probabilities of row `r` in Double (`-inf` for actions of probability 0).
    package static func logSoftmaxReference(_ logits: MatrixView, row r: Int) -> (Double, [Double]) {
        let z = (0..<logits.columns).map { Double(logits[r, $0]) }
        let m = z.max() ?? -.infinity
        var total = 0.0
        for value in z { total += Foundation.exp(value - m) }
        let lse = m + Foundation.log(total)
        return (lse, z.map { $0 - lse })
    }

    /// `-sum p log p` over log-probabilities, counting `p log p` as 0 where `p = 0`.
    package static func entropyReference(_ logP: [Double]) -> Double {
        var entropy = 0.0
        for value in logP where value > -.infinity { entropy -= Foundation.exp(value) * value }
        return entropy
    }
}
