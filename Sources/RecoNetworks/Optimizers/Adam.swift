import Foundation
import RecoTensor

/// Adam and AdamW with bias correction (Kingma and Ba, 2015; Loshchilov and Hutter, 2019).
///
/// With `t` the step number, `g` the gradient (plus `weightDecay * p` for plain Adam):
/// `m = beta1 m + (1 - beta1) g`, `v = beta2 v + (1 - beta2) g^2`,
/// `p -= lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + epsilon)`; AdamW first shrinks
/// `p *= 1 - lr * weightDecay`. The update is one fused pass over the flat buffers, split across the
/// thread policy's cores.
public final class Adam: Optimizer {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    public let decoupledWeightDecay: Bool
    public var stepCount = 0
    private let firstMoment: Matrix
    private let secondMoment: Matrix
    private let count: Int

    /// Adam for `parameterCount` parameters with the given hyper-parameters.
    public init(learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                weightDecay: Float = 0, decoupledWeightDecay: Bool = false, parameterCount: Int) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
        count = parameterCount
        firstMoment = Matrix(rows: 1, columns: parameterCount)
        secondMoment = Matrix(rows: 1, columns: parameterCount)
    }

    convenience init(_ configuration: OptimizerConfiguration, parameterCount: Int) {
        guard case let .adam(lr, b1, b2, eps, wd, decoupled) = configuration else {
            preconditionFailure("Adam built from \(configuration)")
        }
        self.init(learningRate: lr, beta1: b1, beta2: b2, epsilon: eps, weightDecay: wd,
                  decoupledWeightDecay: decoupled, parameterCount: parameterCount)
    }

    public var configuration: OptimizerConfiguration {
        .adam(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay,
              decoupledWeightDecay: decoupledWeightDecay)
    }

    public var stateBuffers: [(name: String, buffer: UnsafeMutableBufferPointer<Float>)] {
        [("m", firstMoment.view.flat), ("v", secondMoment.view.flat)]
    }

    public func step(_ parameters: ParameterStore) {
        let constants = prepareStep(parameters)
        let p = parameters.values.baseAddress!, g = parameters.gradients.baseAddress!
        let m = firstMoment.view.base, v = secondMoment.view.base
        ThreadPolicy.parallelChunks(count, minimumChunk: optimizerChunk) { range in
            let start = range.lowerBound
            Kernels.adamUpdate(parameters: p + start, gradients: g + start, firstMoment: m + start,
                               secondMoment: v + start, count: range.count, constants: constants)
        }
    }

    private func prepareStep(_ parameters: ParameterStore) -> AdamStepConstants {
        precondition(parameters.count == count, "Adam sized for \(count) parameters, store has \(parameters.count)")
        stepCount += 1
        let t = Float(stepCount)
        let correction1 = 1 - Float.pow(beta1, t)
        let correction2 = 1 - Float.pow(beta2, t)
        return AdamStepConstants(beta1: beta1, beta2: beta2, epsilon: epsilon, stepSize: learningRate / correction1,
                                 inverseRootCorrection2: 1 / correction2.squareRoot(),
                                 l2: decoupledWeightDecay ? 0 : weightDecay,
                                 shrink: decoupledWeightDecay ? 1 - learningRate * weightDecay : 1)
    }
}

extension Float {
    static func pow(_ base: Float, _ exponent: Float) -> Float {
        Float(Foundation.pow(Double(base), Double(exponent)))
    }
}
