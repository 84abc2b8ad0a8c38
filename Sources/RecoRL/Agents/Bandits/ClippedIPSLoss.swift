import Foundation
import RecoTensor

/// The clipped inverse-propensity objective of an off-policy softmax policy, as a loss to minimise:
/// `L = -(1/n) sum_i r_i min(pi(a_i|x_i) / p_i, M)`, `pi` the softmax of the logits, `p_i` the logging
/// policy's propensity of the logged action `a_i`, `r_i` its reward and `M` the clip.
///
/// Gradient with respect to the logits: where the ratio is below `M`,
/// `dL/dz_ij = -(1/n) r_i (pi_i / p_i) (1[j == a_i] - pi_ij)`, i.e. `Kernels.categoricalGradient` with
/// coefficient `-(1/n) r_i pi_i / p_i` on `log pi_i`; zero where it is clipped (the objective is flat in the
/// logits there). Unlike RecoGym's NN-IPS, whose `Threshold(M, M)` replaces every ratio at or below `M` by
/// `M` and so has zero gradient everywhere, this is the clipped estimator of Ionides (2008) and
/// Bottou et al. (2013).
///
/// Holds its per-row workspaces (four rows of `maxRows`), so evaluating it allocates nothing.
public final class ClippedIPSLoss {
    public let clip: Float
    public let maxRows: Int
    private let workspace: Matrix

    public init(clip: Float, maxRows: Int) {
        precondition(clip > 0 && maxRows >= 1, "clipped IPS needs a positive clip and rows")
        self.clip = clip
        self.maxRows = maxRows
        workspace = Matrix(rows: 4, columns: maxRows)
    }

    /// The loss of `logits` (`n x A`, `1 <= n <= maxRows`) for the logged `actions`, `propensities` and
    /// `rewards` (`n` values each), with its gradient with respect to the logits written into
    /// `gradient` (`n x A`) when given, and the share of rows whose ratio was clipped.
    @discardableResult
    public func evaluate(logits: MatrixView, actions: UnsafePointer<Int32>, propensities: UnsafePointer<Float>,
                         rewards: UnsafePointer<Float>, gradient: MatrixView?) -> (loss: Float, clippedFraction: Float) {
        let n = logits.rows
        precondition(n >= 1 && n <= maxRows, "clipped IPS over \(n) rows, workspace for \(maxRows)")
        let logSumExp = workspace.view.rowPointer(0), entropy = workspace.view.rowPointer(1)
        let logProbabilities = workspace.view.rowPointer(2), coefficients = workspace.view.rowPointer(3)
        Kernels.categoricalStatistics(logits: logits, actions: actions, logSumExp: logSumExp, entropy: entropy,
                                      actionLogProbabilities: logProbabilities)
        let scale = 1 / Float(n)
        var total: Double = 0
        var clipped = 0
        for i in 0..<n {
            let ratio = Foundation.exp(logProbabilities[i]) / propensities[i]
            if ratio < clip {
                total += Double(rewards[i] * ratio)
                coefficients[i] = -scale * rewards[i] * ratio
            } else {
                total += Double(rewards[i] * clip)
                coefficients[i] = 0
                clipped += 1
            }
        }
        if let gradient {
            Kernels.categoricalGradient(logits: logits, logSumExp: logSumExp, entropy: entropy, actions: actions,
                                        actionCoefficients: coefficients, entropyCoefficient: 0, into: gradient)
        }
        return (-Float(total) * scale, Float(clipped) * scale)
    }
}
