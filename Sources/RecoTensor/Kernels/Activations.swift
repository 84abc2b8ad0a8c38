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
        map(x, into: y, "tanh") { Foundation.tanh($0) }
    }

    /// `dx = dy * (1 - y^2)` for `y = tanh(x)`.
    public static func tanhBackward(output y: MatrixView, outputGradient dy: MatrixView, into dx: MatrixView) {
        chain(y, dy, into: dx, "tanhBackward") { y, dy in dy * (1 - y * y) }
    }

    /// `y = 1 / (1 + exp(-x))`, computed without overflow for large `|x|`.
    public static func sigmoid(_ x: MatrixView, into y: MatrixView) {
        map(x, into: y, "sigmoid") { v in
            if v >= 0 { return 1 / (1 + Foundation.exp(-v)) }
            let e = Foundation.exp(v)
            return e / (1 + e)
        }
    }

    /// `dx = dy * y * (1 - y)` for `y = sigmoid(x)`.
    public static func sigmoidBackward(output y: MatrixView, outputGradient dy: MatrixView, into dx: MatrixView) {
        chain(y, dy, into: dx, "sigmoidBackward") { y, dy in dy * y * (1 - y) }
    }

    /// `y = exp(x)`.
    public static func exp(_ x: MatrixView, into y: MatrixView) {
        map(x, into: y, "exp") { Foundation.exp($0) }
    }

    /// `dx = dy * y` for `y = exp(x)`.
    public static func expBackward(output y: MatrixView, outputGradient dy: MatrixView, into dx: MatrixView) {
        chain(y, dy, into: dx, "expBackward") { y, dy in dy * y }
    }

    /// `y = log(x)` (natural logarithm; `-inf` at 0, NaN below).
    public static func log(_ x: MatrixView, into y: MatrixView) {
        map(x, into: y, "log") { Foundation.log($0) }
    }

    /// `dx = dy / x` for `y = log(x)`; takes the forward input, since `y` alone does not give `x`
    /// cheaply.
    public static func logBackward(input x: MatrixView, outputGradient dy: MatrixView, into dx: MatrixView) {
        chain(x, dy, into: dx, "logBackward") { x, dy in dy / x }
    }

    /// `y[i] = f(x[i])` over same-shaped views.
    @inline(__always)
    private static func map(_ x: MatrixView, into y: MatrixView, _ name: StaticString, _ f: (Float) -> Float) {
        checkSameShape(x, y, name)
        forEachRow(x, y) { xp, yp, n in
            for i in 0..<n { yp[i] = f(xp[i]) }
        }
    }

    /// `dx[i] = f(saved[i], dy[i])`: the chain rule through an elementwise function, given what its
    /// forward pass saved (output or input).
    @inline(__always)
    private static func chain(_ saved: MatrixView, _ dy: MatrixView, into dx: MatrixView, _ name: StaticString,
                              _ f: (Float, Float) -> Float) {
        checkSameShape(saved, dy, name)
        checkSameShape(saved, dx, name)
        forEachRow(saved, dy, dx) { sp, dyp, dxp, n in
            for i in 0..<n { dxp[i] = f(sp[i], dyp[i]) }
        }
    }
}
