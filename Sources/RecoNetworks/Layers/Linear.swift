import RecoTensor

/// Fully connected layer: `y = x W^T + b` for a batch `x` of shape `B x inputs`.
///
/// `W` has shape `outputs x inputs` and `b` has `outputs` elements, laid out as PyTorch's `nn.Linear`
/// so checkpoints carry over. All three products of the forward and backward pass are single BLAS calls.
public final class Linear: Layer {
    public let inputWidth: Int
    public let outputWidth: Int
    public let initialization: WeightInitialization
    public var runsInPlace: Bool { false }
    public var parameterShapes: [ParameterShape] {
        [ParameterShape(name: "weight", shape: [outputWidth, inputWidth]),
         ParameterShape(name: "bias", shape: [outputWidth])]
    }

    private var weight: MatrixView?
    private var bias: UnsafeMutablePointer<Float>?
    private var weightGradient: MatrixView?
    private var biasGradient: UnsafeMutablePointer<Float>?

    /// A layer mapping `inputs` columns to `outputs` columns.
    public init(inputs: Int, outputs: Int, initialization: WeightInitialization = .kaimingUniform) {
        precondition(inputs > 0 && outputs > 0, "linear layer needs positive widths, got \(inputs) -> \(outputs)")
        inputWidth = inputs
        outputWidth = outputs
        self.initialization = initialization
    }

    public func bind(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {
        let weightCount = outputWidth * inputWidth
        weight = MatrixView(base: parameters, rows: outputWidth, columns: inputWidth)
        bias = parameters + weightCount
        weightGradient = MatrixView(base: gradients, rows: outputWidth, columns: inputWidth)
        biasGradient = gradients + weightCount
    }

    public func initializeParameters(using generator: inout RandomGenerator) throws {
        try Initialization.initialize(weight: bound(weight), bias: bias, initialization, using: &generator)
    }

    public func forward(_ x: MatrixView, into y: MatrixView) {
        BLAS.gemm(x, bound(weight), transposeB: true, into: y)
        Kernels.addBias(bound(bias), to: y)
    }

    /// The weight matrix (`outputs x inputs`), for layers built from linear parts.
    var weightView: MatrixView { bound(weight) }

    public func backward(input x: MatrixView, output y: MatrixView, outputGradient dy: MatrixView,
                         inputGradient dx: MatrixView?, accumulate: Bool) {
        BLAS.gemm(dy, transposeA: true, x, into: bound(weightGradient), beta: accumulate ? 1 : 0)
        Kernels.biasGradient(dy, into: bound(biasGradient), accumulate: accumulate)
        if let dx { BLAS.gemm(dy, bound(weight), into: dx) }
    }
}

/// Unwraps a parameter window that `bind` must have set; using an unbound layer is a programmer error.
@inline(__always)
func bound<T>(_ value: T?, file: StaticString = #file, line: UInt = #line) -> T {
    guard let value else { preconditionFailure("layer used before its parameters were bound", file: file, line: line) }
    return value
}

/// The `linear` layer kind: a `Linear` from `inputs` to `outputs` columns, row-wise (applied to every
/// step of a sequence).
public struct LinearKind: LayerKind {
    public static let name = "linear"
    /// Columns in.
    public var inputs: Int
    /// Columns out.
    public var outputs: Int
    /// How the weights are drawn.
    public var initialization: WeightInitialization

    /// A kind mapping `inputs` columns to `outputs` with weights drawn as `initialization` says.
    public init(inputs: Int, outputs: Int, initialization: WeightInitialization) {
        self.inputs = inputs
        self.outputs = outputs
        self.initialization = initialization
    }

    public var impliedInput: InputShape? { .dense(width: inputs) }

    public func makeLayer(input: InputShape, maxBatch: Int) throws -> (layer: any NetworkLayer, output: InputShape) {
        guard inputs > 0, outputs > 0 else {
            throw NetworkError.invalidArchitecture("linear widths must be positive, got \(inputs) -> \(outputs)")
        }
        if case let .orthogonalSplit(firstRows, _, _) = initialization, !(1..<outputs).contains(firstRows) {
            throw NetworkError.invalidArchitecture("a split initialisation needs 1..<\(outputs) leading rows, got \(firstRows)")
        }
        try requireWidth(inputs, of: input, for: Self.name)
        return (Linear(inputs: inputs, outputs: outputs, initialization: initialization), input.withWidth(outputs))
    }
}

/// Throws unless `input` is float rows of `width`, in the words a width mismatch between layers is
/// reported with.
func requireWidth(_ width: Int, of input: InputShape, for kind: String) throws {
    let given = try input.floatWidth(for: kind)
    guard given == width else {
        throw NetworkError.invalidArchitecture("expects \(width) inputs but the layer before gives \(given)")
    }
}
