import RecoTensor

/// The mean over the steps of each sequence: `y[b] = (1/T) sum_t x[b*T + t]`, so a batch of `B`
/// sequences of `T x width` (`B*T` rows) becomes `B` rows. The gradient spreads evenly:
/// `dx[b*T + t] = dy[b] / T`. It turns a sequence encoder's per-step output into one vector per sample.
public final class MeanPooling: Layer {
    /// Steps per sequence.
    public let steps: Int
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }
    public var parameterShapes: [ParameterShape] { [] }
    public var runsInPlace: Bool { false }

    /// Pooling over sequences of `steps` rows of `width`.
    public init(steps: Int, width: Int) {
        precondition(steps > 0 && width > 0, "mean pooling needs positive sizes, got \(steps) x \(width)")
        self.steps = steps
        inputWidth = width
    }

    public func bind(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {}
    public func initializeParameters(using generator: inout RandomGenerator) throws {}

    public func forward(_ x: MatrixView, into y: MatrixView) {
        precondition(x.rows == y.rows * steps, "mean pooling over \(steps) steps maps \(y.rows * steps) rows, got \(x.rows)")
        let scale = 1 / Float(steps), n = inputWidth
        for b in 0..<y.rows {
            let target = y.rowPointer(b)
            target.update(from: x.rowPointer(b * steps), count: n)
            for t in 1..<steps {
                let source = x.rowPointer(b * steps + t)
                for j in 0..<n { target[j] += source[j] }
            }
            for j in 0..<n { target[j] *= scale }
        }
    }

    public func backward(input x: MatrixView, output y: MatrixView, outputGradient dy: MatrixView,
                         inputGradient dx: MatrixView?, accumulate: Bool) {
        guard let dx else { return }
        let scale = 1 / Float(steps), n = inputWidth
        for b in 0..<dy.rows {
            let source = dy.rowPointer(b)
            for t in 0..<steps {
                let target = dx.rowPointer(b * steps + t)
                for j in 0..<n { target[j] = source[j] * scale }
            }
        }
    }
}

/// The `meanPooling` layer kind: a `MeanPooling` over the steps of its sequence input.
public struct MeanPoolingKind: LayerKind {
    public static let name = "meanPooling"
    public init() {}

    public func makeLayer(input: InputShape, maxBatch: Int) throws -> (layer: any NetworkLayer, output: InputShape) {
        guard case let .sequence(steps, width) = input else {
            throw NetworkError.invalidArchitecture("mean pooling reads sequences, but its input is \(input)")
        }
        return (MeanPooling(steps: steps, width: width), .dense(width: width))
    }
}
