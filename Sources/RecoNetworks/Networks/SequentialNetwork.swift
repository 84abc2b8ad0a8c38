import RecoTensor

/// A feed-forward network: layers applied one after another to a batch, with explicit forward and
/// backward passes over workspaces sized for the largest batch.
///
/// Parameters live in one `ParameterStore`. Activations of every layer are kept (elementwise layers
/// write over their input) so `backward` can follow `forward` without recomputation. The input batch
/// handed to `forward` is read again by `backward`, so it must not change in between.
///
/// The input is dense rows, sequences or ids (`input`); the first layer of an ids network is an
/// embedding. Shapes for dense input: `B x inputWidth` in, `B x outputWidth` out, with `B <= maxBatch`;
/// a sequence of `T` steps occupies `T` consecutive rows per sample.
public final class SequentialNetwork {
    /// The architecture, as stored in checkpoints.
    public var specs: [LayerSpec] { chain.specs }
    /// What one sample of the input holds.
    public var input: InputShape { chain.input }
    /// What one sample of the output holds.
    public var output: InputShape { chain.output }
    /// The layers built from `specs`.
    public var layers: [any NetworkLayer] { chain.layers }
    /// Largest batch (in samples) the workspaces hold.
    public var maxBatch: Int { chain.maxBatch }
    /// Parameters and gradients (shared with the network it was made from, for a replica).
    public let parameters: ParameterStore
    /// Whether this is a forward-only replica (see `replica(maxBatch:)`).
    public var isReplica: Bool { chain.forwardOnly }

    private let chain: LayerChain

    /// Builds the layers of `specs` for the input the first layer implies (a linear layer's width, an
    /// embedding's ids), checks that their shapes chain, and initialises the parameters from `generator`.
    public convenience init(_ specs: [LayerSpec], maxBatch: Int, generator: inout RandomGenerator) throws {
        guard let first = specs.first else { throw NetworkError.invalidArchitecture("a network needs at least one layer") }
        guard let input = first.kind.impliedInput else {
            throw NetworkError.invalidArchitecture("layer 0: \(first) cannot come first; its width comes from the layer before")
        }
        try self.init(specs, input: input, maxBatch: maxBatch, generator: &generator)
    }

    /// Builds the layers of `specs` for samples shaped `input` (for example a sequence), checks that
    /// their shapes chain, and initialises the parameters from `generator`.
    public convenience init(_ specs: [LayerSpec], input: InputShape, maxBatch: Int, generator: inout RandomGenerator) throws {
        try self.init(specs, input: input, maxBatch: maxBatch, sharing: nil)
        try chain.initializeParameters(using: &generator)
    }

    /// Builds the layers with workspaces for `maxBatch` samples, bound to the parameters of `shared`
    /// when given (a forward-only replica) or to a fresh zeroed store.
    private init(_ specs: [LayerSpec], input: InputShape, maxBatch: Int, sharing shared: ParameterStore?) throws {
        guard !specs.isEmpty else { throw NetworkError.invalidArchitecture("a network needs at least one layer") }
        chain = try LayerChain(specs, input: input, maxBatch: maxBatch, forwardOnly: shared != nil)
        parameters = shared ?? ParameterStore(tensors: chain.tensors(prefix: "", offset: 0))
        chain.bind(to: parameters, offset: 0)
    }

    /// A forward-only copy that reads this network's parameters (no copy is made: it sees every
    /// update) through its own activation workspaces for `maxBatch` rows.
    ///
    /// Forward passes of different replicas may run on different threads at once, as long as nothing
    /// writes the parameters meanwhile; this is how policies act without touching the training
    /// network's workspaces. A replica has no gradient workspaces and must not run `backward`.
    public func replica(maxBatch: Int) throws -> SequentialNetwork {
        try SequentialNetwork(specs, input: input, maxBatch: maxBatch, sharing: parameters)
    }

    /// This network if its workspaces hold `maxBatch` rows, otherwise a copy with larger workspaces
    /// and the same parameters (networks come back from checkpoints with the batch they were saved with).
    public func withWorkspaces(for maxBatch: Int) throws -> SequentialNetwork {
        if self.maxBatch >= maxBatch { return self }
        let larger = try SequentialNetwork(specs, input: input, maxBatch: maxBatch, sharing: nil)
        larger.copyParameters(from: self)
        return larger
    }

    /// Columns of a float input row (0 for an ids input, which has none).
    public var inputWidth: Int { input.width ?? 0 }
    /// Columns of the output.
    public var outputWidth: Int { output.width ?? 0 }
    /// Number of parameters.
    public var parameterCount: Int { parameters.count }

    /// Runs the float batch `input` (`B x inputWidth`, `B <= maxBatch`; `B*steps` rows for a sequence)
    /// through every layer and returns a view of the output (`B x outputWidth`), valid until the next
    /// forward pass.
    @discardableResult
    public func forward(_ input: MatrixView) -> MatrixView {
        chain.forward(.floats(input))
    }

    /// Runs `batch` (float rows, or ids for a network that starts with an embedding) through every
    /// layer and returns a view of the output, valid until the next forward pass.
    @discardableResult
    public func forward(_ batch: InputBatch) -> MatrixView {
        chain.forward(batch)
    }

    /// Throws `NetworkError.invalidInput` unless the float batch `x` is input the first layer can read
    /// (an `InputCheckingLayer` such as `IdColumnsEmbedding` checks its id columns; other layers accept
    /// any floats). Callers that forward batches from outside (policies) check them first.
    public func checkInput(_ x: MatrixView) throws {
        if let first = layers.first as? any InputCheckingLayer { try first.checkInput(x) }
    }

    /// Back-propagates `outputGradient` (the loss gradient with respect to the last forward pass's
    /// output, `B x outputWidth`): writes every parameter gradient (adds to them when `accumulate`),
    /// and the gradient with respect to a float input into `inputGradient` when given.
    public func backward(outputGradient: MatrixView, inputGradient: MatrixView? = nil, accumulate: Bool = false) {
        chain.backward(outputGradient: outputGradient, inputGradient: inputGradient, accumulate: accumulate)
    }

    /// A workspace shaped like the output for `rows` rows, for callers that need somewhere to put the
    /// output gradient. It is the network's own buffer for that boundary; fill it before `backward`.
    public func outputGradientWorkspace(rows: Int) -> MatrixView {
        chain.outputGradientWorkspace(rows: rows)
    }

    /// Copies every parameter from `source`, which must have the same architecture (hard target update).
    public func copyParameters(from source: SequentialNetwork) {
        parameters.copy(from: source.parameters)
    }

    /// Moves parameters toward `source`'s: `self = tau * source + (1 - tau) * self`.
    public func polyakAverage(from source: SequentialNetwork, tau: Float) {
        parameters.polyakAverage(from: source.parameters, tau: tau)
    }
}

extension SequentialNetwork {
    /// Layer specs of a multilayer perceptron: `inputs -> hidden[0] -> ... -> outputs` with
    /// `activation` after every hidden layer.
    public static func mlp(inputs: Int, hidden: [Int], outputs: Int, activation: LayerSpec = .relu,
                           hiddenInitialization: WeightInitialization = .kaimingUniform,
                           outputInitialization: WeightInitialization = .kaimingUniform) -> [LayerSpec] {
        var specs: [LayerSpec] = []
        var width = inputs
        for units in hidden {
            specs.append(.linear(inputs: width, outputs: units, initialization: hiddenInitialization))
            specs.append(activation)
            width = units
        }
        specs.append(.linear(inputs: width, outputs: outputs, initialization: outputInitialization))
        return specs
    }
}
