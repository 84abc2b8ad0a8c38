import RecoTensor

/// Dueling Q-network head (Wang et al., 2016, "Dueling Network Architectures for Deep Reinforcement
/// Learning"): from a hidden batch `h` (`B x inputs`) it computes a state value `V = h w_v + b_v`
/// (`B x 1`) and advantages `A = h W_a^T + b_a` (`B x actions`), and outputs
/// `Q = V + A - mean_a(A)`, which keeps V and A identifiable.
public final class DuelingHead: Layer {
    public let inputWidth: Int
    public let outputWidth: Int
    public var runsInPlace: Bool { false }
    private let value: Linear
    private let advantage: Linear
    /// Per row, the state value of the last forward pass; then reused for the value gradient.
    private let valueWorkspace: Matrix
    /// The advantage gradient `dQ - mean_a(dQ)`.
    private let advantageGradient: Matrix

    public var parameterShapes: [ParameterShape] {
        [ParameterShape(name: "value.weight", shape: [1, inputWidth]),
         ParameterShape(name: "value.bias", shape: [1]),
         ParameterShape(name: "advantage.weight", shape: [outputWidth, inputWidth]),
         ParameterShape(name: "advantage.bias", shape: [outputWidth])]
    }

    /// A head over `inputs` hidden units for `actions` actions and batches of up to `maxBatch` rows.
    public init(inputs: Int, actions: Int, initialization: WeightInitialization = .kaimingUniform, maxBatch: Int) {
        inputWidth = inputs
        outputWidth = actions
        value = Linear(inputs: inputs, outputs: 1, initialization: initialization)
        advantage = Linear(inputs: inputs, outputs: actions, initialization: initialization)
        valueWorkspace = Matrix(rows: maxBatch, columns: 1)
        advantageGradient = Matrix(rows: maxBatch, columns: actions)
    }

    public func bind(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {
        value.bind(parameters: parameters, gradients: gradients)
        let offset = value.parameterCount
        advantage.bind(parameters: parameters + offset, gradients: gradients + offset)
    }

    public func initializeParameters(using generator: inout RandomGenerator) throws {
        try value.initializeParameters(using: &generator)
        try advantage.initializeParameters(using: &generator)
    }

    public func forward(_ x: MatrixView, into y: MatrixView) {
        let v = valueWorkspace.rows(0..<x.rows)
        value.forward(x, into: v)
        advantage.forward(x, into: y)
        let scale = 1 / Float(outputWidth)
        for r in 0..<x.rows {
            let row = y.rowPointer(r)
            var total: Float = 0
            for j in 0..<outputWidth { total += row[j] }
            let shift = v[r, 0] - total * scale
            for j in 0..<outputWidth { row[j] += shift }
        }
    }

    public func backward(input x: MatrixView, output y: MatrixView, outputGradient dy: MatrixView,
                         inputGradient dx: MatrixView?, accumulate: Bool) {
        // dV = sum_a dQ and dA = dQ - mean_a(dQ).
        let dv = valueWorkspace.rows(0..<x.rows)
        let da = advantageGradient.rows(0..<x.rows)
        Kernels.rowSum(dy, into: dv.base)
        let scale = 1 / Float(outputWidth)
        for r in 0..<x.rows {
            let source = dy.rowPointer(r), target = da.rowPointer(r)
            let mean = dv[r, 0] * scale
            for j in 0..<outputWidth { target[j] = source[j] - mean }
        }
        advantage.backward(input: x, output: y, outputGradient: da, inputGradient: dx, accumulate: accumulate)
        value.backward(input: x, output: dv, outputGradient: dv, inputGradient: nil, accumulate: accumulate)
        if let dx { BLAS.gemm(dv, value.weightView, into: dx, beta: 1) }
    }
}

/// The `dueling` layer kind: a `DuelingHead` over `inputs` hidden units for `actions` actions.
public struct DuelingKind: LayerKind {
    public static let name = "dueling"
    /// Hidden units in.
    public var inputs: Int
    /// Q-values out.
    public var actions: Int
    /// How the value and advantage weights are drawn.
    public var initialization: WeightInitialization

    /// A head over `inputs` hidden units for `actions` actions.
    public init(inputs: Int, actions: Int, initialization: WeightInitialization) {
        self.inputs = inputs
        self.actions = actions
        self.initialization = initialization
    }

    public var impliedInput: InputShape? { .dense(width: inputs) }

    public func makeLayer(input: InputShape, maxBatch: Int) throws -> (layer: any NetworkLayer, output: InputShape) {
        guard inputs > 0, actions > 0 else {
            throw NetworkError.invalidArchitecture("dueling widths must be positive, got \(inputs) -> \(actions)")
        }
        try requireWidth(inputs, of: input, for: Self.name)
        let head = DuelingHead(inputs: inputs, actions: actions, initialization: initialization,
                               maxBatch: maxBatch * input.steps)
        return (head, input.withWidth(actions))
    }
}
