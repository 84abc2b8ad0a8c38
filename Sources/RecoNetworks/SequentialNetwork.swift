import RecoTensor

/// A feed-forward network: layers applied one after another to a batch, with explicit forward and
/// backward passes over workspaces sized for the largest batch.
///
/// Parameters live in one `ParameterStore`. Activations of every layer are kept (elementwise layers
/// write over their input) so `backward` can follow `forward` without recomputation. The input batch
/// handed to `forward` is read again by `backward`, so it must not change in between.
///
/// Shapes: input `B x inputWidth`, output `B x outputWidth`, with `B <= maxBatch`.
public final class SequentialNetwork {
    /// The architecture, as stored in checkpoints.
    public let specs: [LayerSpec]
    /// The layers built from `specs`.
    public let layers: [Layer]
    /// Largest batch the workspaces hold.
    public let maxBatch: Int
    /// Parameters and gradients (shared with the network it was made from, for a replica).
    public let parameters: ParameterStore
    /// Whether this is a forward-only replica (see `replica(maxBatch:)`).
    public let isReplica: Bool

    /// `activations[i]` holds layer `i`'s input; `activations[layers.count]` the output. Index 0 is
    /// nil: the caller's input is used directly.
    private let activations: [Matrix?]
    /// Which activation buffer each boundary uses (in-place layers share their input's).
    private let activationSlot: [Int]
    /// Gradient buffers per boundary, shared the same way.
    private let gradientBuffers: [Matrix]
    private var lastInput: MatrixView?
    private var lastBatch = 0

    /// Builds the layers of `specs`, checks that their widths chain, and initialises the parameters
    /// from `generator`.
    public convenience init(_ specs: [LayerSpec], maxBatch: Int, generator: inout RandomGenerator) throws {
        try self.init(specs, maxBatch: maxBatch, sharing: nil)
        for layer in layers { try layer.initializeParameters(using: &generator) }
    }

    /// Builds the layers of `specs` with workspaces for `maxBatch` rows, bound to the parameters of
    /// `shared` when given (a replica) or to a fresh zeroed store.
    private init(_ specs: [LayerSpec], maxBatch: Int, sharing shared: ParameterStore?) throws {
        self.specs = specs
        self.maxBatch = maxBatch
        isReplica = shared != nil
        let layers = try SequentialNetwork.buildLayers(specs, maxBatch: maxBatch)
        self.layers = layers

        if let shared {
            parameters = shared
        } else {
            var tensors: [ParameterTensor] = []
            var offset = 0
            for (index, layer) in layers.enumerated() {
                for shape in layer.parameterShapes {
                    tensors.append(ParameterTensor(name: "\(index).\(shape.name)", shape: shape.shape, offset: offset))
                    offset += shape.count
                }
            }
            parameters = ParameterStore(tensors: tensors)
        }
        var offset = 0
        for layer in layers {
            layer.bind(parameters: parameters.values.baseAddress! + offset,
                       gradients: parameters.gradients.baseAddress! + offset)
            offset += layer.parameterCount
        }

        // Boundary i (the input of layer i) gets its own buffer unless layer i-1 runs in place.
        var slots = [0]
        var buffers: [Matrix?] = [nil]
        var gradients: [Matrix] = [Matrix(rows: isReplica ? 0 : maxBatch, columns: layers.first?.inputWidth ?? 0)]
        for (index, layer) in layers.enumerated() {
            if layer.runsInPlace && index > 0 {
                slots.append(slots[index])
            } else {
                slots.append(buffers.count)
                buffers.append(Matrix(rows: maxBatch, columns: layer.outputWidth))
                gradients.append(Matrix(rows: isReplica ? 0 : maxBatch, columns: layer.outputWidth))
            }
        }
        activations = buffers
        activationSlot = slots
        gradientBuffers = gradients
    }

    /// A forward-only copy that reads this network's parameters (no copy is made: it sees every
    /// update) through its own activation workspaces for `maxBatch` rows.
    ///
    /// Forward passes of different replicas may run on different threads at once, as long as nothing
    /// writes the parameters meanwhile; this is how policies act without touching the training
    /// network's workspaces. A replica has no gradient workspaces and must not run `backward`.
    public func replica(maxBatch: Int) throws -> SequentialNetwork {
        try SequentialNetwork(specs, maxBatch: maxBatch, sharing: parameters)
    }

    /// This network if its workspaces hold `maxBatch` rows, otherwise a copy with larger workspaces
    /// and the same parameters (networks come back from checkpoints with the batch they were saved with).
    public func withWorkspaces(for maxBatch: Int) throws -> SequentialNetwork {
        if self.maxBatch >= maxBatch { return self }
        let larger = try SequentialNetwork(specs, maxBatch: maxBatch, sharing: nil)
        larger.copyParameters(from: self)
        return larger
    }

