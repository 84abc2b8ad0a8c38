import Foundation
import RecoTensor

/// Newton's method with a backtracking (Armijo) line search, in double precision, for the smooth and
/// strictly convex objectives of the logistic-regression baselines (`likelihood`, `logreg-ips`).
///
/// Each step solves `H s = -g` by Cholesky (`LAPACK.choleskySolve`), then halves the step until the
/// objective decreases enough; the fit stops when no coordinate moves by more than `tolerance`, or after
/// `maxIterations` steps (keeping the last point, as scikit-learn does after its convergence warning).
struct NewtonMinimiser {
    /// Where the minimisation ended.
    struct Result {
        var solution: [Double]
        /// Newton steps taken.
        var iterations: Int
        /// Whether the last step moved no coordinate by more than the tolerance.
        var converged: Bool
    }

    let tolerance: Double
    let maxIterations: Int

    /// Minimises from `start`. `loss(w)` is the objective; `derivatives(w, gradient, hessian)` returns it
    /// too, and writes the gradient and the lower triangle of the `n x n` row-major Hessian (its strict
    /// upper triangle is never read). Throws `LinearAlgebraError.notPositiveDefinite` when a Hessian is
    /// not positive definite.
    func minimise(from start: [Double], loss: ([Double]) -> Double,
                  derivatives: ([Double], inout [Double], UnsafeMutablePointer<Double>) -> Double) throws -> Result {
        let n = start.count
        var w = start
        if n == 0 { return Result(solution: w, iterations: 0, converged: true) }
        var gradient = [Double](repeating: 0, count: n)
        var step = [Double](repeating: 0, count: n)
        var candidate = w
        let hessian = UnsafeMutablePointer<Double>.allocate(capacity: n * n)
        defer { hessian.deallocate() }
        for iteration in 1...maxIterations {
            let value = derivatives(w, &gradient, hessian)
            for i in 0..<n { step[i] = -gradient[i] }
            try step.withUnsafeMutableBufferPointer { try LAPACK.choleskySolve(order: n, hessian, $0.baseAddress!) }
            var slope = 0.0, largest = 0.0
            for i in 0..<n {
                slope += gradient[i] * step[i]
                largest = max(largest, abs(step[i]))
            }
            var t = 1.0, accepted = false
            for _ in 0..<50 {
                for i in 0..<n { candidate[i] = w[i] + t * step[i] }
                let trial = loss(candidate)
                if trial.isFinite, trial <= value + 1e-4 * t * slope { accepted = true; break }
                t *= 0.5
            }
            // No decrease even for a tiny step: `w` is the minimum to rounding (or the step is useless).
            guard accepted else { return Result(solution: w, iterations: iteration, converged: largest <= tolerance) }
            swap(&w, &candidate)
            if t * largest <= tolerance { return Result(solution: w, iterations: iteration, converged: true) }
        }
        return Result(solution: w, iterations: maxIterations, converged: false)
    }
}

/// `log(1 + exp(z))` without overflow.
@inline(__always) func softplus(_ z: Double) -> Double {
    z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))
}

/// The logistic function `1 / (1 + exp(-z))` without overflow.
@inline(__always) func sigmoid(_ z: Double) -> Double {
    if z >= 0 { return 1 / (1 + exp(-z)) }
    let e = exp(z)
    return e / (1 + e)
}
