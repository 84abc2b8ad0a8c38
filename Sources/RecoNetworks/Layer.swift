import RecoTensor

/// The name and shape of one parameter tensor of a layer (for example `weight`, `[out, in]`).
public struct ParameterShape: Equatable, Sendable {
    /// Name within the layer, as PyTorch would name it.
    public let name: String
    /// Dimensions, outermost first.
    public let shape: [Int]
    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }
}

/// One layer with an explicit forward and backward pass over a batch (rows are samples).
///
/// A layer owns no parameter memory: its weights and their gradients are windows into the flat
/// buffers of a `ParameterStore`, bound once with `bind(parameters:gradients:)`. Per-sample state the
/// backward pass needs beyond the input and output (for example layer norm's statistics) lives in
/// workspaces sized for the largest batch, so passes allocate nothing.
public protocol Layer: AnyObject {
    /// Columns of the input.
    var inputWidth: Int { get }
    /// Columns of the output.
    var outputWidth: Int { get }
    /// The layer's parameter tensors, in the order they are laid out in the flat buffer.
    var parameterShapes: [ParameterShape] { get }
    /// Whether the forward pass may write its output over its input (and the backward pass its input
    /// gradient over its output gradient), which saves a workspace and a pass over memory.
    var runsInPlace: Bool { get }
    /// Points the layer at its parameters and gradients (as many elements as `parameterShapes` holds).
    func bind(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>)
    /// Draws initial parameter values.
    func initializeParameters(using generator: inout RandomGenerator) throws
    /// Computes `y` from `x` for every row.
    func forward(_ x: MatrixView, into y: MatrixView)
    /// Given the forward pass's input `x`, output `y` and the loss gradient `dy` with respect to `y`,
    /// writes the parameter gradients (adding to them when `accumulate`) and, when `dx` is given, the
    /// gradient with respect to `x`.
    func backward(input x: MatrixView, output y: MatrixView, outputGradient dy: MatrixView,
                  inputGradient dx: MatrixView?, accumulate: Bool)
}

extension Layer {
    /// Total number of parameters.
    public var parameterCount: Int { parameterShapes.reduce(0) { $0 + $1.count } }
}
