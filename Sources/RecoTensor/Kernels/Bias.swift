import RecoKernels

/// Bias kernels of linear layers: broadcasting a bias over the rows of a batch, and its gradient.
/// Vectorised for the CPU at hand; each rounds exactly like its plain reference.
extension Kernels {
    /// `x[i, j] += bias[j]` for every row `i`.
    public static func addBias(_ bias: UnsafePointer<Float>, to x: MatrixView) {
        reco_add_bias(x.base, bias, x.rows, x.columns, x.rowStride)
    }

    /// Plain reference for `addBias`.
    static func addBiasReference(_ bias: UnsafePointer<Float>, to x: MatrixView) {
        for r in 0..<x.rows {
            for j in 0..<x.columns { x[r, j] += bias[j] }
        }
    }

    /// `gradient[j] = sum_i dy[i, j]` (or `+=` when `accumulate`): the bias gradient of a layer whose
    /// output gradient is `dy`. Rows are added in order, so the result does not depend on the CPU.
    public static func biasGradient(_ dy: MatrixView, into gradient: UnsafeMutablePointer<Float>,
                                    accumulate: Bool = false) {
        reco_bias_gradient(dy.base, gradient, dy.rows, dy.columns, dy.rowStride, accumulate ? 1 : 0)
    }

    /// Plain reference for `biasGradient`.
    static func biasGradientReference(_ dy: MatrixView, into gradient: UnsafeMutablePointer<Float>,
                                      accumulate: Bool = false) {
        if !accumulate { gradient.update(repeating: 0, count: dy.columns) }
        for r in 0..<dy.rows {
            for j in 0..<dy.columns { gradient[j] += dy[r, j] }
        }
    }
}
