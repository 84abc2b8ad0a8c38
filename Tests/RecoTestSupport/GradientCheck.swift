import Foundation
import RecoNetworks
import RecoTensor

/// Central finite differences for checking backward passes.
///
/// The objective is `L = sum(R * f(x))` for a fixed random `R`, accumulated in Double from the Float32
/// outputs. With outputs of order 1 the Float32 forward pass is accurate to about 1e-6 in `L`, so a
/// step of `h = 1e-2` keeps the rounding part of the difference quotient near 1e-4, and the truncation
/// part (order `h^2` for smooth functions) is of the same size. Tolerances of a few 1e-3 leave room for
/// both while any real error in a backward pass (a missing term, a wrong transpose, a factor off) shows
/// up at order 0.1 to 1.
public enum GradientCheck {
    public static let step: Float = 1e-2
    public static let absoluteTolerance = 3e-3
    public static let relativeTolerance = 3e-3

    /// `sum(weights * output)` in Double.
    public static func objective(_ output: MatrixView, _ weights: MatrixView) -> Double {
        var total = 0.0
        for r in 0..<output.rows {
            for j in 0..<output.columns { total += Double(output[r, j]) * Double(weights[r, j]) }
        }
        return total
    }

    /// Largest violation of `|analytic - numeric| <= abs + rel * |numeric|` over the entries of
    /// `buffer`, perturbing each in turn and re-running `evaluate` (which must recompute the objective).
    /// Returns 0 when every entry agrees, otherwise the worst excess and where it happened.
    public static func worstViolation(buffer: UnsafeMutablePointer<Float>, count: Int, analytic: [Float],
                               evaluate: () -> Double) -> (excess: Double, index: Int, analytic: Double, numeric: Double) {
        var worst = (excess: 0.0, index: -1, analytic: 0.0, numeric: 0.0)
        for i in 0..<count {
            let saved = buffer[i]
            buffer[i] = saved + step
            let plus = evaluate()
            buffer[i] = saved - step
            let minus = evaluate()
            buffer[i] = saved
            let numeric = (plus - minus) / Double(2 * step)
            let excess = abs(Double(analytic[i]) - numeric) - (absoluteTolerance + relativeTolerance * abs(numeric))
            if excess > worst.excess { worst = (excess, i, Double(analytic[i]), numeric) }
        }
        return worst
    }

    /// Checks a single layer: gradients with respect to every parameter and every input element.
    /// `batch` is the number of input rows; `outputRows` the number of output rows when it differs (a
    /// layer that reduces sequences of `T` rows to one row each gets `batch / T`).
    /// Returns a description of the first disagreement, or nil when all agree.
    public static func check(layer: Layer, batch: Int, outputRows: Int? = nil, generator: inout RandomGenerator,
                      inputRange: ClosedRange<Float> = -1...1, accumulate: Bool = false) throws -> String? {
        let parameters = Matrix(rows: 1, columns: max(1, layer.parameterCount))
        let gradients = Matrix(rows: 1, columns: max(1, layer.parameterCount))
        layer.bind(parameters: parameters.view.base, gradients: gradients.view.base)
        try layer.initializeParameters(using: &generator)
        // Move parameters off their initial values (zero bias, unit scale) so every term matters.
        for i in 0..<layer.parameterCount { parameters.view.base[i] += generator.uniform(-0.3, 0.3) }
        let x = Matrix(rows: batch, columns: layer.inputWidth)
        for i in 0..<x.count {
            // Magnitudes from the range with random signs, so inputs stay clear of zero when asked.
            let magnitude = generator.uniform(inputRange.lowerBound, inputRange.upperBound)
            x.view.base[i] = generator.bernoulli(0.5) ? magnitude : -magnitude
        }
        let y = Matrix(rows: outputRows ?? batch, columns: layer.outputWidth)
        let weights = Matrix(rows: outputRows ?? batch, columns: layer.outputWidth)
        generator.fillUniform(weights.view.flat, -1, 1)
        let dy = Matrix(copying: weights.view)
        let dx = Matrix(rows: batch, columns: layer.inputWidth)

        layer.forward(x.view, into: y.view)
        let prior: Float = accumulate ? 0.5 : 0
        for i in 0..<layer.parameterCount { gradients.view.base[i] = prior }
        layer.backward(input: x.view, output: y.view, outputGradient: dy.view, inputGradient: dx.view, accumulate: accumulate)
        if dy.toArray() != weights.toArray() { return "backward modified its output gradient" }
        let parameterGradient = (0..<layer.parameterCount).map { gradients.view.base[$0] - prior }
        let inputGradient = dx.toArray()

        func evaluate() -> Double {
            layer.forward(x.view, into: y.view)
            return objective(y.view, weights.view)
        }
        let p = worstViolation(buffer: parameters.view.base, count: layer.parameterCount, analytic: parameterGradient,
                               evaluate: evaluate)
        if p.excess > 0 { return "parameter \(p.index): analytic \(p.analytic), numeric \(p.numeric)" }
        let q = worstViolation(buffer: x.view.base, count: x.count, analytic: inputGradient, evaluate: evaluate)
        if q.excess > 0 { return "input \(q.index): analytic \(q.analytic), numeric \(q.numeric)" }
        return nil
    }
}
