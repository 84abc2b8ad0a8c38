import RecoTensor

/// Stochastic gradient descent: `u = momentum * u + (g + weightDecay * p)`, `p -= lr * u` (with
/// `momentum = 0` this is the plain step `p -= lr * g`).
public final class SGD: Optimizer {
    public var learningRate: Float
    public let momentum: Float
    public let weightDecay: Float
    public var stepCount = 0
    private let velocity: Matrix
    private let count: Int

    /// SGD for `parameterCount` parameters.
    public init(learningRate: Float, momentum: Float = 0, weightDecay: Float = 0, parameterCount: Int) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        count = parameterCount
        velocity = Matrix(rows: 1, columns: momentum == 0 ? 0 : parameterCount)
    }

    convenience init(_ configuration: OptimizerConfiguration, parameterCount: Int) {
        guard case let .sgd(lr, momentum, wd) = configuration else {
            preconditionFailure("SGD built from \(configuration)")
        }
        self.init(learningRate: lr, momentum: momentum, weightDecay: wd, parameterCount: parameterCount)
    }

    public var configuration: OptimizerConfiguration {
        .sgd(learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
    }

    public var stateBuffers: [(name: String, buffer: UnsafeMutableBufferPointer<Float>)] {
        momentum == 0 ? [] : [("momentum", velocity.view.flat)]
    }

    public func step(_ parameters: ParameterStore) {
        precondition(parameters.count == count, "SGD sized for \(count) parameters, store has \(parameters.count)")
        stepCount += 1
        let lr = learningRate, mu = momentum, wd = weightDecay
        let p = parameters.values.baseAddress!, g = parameters.gradients.baseAddress!
        let u = velocity.view.base
        ThreadPolicy.parallelChunks(count, minimumChunk: optimizerChunk) { range in
            if mu == 0 {
                for i in range { p[i] -= lr * (g[i] + wd * p[i]) }
            } else {
                for i in range {
                    let ui = mu * u[i] + g[i] + wd * p[i]
                    u[i] = ui
                    p[i] -= lr * ui
                }
            }
        }
    }
}
