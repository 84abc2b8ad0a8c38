import RecoTensor

/// The name and shape of one parameter tensor of a layer (for example `weight`, `[out, in]`).
public struct ParameterShape: Equatable, Sendable {
    /// Name within the layer, as PyTorch would name it.
    public let name: String
    /// Dimensions, outermost first.
    public let shape: [Int]
    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }

    /// A tensor called `name` of `shape` (layers defined outside this module describe their parameters
    /// with it).
    public init(name: String, shape: [Int]) {
        self.name = name
        self.shape = shape
    }
}

/// What every layer of a network has, whatever its input: parameters that are windows into the
/// network's flat buffers, and rows of `outputWidth` columns out.
///
/// A layer owns no parameter memory: its weights and their gradients are windows into the flat
/// buffers of a `ParameterStore`, bound once with `bind(parameters:gradients:)`. Per-sample state the
/// backward pass needs beyond the input and output (for example layer norm's statistics) lives in
/// workspaces sized for the largest batch, so passes allocate nothing.
///
/// Float layers refine this as `Layer`, layers that read integer ids as `LookupLayer`.
public protocol NetworkLayer: AnyObject {
    /// Columns of the output.
    var outputWidth: Int { get }
    /// The layer's parameter tensors, in the order they are laid out in the flat buffer.
    var parameterShapes: [ParameterShape] { get }
    /// Points the layer at its parameters and gradients (as many elements as `parameterShapes` holds).
    func bind(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>)
    /// Draws initial parameter values.
    func initializeParameters(using generator: inout RandomGenerator) throws
}

extension NetworkLayer {
    /// Total number of parameters.
    public var parameterCount: Int { parameterShapes.reduce(0) { $0 + $1.count } }
}

/// A layer with an explicit forward and backward pass over float rows.
///
/// Rows are samples, or for a sequence input the time steps of samples (sample `b`'s `T` steps are
/// rows `b*T ..< (b+1)*T`). A row-wise layer (linear, activations, layer norm) treats every row alike,
/// so it applies to each step of a sequence unchanged; a layer that changes the number of steps (a
/// pooling layer) receives input and output views with different row counts.
public protocol Layer: NetworkLayer {
    /// Columns of the input.
    var inputWidth: Int { get }
    /// Whether the forward pass may write its output over its input (and the backward pass its input
    /// gradient over its output gradient), which saves a workspace and a pass over memory.
    var runsInPlace: Bool { get }
    /// Computes `y` from `x` for every row.
    func forward(_ x: MatrixView, into y: MatrixView)
    /// Given the forward pass's input `x`, output `y` and the loss gradient `dy` with respect to `y`,
    /// writes the parameter gradients (adding to them when `accumulate`) and, when `dx` is given, the
    /// gradient with respect to `x`.
    func backward(input x: MatrixView, output y: MatrixView, outputGradient dy: MatrixView,
                  inputGradient dx: MatrixView?, accumulate: Bool)
}

/// A layer that reads integer ids rather than floats (an embedding lookup): it can only be the first
/// layer of a network or branch whose input is `InputShape.ids`. Ids have no gradient, so the backward
/// pass writes parameter gradients only.
public protocol LookupLayer: NetworkLayer {
    /// Number of distinct ids: every id lies in `0..<count`.
    var count: Int { get }
    /// Writes row `i` of `y` from `ids[i]`, for every id.
    func forward(ids: UnsafeBufferPointer<Int32>, into y: MatrixView)
    /// Writes the parameter gradients (adding to them when `accumulate`) given the forward pass's ids
    /// and the loss gradient `dy` with respect to its output.
    func backward(ids: UnsafeBufferPointer<Int32>, outputGradient dy: MatrixView, accumulate: Bool)
}
