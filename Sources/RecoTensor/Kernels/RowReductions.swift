import Foundation
import RecoKernels

/// Reductions over each row of a batch: maximum, argmax, sum, log-sum-exp, and the softmax family with
/// its gradients. Row `i` of the input gives element `i` of a per-row output.
extension Kernels {
    /// `out[i] = max_j x[i, j]` (`-inf` for an empty row; NaN skipped). Vectorised for the CPU at
    /// hand; agrees exactly with `maximumReference`.
    public static func rowMax(_ x: MatrixView, into out: UnsafeMutablePointer<Float>) {
        for r in 0..<x.rows { out[r] = maximum(x.rowPointer(r), count: x.columns) }
    }

    /// `out[i]` = the first column holding the row's maximum (ties go to the lowest index; NaN is
    /// never chosen over a number). Vectorised; agrees exactly with `rowArgmaxReference`.
    public static func rowArgmax(_ x: MatrixView, into out: UnsafeMutablePointer<Int32>) {
        precondition(x.columns > 0, "rowArgmax needs at least one column")
        for r in 0..<x.rows { out[r] = Int32(reco_row_argmax(x.rowPointer(r), x.columns)) }
    }

    /// Plain reference for `rowArgmax`.
    static func rowArgmaxReference(_ x: MatrixView, into out: UnsafeMutablePointer<Int32>) {
        for r in 0..<x.rows {
            let row = x.rowPointer(r)
            var best = row[0]
            var bestIndex = 0
            for j in 1..<x.columns where row[j] > best || (best.isNaN && !row[j].isNaN) {
                best = row[j]
                bestIndex = j
            }
            out[r] = Int32(bestIndex)
        }
    }

    /// `out[i] = sum_j x[i, j]`.
    public static func rowSum(_ x: MatrixView, into out: UnsafeMutablePointer<Float>) {
        for r in 0..<x.rows {
            let row = x.rowPointer(r)
            var total: Float = 0
            for j in 0..<x.columns { total += row[j] }
            out[r] = total
        }
    }

    /// `out[i] = log(sum_j exp(x[i, j]))`, computed around the row maximum so large values do not
    /// overflow; a row of `-inf` gives `-inf`, a row containing `+inf` gives `+inf`.
    public static func rowLogSumExp(_ x: MatrixView, into out: UnsafeMutablePointer<Float>) {
        for r in 0..<x.rows {
            let row = x.rowPointer(r)
            let m = maximum(row, count: x.columns)
            if !m.isFinite { out[r] = m; continue }
            var total: Float = 0
            for j in 0..<x.columns { total += Foundation.exp(row[j] - m) }
            out[r] = m + Foundation.log(total)
        }
    }

    /// `y[i, :] = softmax(x[i, :])` through the vectorised exp (within a few ulp of `exp`); may run in place.
    public static func softmax(_ x: MatrixView, into y: MatrixView) {
        checkSameShape(x, y, "softmax")
        for r in 0..<x.rows {
            let xp = x.rowPointer(r), yp = y.rowPointer(r)
            let m = maximum(xp, count: x.columns)
            for j in 0..<x.columns { yp[j] = xp[j] - m }
            vectorisedExp(yp, into: yp, count: x.columns)
            var total: Float = 0
            for j in 0..<x.columns { total += yp[j] }
            let inverse = 1 / total
            for j in 0..<x.columns { yp[j] *= inverse }
        }
    }

    /// `y[i, :] = log(softmax(x[i, :]))`, computed as `x - logsumexp(x)`; may run in place.
    public static func logSoftmax(_ x: MatrixView, into y: MatrixView) {
        checkSameShape(x, y, "logSoftmax")
        for r in 0..<x.rows {
            let xp = x.rowPointer(r), yp = y.rowPointer(r)
            let m = maximum(xp, count: x.columns)
            var total: Float = 0
            for j in 0..<x.columns { total += Foundation.exp(xp[j] - m) }
            let shift = m + Foundation.log(total)
            for j in 0..<x.columns { yp[j] = xp[j] - shift }
        }
    }

    /// Gradient through a softmax: `dx = y * (dy - sum_j dy_j * y_j)` for `y = softmax(x)`; `dx` may
    /// be `dy`.
    public static func softmaxBackward(output y: MatrixView, outputGradient dy: MatrixView, into dx: MatrixView) {
        checkSameShape(y, dy, "softmaxBackward")
        checkSameShape(y, dx, "softmaxBackward")
        for r in 0..<y.rows {
            let yp = y.rowPointer(r), dyp = dy.rowPointer(r), dxp = dx.rowPointer(r)
            var inner: Float = 0
            for j in 0..<y.columns { inner += dyp[j] * yp[j] }
            for j in 0..<y.columns { dxp[j] = yp[j] * (dyp[j] - inner) }
        }
    }

    /// Gradient through a log-softmax: `dx = dy - softmax(x) * sum_j dy_j` for `y = logSoftmax(x)`;
    /// `dx` may be `dy`.
    public static func logSoftmaxBackward(output y: MatrixView, outputGradient dy: MatrixView, into dx: MatrixView) {
        checkSameShape(y, dy, "logSoftmaxBackward")
        checkSameShape(y, dx, "logSoftmaxBackward")
        for r in 0..<y.rows {
            let yp = y.rowPointer(r), dyp = dy.rowPointer(r), dxp = dx.rowPointer(r)
            var total: Float = 0
            for j in 0..<y.columns { total += dyp[j] }
            for j in 0..<y.columns { dxp[j] = dyp[j] - Foundation.exp(yp[j]) * total }
        }
    }

    /// The largest of `count` values at `row` (`-inf` when `count` is 0; NaN is skipped); vectorised,
    /// agrees exactly with `maximumReference`.
    @inlinable
    public static func maximum(_ row: UnsafePointer<Float>, count: Int) -> Float {
        reco_row_max(row, count)
    }

    /// Plain reference for `maximum` and `rowMax`.
    static func maximumReference(_ row: UnsafePointer<Float>, count: Int) -> Float {
        var m = -Float.infinity
        for j in 0..<count where row[j] > m { m = row[j] }
        return m
    }
}
