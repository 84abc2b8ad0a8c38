import RecoTensor

/// Regression losses between a batch of predictions and targets (`B x K`, often `K = 1` for the value
/// of the action taken), averaged over all `B * K` elements, with an optional weight per row
/// (importance weights of prioritized replay).
///
/// Each returns the loss and, when `gradient` is given, writes `dLoss/dPrediction` into it (same shape).
public enum RegressionLoss {
    /// Mean squared error: `(1 / (B K)) sum_i w_i sum_j (p_ij - t_ij)^2`.
    public static func meanSquaredError(predictions: MatrixView, targets: MatrixView,
                                        weights: UnsafePointer<Float>? = nil, gradient: MatrixView? = nil) -> Float {
        elementwise(predictions, targets, weights, gradient) { d in (d * d, 2 * d) }
    }

    /// Huber loss (smooth L1) with threshold `delta`: `d^2 / 2` for `|d| <= delta`, else
    /// `delta (|d| - delta / 2)`; the gradient is `d` clipped to `[-delta, delta]`.
    public static func huber(predictions: MatrixView, targets: MatrixView, delta: Float = 1,
                             weights: UnsafePointer<Float>? = nil, gradient: MatrixView? = nil) -> Float {
        elementwise(predictions, targets, weights, gradient) { d in
            let magnitude = abs(d)
            if magnitude <= delta { return (0.5 * d * d, d) }
            return (delta * (magnitude - 0.5 * delta), d > 0 ? delta : -delta)
        }
    }

    @inline(__always)
    private static func elementwise(_ predictions: MatrixView, _ targets: MatrixView,
                                    _ weights: UnsafePointer<Float>?, _ gradient: MatrixView?,
                                    _ lossAndSlope: (Float) -> (Float, Float)) -> Float {
        precondition(predictions.rows == targets.rows && predictions.columns == targets.columns,
                     "loss: predictions \(predictions.rows)x\(predictions.columns), targets \(targets.rows)x\(targets.columns)")
        if let gradient {
            precondition(gradient.rows == predictions.rows && gradient.columns == predictions.columns,
                         "loss gradient shape differs from predictions")
        }
        let scale = 1 / Float(max(1, predictions.count))
        var total: Double = 0
        for r in 0..<predictions.rows {
            let p = predictions.rowPointer(r), t = targets.rowPointer(r)
            let w = weights?[r] ?? 1
            var rowTotal: Float = 0
            let g = gradient?.rowPointer(r)
            for j in 0..<predictions.columns {
                let (loss, slope) = lossAndSlope(p[j] - t[j])
                rowTotal += loss
                g?[j] = w * slope * scale
            }
            total += Double(w * rowTotal)
        }
        return Float(total) * scale
    }
}
