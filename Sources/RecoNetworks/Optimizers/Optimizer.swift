import RecoTensor

/// The hyper-parameters of an optimiser, as stored in checkpoints so training can resume.
public enum OptimizerConfiguration: Codable, Equatable, Sendable {
    /// Adam (Kingma and Ba, 2015) with bias correction. `decoupledWeightDecay` selects AdamW
    /// (Loshchilov and Hutter, 2019): decay applied to the weights directly rather than added to the
    /// gradient.
    case adam(learningRate: Float, beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float,
              decoupledWeightDecay: Bool)
    /// Stochastic gradient descent with optional (heavy-ball) momentum and L2 weight decay.
    case sgd(learningRate: Float, momentum: Float, weightDecay: Float)

    /// Adam with PyTorch's defaults except the learning rate.
    public static func adam(learningRate: Float) -> OptimizerConfiguration {
        .adam(learningRate: learningRate, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0,
              decoupledWeightDecay: false)
    }

    /// AdamW with PyTorch's defaults (weight decay 0.01) except the learning rate.
    public static func adamW(learningRate: Float, weightDecay: Float = 0.01) -> OptimizerConfiguration {
        .adam(learningRate: learningRate, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: weightDecay,
              decoupledWeightDecay: true)
    }

    /// Builds the optimiser for `parameterCount` parameters, with fresh state.
    public func makeOptimizer(parameterCount: Int) -> Optimizer {
        switch self {
        case .adam: return Adam(self, parameterCount: parameterCount)
        case .sgd: return SGD(self, parameterCount: parameterCount)
        }
    }
}

/// Updates a flat parameter buffer from its gradient buffer.
public protocol Optimizer: AnyObject {
    /// The hyper-parameters (with the current learning rate).
    var configuration: OptimizerConfiguration { get }
    /// Step size; change it between steps to follow a schedule.
    var learningRate: Float { get set }
    /// Number of steps taken.
    var stepCount: Int { get set }
    /// Per-parameter state buffers (for checkpoints), by name.
    var stateBuffers: [(name: String, buffer: UnsafeMutableBufferPointer<Float>)] { get }
    /// Applies one update to `parameters.values` from `parameters.gradients`.
    func step(_ parameters: ParameterStore)
}

/// Minimum number of parameters per thread for parallel optimiser passes: below this the pass stays on
/// one thread (the work is too small to split).
let optimizerChunk = 1 << 16
