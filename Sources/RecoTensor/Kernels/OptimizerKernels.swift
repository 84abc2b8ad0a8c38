import RecoKernels

/// The scalars of one Adam or AdamW step: with step number `t`,
/// `stepSize = lr / (1 - beta1^t)`, `inverseRootCorrection2 = 1 / sqrt(1 - beta2^t)`,
/// `l2` the weight decay added to the gradient (Adam) and `shrink = 1 - lr * decay` (AdamW).
public struct AdamStepConstants: Sendable {
    public var beta1, beta2, epsilon, stepSize, inverseRootCorrection2, l2, shrink: Float

    public init(beta1: Float, beta2: Float, epsilon: Float, stepSize: Float, inverseRootCorrection2: Float,
                l2: Float, shrink: Float) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.stepSize = stepSize
        self.inverseRootCorrection2 = inverseRootCorrection2
        self.l2 = l2
        self.shrink = shrink
    }
}

/// Optimiser update kernels over flat parameter buffers.
extension Kernels {
    /// One fused Adam update of `count` elements:
    /// `g' = g + l2 p`, `m = beta1 m + (1 - beta1) g'`, `v = beta2 v + (1 - beta2) g'^2`,
    /// `p = p * shrink - stepSize * m / (sqrt(v) * inverseRootCorrection2 + epsilon)`.
    /// Vectorised for the CPU at hand; rounds exactly like `adamUpdateReference`.
    public static func adamUpdate(parameters p: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>,
                                  firstMoment m: UnsafeMutablePointer<Float>, secondMoment v: UnsafeMutablePointer<Float>,
                                  count: Int, constants c: AdamStepConstants) {
        reco_adam_update(p, g, m, v, count,
                         reco_adam_constants(beta1: c.beta1, beta2: c.beta2, epsilon: c.epsilon, step_size: c.stepSize,
                                             inverse_root_correction2: c.inverseRootCorrection2, l2: c.l2,
                                             shrink: c.shrink))
    }

    /// Plain reference for `adamUpdate`.
    static func adamUpdateReference(parameters p: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>,
                                    firstMoment m: UnsafeMutablePointer<Float>, secondMoment v: UnsafeMutablePointer<Float>,
                                    count: Int, constants c: AdamStepConstants) {
        for i in 0..<count {
            let gradient = g[i] + c.l2 * p[i]
            let mi = c.beta1 * m[i] + (1 - c.beta1) * gradient
            let vi = c.beta2 * v[i] + (1 - c.beta2) * gradient * gradient
            m[i] = mi
            v[i] = vi
            p[i] = p[i] * c.shrink - c.stepSize * mi / (vi.squareRoot() * c.inverseRootCorrection2 + c.epsilon)
        }
    }

    /// The sum of squares of `count` values (for gradient norms), vectorised; within float rounding of
    /// `sumOfSquaresReference`, and the same for the same input every time.
    public static func sumOfSquares(_ values: UnsafePointer<Float>, count: Int) -> Double {
        reco_sum_of_squares(values, count)
    }

    /// Plain reference for `sumOfSquares`, in Double throughout.
    static func sumOfSquaresReference(_ values: UnsafePointer<Float>, count: Int) -> Double {
        var total: Double = 0
        for i in 0..<count { total += Double(values[i]) * Double(values[i]) }
        return total
    }
}
