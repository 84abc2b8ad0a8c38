import Foundation
import RecoTensor

/// Layer normalisation (Ba et al., 2016): each row is shifted to zero mean and scaled to unit variance
/// (biased variance, plus `epsilon`), then multiplied by `weight` and shifted by `bias` per column.
public final class LayerNorm: Layer {
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }
    /// Added to the variance before the square root.
    public let epsilon: Float
    public var runsInPlace: Bool { false }
    public var parameterShapes: [ParameterShape] {
        [ParameterShape(name: "weight", shape: [inputWidth]), ParameterShape(name: "bias", shape: [inputWidth])]
    }

    private var gamma: UnsafeMutablePointer<Float>?
    private var beta: UnsafeMutablePointer<Float>?
    private var gammaGradient: UnsafeMutablePointer<Float>?
    private var betaGradient: UnsafeMutablePointer<Float>?
    /// Per row: mean and reciprocal standard deviation of the last forward pass.
    private let statistics: Matrix

    /// A layer norm over rows of `width` columns, for batches of up to `maxBatch` rows.
    public init(width: Int, epsilon: Float = 1e-5, maxBatch: Int) {
        inputWidth = width
        self.epsilon = epsilon
        statistics = Matrix(rows: maxBatch, columns: 2)
    }

    public func bind(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {
        gamma = parameters
        beta = parameters + inputWidth
        gammaGradient = gradients
        betaGradient = gradients + inputWidth
    }

    public func initializeParameters(using generator: inout RandomGenerator) throws {
        bound(gamma).update(repeating: 1, count: inputWidth)
        bound(beta).update(repeating: 0, count: inputWidth)
    }

    public func forward(_ x: MatrixView, into y: MatrixView) {
        precondition(x.rows <= statistics.rows, "layer norm batch \(x.rows) exceeds its maximum \(statistics.rows)")
        let g = bound(gamma), b = bound(beta), n = inputWidth
        for r in 0..<x.rows {
            let xp = x.rowPointer(r), yp = y.rowPointer(r)
            var mean: Float = 0
            for j in 0..<n { mean += xp[j] }
            mean /= Float(n)
            var variance: Float = 0
            for j in 0..<n { let d = xp[j] - mean; variance += d * d }
            variance /= Float(n)
            let inverseDeviation = 1 / (variance + epsilon).squareRoot()
            statistics[r, 0] = mean
            statistics[r, 1] = inverseDeviation
            for j in 0..<n { yp[j] = (xp[j] - mean) * inverseDeviation * g[j] + b[j] }
        }
    }

    public func backward(input x: MatrixView, output y: MatrixView, outputGradient dy: MatrixView,
                         inputGradient dx: MatrixView?, accumulate: Bool) {
        let g = bound(gamma), dg = bound(gammaGradient), db = bound(betaGradient), n = inputWidth
        if !accumulate {
            dg.update(repeating: 0, count: n)
            db.update(repeating: 0, count: n)
        }
        for r in 0..<x.rows {
            let xp = x.rowPointer(r), dyp = dy.rowPointer(r)
            let mean = statistics[r, 0], inverseDeviation = statistics[r, 1]
            var meanGradient: Float = 0       // mean over j of dy * gamma
            var meanGradientTimesNormalized: Float = 0  // mean over j of dy * gamma * xhat
            for j in 0..<n {
                let normalized = (xp[j] - mean) * inverseDeviation
                let scaled = dyp[j] * g[j]
                dg[j] += dyp[j] * normalized
                db[j] += dyp[j]
                meanGradient += scaled
                meanGradientTimesNormalized += scaled * normalized
            }
            guard let dx else { continue }
            meanGradient /= Float(n)
            meanGradientTimesNormalized /= Float(n)
            let dxp = dx.rowPointer(r)
            for j in 0..<n {
                let normalized = (xp[j] - mean) * inverseDeviation
                dxp[j] = inverseDeviation * (dyp[j] * g[j] - meanGradient - normalized * meanGradientTimesNormalized)
            }
        }
    }
}

/// The `layerNorm` layer kind: a `LayerNorm` over rows of `width`, row-wise.
public struct LayerNormKind: LayerKind {
    public static let name = "layerNorm"
    /// Columns normalised.
    public var width: Int
    /// Added to the variance before the square root.
    public var epsilon: Float

    /// A layer norm over rows of `width`.
    public init(width: Int, epsilon: Float) {
        self.width = width
        self.epsilon = epsilon
    }

    public var impliedInput: InputShape? { .dense(width: width) }

    public func makeLayer(input: InputShape, maxBatch: Int) throws -> (layer: any NetworkLayer, output: InputShape) {
        guard width > 0, epsilon > 0 else {
            throw NetworkError.invalidArchitecture("layer norm needs positive width and epsilon, got \(width), \(epsilon)")
        }
        try requireWidth(width, of: input, for: Self.name)
        return (LayerNorm(width: width, epsilon: epsilon, maxBatch: maxBatch * input.steps), input)
    }
}
