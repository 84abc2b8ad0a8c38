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

/// The `relu` layer kind: `max(x, 0)`, over the width of the layer before.
public struct ReLUKind: LayerKind {
    public static let name = "relu"
    public init() {}

    public func makeLayer(input: InputShape, maxBatch: Int) throws -> (layer: any NetworkLayer, output: InputShape) {
        let width = try input.floatWidth(for: Self.name)
        return (Activation(.relu, width: width), input)
    }
}

/// The `tanh` layer kind: hyperbolic tangent, over the width of the layer before.
public struct TanhKind: LayerKind {
    public static let name = "tanh"
    public init() {}

    public func makeLayer(input: InputShape, maxBatch: Int) throws -> (layer: any NetworkLayer, output: InputShape) {
        let width = try input.floatWidth(for: Self.name)
        return (Activation(.tanh, width: width), input)
    }
}

/// The `sigmoid` layer kind: logistic sigmoid, over the width of the layer before.
public struct SigmoidKind: LayerKind {
    public static let name = "sigmoid"
    public init() {}

    public func makeLayer(input: InputShape, maxBatch: Int) throws -> (layer: any NetworkLayer, output: InputShape) {
        let width = try input.floatWidth(for: Self.name)
        return (Activation(.sigmoid, width: width), input)
    }
}

/// The `softmax` layer kind: row-wise softmax, over the width of the layer before.
public struct SoftmaxKind: LayerKind {
    public static let name = "softmax"
    public init() {}

    public func makeLayer(input: InputShape, maxBatch: Int) throws -> (layer: any NetworkLayer, output: InputShape) {
        let width = try input.floatWidth(for: Self.name)
        return (SoftmaxHead(width: width, logarithmic: false), input)
    }
}

/// The `logSoftmax` layer kind: row-wise log-softmax, over the width of the layer before.
public struct LogSoftmaxKind: LayerKind {
    public static let name = "logSoftmax"
    public init() {}

    public func makeLayer(input: InputShape, maxBatch: Int) throws -> (layer: any NetworkLayer, output: InputShape) {
        let width = try input.floatWidth(for: Self.name)
        return (SoftmaxHead(width: width, logarithmic: true), input)
    }
}