    static func buildLayers(_ specs: [LayerSpec], maxBatch: Int) throws -> [Layer] {
        guard maxBatch > 0 else { throw NetworkError.invalidArchitecture("maxBatch must be positive, got \(maxBatch)") }
        guard !specs.isEmpty else { throw NetworkError.invalidArchitecture("a network needs at least one layer") }
        var layers: [Layer] = []
        var width: Int?
        for (index, spec) in specs.enumerated() {
            let layer: Layer
            switch spec {
            case let .linear(inputs, outputs, initialization):
                guard inputs > 0, outputs > 0 else {
                    throw NetworkError.invalidArchitecture("layer \(index): linear widths must be positive, got \(inputs) -> \(outputs)")
                }
                if case let .orthogonalSplit(firstRows, _, _) = initialization, !(1..<outputs).contains(firstRows) {
                    throw NetworkError.invalidArchitecture("layer \(index): a split initialisation needs 1..<\(outputs) leading rows, got \(firstRows)")
                }
                layer = Linear(inputs: inputs, outputs: outputs, initialization: initialization)
            case let .dueling(inputs, actions, initialization):
                guard inputs > 0, actions > 0 else {
                    throw NetworkError.invalidArchitecture("layer \(index): dueling widths must be positive, got \(inputs) -> \(actions)")
                }
                layer = DuelingHead(inputs: inputs, actions: actions, initialization: initialization, maxBatch: maxBatch)
            case let .layerNorm(normWidth, epsilon):
                guard normWidth > 0, epsilon > 0 else {
                    throw NetworkError.invalidArchitecture("layer \(index): layer norm needs positive width and epsilon, got \(normWidth), \(epsilon)")
                }
                layer = LayerNorm(width: normWidth, epsilon: epsilon, maxBatch: maxBatch)
            case .relu, .tanh, .sigmoid, .softmax, .logSoftmax:
                guard let width else {
                    throw NetworkError.invalidArchitecture("layer \(index): \(spec) cannot come first; its width comes from the layer before")
                }
                switch spec {
                case .relu: layer = Activation(.relu, width: width)
                case .tanh: layer = Activation(.tanh, width: width)
                case .sigmoid: layer = Activation(.sigmoid, width: width)
                case .softmax: layer = SoftmaxHead(width: width, logarithmic: false)
                default: layer = SoftmaxHead(width: width, logarithmic: true)
                }
            }
            if let width, layer.inputWidth != width {
                throw NetworkError.invalidArchitecture("layer \(index): expects \(layer.inputWidth) inputs but the layer before gives \(width)")
            }
            width = layer.outputWidth
            layers.append(layer)
        }
        return layers
    }

    /// Columns of the input.
    public var inputWidth: Int { layers[0].inputWidth }
    /// Columns of the output.
    public var outputWidth: Int { layers[layers.count - 1].outputWidth }
    /// Number of parameters.
    public var parameterCount: Int { parameters.count }

    /// Runs the batch `input` (`B x inputWidth`, `B <= maxBatch`) through every layer and returns a
    /// view of the output (`B x outputWidth`), valid until the next forward pass.
    @discardableResult
    public func forward(_ input: MatrixView) -> MatrixView {
        precondition(input.columns == inputWidth, "network expects \(inputWidth) input columns, got \(input.columns)")
        precondition(input.rows <= maxBatch, "batch of \(input.rows) exceeds the network's maximum \(maxBatch)")
        lastInput = input
        lastBatch = input.rows
        for (index, layer) in layers.enumerated() {
            layer.forward(activation(index), into: activation(index + 1))
        }
        return activation(layers.count)
    }

    /// Back-propagates `outputGradient` (the loss gradient with respect to the last forward pass's
    /// output, `B x outputWidth`): writes every parameter gradient (adds to them when `accumulate`),
    /// and the gradient with respect to the input into `inputGradient` when given.
    public func backward(outputGradient: MatrixView, inputGradient: MatrixView? = nil, accumulate: Bool = false) {
        precondition(!isReplica, "a replica runs forward passes only")
        precondition(lastInput != nil, "backward called before forward")
        precondition(outputGradient.rows == lastBatch && outputGradient.columns == outputWidth,
                     "output gradient is \(outputGradient.rows)x\(outputGradient.columns), expected \(lastBatch)x\(outputWidth)")
        var upstream = outputGradient
        for index in stride(from: layers.count - 1, through: 0, by: -1) {
            let layer = layers[index]
            let downstream: MatrixView?
            if index == 0 {
                downstream = inputGradient
            } else if layer.runsInPlace && index < layers.count - 1 {
                // Safe to overwrite: `upstream` is the network's own buffer, not the caller's.
                downstream = upstream
            } else {
                downstream = gradientBuffers[activationSlot[index]].rows(0..<lastBatch)
            }
            layer.backward(input: activation(index), output: activation(index + 1), outputGradient: upstream,
                           inputGradient: downstream, accumulate: accumulate)
            guard let downstream else { break }
            upstream = downstream
        }
    }

    /// A workspace shaped like the output for `rows` rows, for callers that need somewhere to put the
    /// output gradient. It is the network's own buffer for that boundary; fill it before `backward`.
    public func outputGradientWorkspace(rows: Int) -> MatrixView {
        precondition(rows <= maxBatch)
        return gradientBuffers[activationSlot[layers.count]].rows(0..<rows)
    }

    /// Copies every parameter from `source`, which must have the same architecture (hard target update).
    public func copyParameters(from source: SequentialNetwork) {
        parameters.copy(from: source.parameters)
    }

    /// Moves parameters toward `source`'s: `self = tau * source + (1 - tau) * self`.
    public func polyakAverage(from source: SequentialNetwork, tau: Float) {
        parameters.polyakAverage(from: source.parameters, tau: tau)
    }

    private func activation(_ boundary: Int) -> MatrixView {
        let slot = activationSlot[boundary]
        if slot == 0 { return bound(lastInput) }
        return bound(activations[slot]).rows(0..<lastBatch)
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
