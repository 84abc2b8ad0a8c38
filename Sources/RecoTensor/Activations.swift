import Foundation
import RecoKernels

/// Elementwise activations and their derivatives. Forward kernels may run in place (`x` and `y` the
/// same view). Backward kernels take the forward output `y` (cheaper to keep than the input) and the
/// gradient with respect to it, and write the gradient with respect to the input.
extension Kernels {
    /// `y = max(x, 0)`; vectorised for the CPU at hand, rounds like `reluReference`.
    public static func relu(_ x: MatrixView, into y: MatrixView) {
        checkSameShape(x, y, "relu")
        forEachRow(x, y) { xp, yp, n in reco_relu(xp, yp, n) }
    }

    /// Plain reference for `relu`.
    static func reluReference(_ x: MatrixView, into y: MatrixView) {
        for r in 0..<x.rows {
            for j in 0..<x.columns { y[r, j] = Swift.max(x[r, j], 0) }
        }
    }

    /// `dx = dy` where the forward output was positive, else 0; vectorised, rounds like
    /// `reluBackwardReference`.
    public static func reluBackward(output y: MatrixView, outputGradient dy: MatrixView, into dx: MatrixView) {
        checkSameShape(y, dy, "reluBackward")
        checkSameShape(y, dx, "reluBackward")
        forEachRow(y, dy, dx) { yp, dyp, dxp, n in reco_relu_backward(yp, dyp, dxp, n) }
    }

    /// Plain reference for `reluBackward`.
    static func reluBackwardReference(output y: MatrixView, outputGradient dy: MatrixView, into dx: MatrixView) {
        for r in 0..<y.rows {
            for j in 0..<y.columns { dx[r, j] = y[r, j] > 0 ? dy[r, j] : 0 }
        }
    }

    /// `y = tanh(x)`.
    public static func tanh(_ x: MatrixView, into y: MatrixView) {
        checkSameShape(x, y, "tanh")
        forEachRow(x, y) { xp, yp, n in
            for i in 0..<n { yp[i] = Foundation.tanh(xp[i]) }
        }
    }

    /// `dx = dy * (1 - y^2)` for `y = tanh(x)`.
    public static func tanhBackward(output y: MatrixView, outputGradient dy: MatrixView, into dx: MatrixView) {
        checkSameShape(y, dy, "tanhBackward")
        checkSameShape(y, dx, "tanhBackward")
        forEachRow(y, dy, dx) { yp, dyp, dxp, n in
            for i in 0..<n { dxp[i] = dyp[i] * (1 - yp[i] * yp[i]) }
        }
    }

    /// `y = 1 / (1 + exp(-x))`, computed without overflow for large `|x|`.
    public static func sigmoid(_ x: MatrixView, into y: MatrixView) {
        checkSameShape(x, y, "sigmoid")
        forEachRow(x, y) { xp, yp, n in
            for i in 0..<n {
                let v = xp[i]
                if v >= 0 {
                    yp[i] = 1 / (1 + Foundation.exp(-v))
                } else {
                    let e = Foundation.exp(v)
                    yp[i] = e / (1 + e)
                }
            }
        }
    }

    /// `dx = dy * y * (1 - y)` for `y = sigmoid(x)`.
    public static func sigmoidBackward(output y: MatrixView, outputGradient dy: MatrixView, into dx: MatrixView) {
        checkSameShape(y, dy, "sigmoidBackward")
        checkSameShape(y, dx, "sigmoidBackward")
        forEachRow(y, dy, dx) { yp, dyp, dxp, n in
            for i in 0..<n { dxp[i] = dyp[i] * yp[i] * (1 - yp[i]) }
        }
    }

    /// `y = exp(x)`.
    public static func exp(_ x: MatrixView, into y: MatrixView) {
        checkSameShape(x, y, "exp")
        forEachRow(x, y) { xp, yp, n in
            for i in 0..<n { yp[i] = Foundation.exp(xp[i]) }
        }
    }

    /// `dx = dy * y` for `y = exp(x)`.
    public static func expBackward(output y: MatrixView, outputGradient dy: MatrixView, into dx: MatrixView) {
        checkSameShape(y, dy, "expBackward")
        checkSameShape(y, dx, "expBackward")
        forEachRow(y, dy, dx) { yp, dyp, dxp, n in
            for i in 0..<n { dxp[i] = dyp[i] * yp[i] }
        }
    }

    /// `y = log(x)` (natural logarithm; `-inf` at 0, NaN below).
    public static func log(_ x: MatrixView, into y: MatrixView) {
        checkSameShape(x, y, "log")
        forEachRow(x, y) { xp, yp, n in
            for i in 0..<n { yp[i] = Foundation.log(xp[i]) }
        }
    }

    /// `dx = dy / x` for `y = log(x)`; takes the forward input, since `y` alone does not give `x`
    /// cheaply.
    public static func logBackward(input x: MatrixView, outputGradient dy: MatrixView, into dx: MatrixView) {
        checkSameShape(x, dy, "logBackward")
        checkSameShape(x, dx, "logBackward")
        forEachRow(x, dy, dx) { xp, dyp, dxp, n in
            for i in 0..<n { dxp[i] = dyp[i] / xp[i] }
        }
    }
}
