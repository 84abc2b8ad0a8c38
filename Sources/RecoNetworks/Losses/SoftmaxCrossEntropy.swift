import Foundation
import RecoTensor

/// Cross-entropy between the softmax of logits (`B x C`) and a target class per row:
/// `(1 / B) sum_i w_i (logsumexp(z_i) - z_i[y_i])`, with an optional weight per row.
///
/// The gradient with respect to the logits, `w_i (softmax(z_i) - onehot(y_i)) / B`, comes from the same
/// pass over each row, so the probabilities are never stored separately.
public enum SoftmaxCrossEntropy {
    /// Returns the loss and writes its gradient with respect to `logits` into `gradient` when given.
    public static func loss(logits: MatrixView, targets: UnsafePointer<Int32>, weights: UnsafePointer<Float>? = nil,
                            gradient: MatrixView? = nil) -> Float {
        if let gradient {
            precondition(gradient.rows == logits.rows && gradient.columns == logits.columns,
                         "cross-entropy gradient shape differs from logits")
        }
        let scale = 1 / Float(max(1, logits.rows))
        var total: Double = 0
        for r in 0..<logits.rows {
            let z = logits.rowPointer(r)
            let target = Int(targets[r])
            precondition(target >= 0 && target < logits.columns, "class \(target) outside 0..<\(logits.columns)")
            let w = weights?[r] ?? 1
            let m = Kernels.maximum(z, count: logits.columns)
            var sum: Float = 0
            for j in 0..<logits.columns { sum += Foundation.exp(z[j] - m) }
            let logNormalizer = m + Foundation.log(sum)
            total += Double(w * (logNormalizer - z[target]))
            if let g = gradient?.rowPointer(r) {
                let factor = w * scale
                for j in 0..<logits.columns { g[j] = factor * Foundation.exp(z[j] - logNormalizer) }
                g[target] -= factor
            }
        }
        return Float(total) * scale
    }
}
