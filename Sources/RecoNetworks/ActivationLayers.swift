import RecoTensor

/// An elementwise activation as a layer: no parameters, runs in place.
public final class Activation: Layer {
    /// The activation functions available as layers.
    public enum Function: Sendable { case relu, tanh, sigmoid }

    public let function: Function
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }
    public var parameterShapes: [ParameterShape] { [] }
    public var runsInPlace: Bool { true }

    /// An activation over rows of `width` columns.
    public init(_ function: Function, width: Int) {
        self.function = function
        inputWidth = width
    }

    public func bind(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {}
    public func initializeParameters(using generator: inout RandomGenerator) throws {}

    public func forward(_ x: MatrixView, into y: MatrixView) {
        switch function {
        case .relu: Kernels.relu(x, into: y)
        case .tanh: Kernels.tanh(x, into: y)
        case .sigmoid: Kernels.sigmoid(x, into: y)
        }
    }

    public func backward(input x: MatrixView, output y: MatrixView, outputGradient dy: MatrixView,
                         inputGradient dx: MatrixView?, accumulate: Bool) {
        guard let dx else { return }
        switch function {
        case .relu: Kernels.reluBackward(output: y, outputGradient: dy, into: dx)
        case .tanh: Kernels.tanhBackward(output: y, outputGradient: dy, into: dx)
        case .sigmoid: Kernels.sigmoidBackward(output: y, outputGradient: dy, into: dx)
        }
    }
}

/// Row-wise softmax or log-softmax as the last layer of a policy network.
public final class SoftmaxHead: Layer {
    /// Whether the head outputs probabilities or log-probabilities.
    public let logarithmic: Bool
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }
    public var parameterShapes: [ParameterShape] { [] }
    public var runsInPlace: Bool { true }

    /// A softmax (or, when `logarithmic`, log-softmax) over rows of `width` columns.
    public init(width: Int, logarithmic: Bool) {
        inputWidth = width
        self.logarithmic = logarithmic
    }

    public func bind(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {}
    public func initializeParameters(using generator: inout RandomGenerator) throws {}

    public func forward(_ x: MatrixView, into y: MatrixView) {
        if logarithmic { Kernels.logSoftmax(x, into: y) } else { Kernels.softmax(x, into: y) }
    }

    public func backward(input x: MatrixView, output y: MatrixView, outputGradient dy: MatrixView,
                         inputGradient dx: MatrixView?, accumulate: Bool) {
        guard let dx else { return }
        if logarithmic {
            Kernels.logSoftmaxBackward(output: y, outputGradient: dy, into: dx)
        } else {
            Kernels.softmaxBackward(output: y, outputGradient: dy, into: dx)
        }
    }
}
