import RecoTensor

/// Layers applied one after another with their workspaces: the part of a network that runs one list
/// of specs on one input. `SequentialNetwork` is one chain; `MultiInputNetwork` is a chain per input and
/// one for its trunk, all bound into one parameter store.
///
/// Boundary `k` is the input of float layer `k` (the layers after an optional leading lookup layer);
/// boundary `rowLayers.count` is the output. Boundary 0 is the caller's float input, or the lookup's
/// output buffer when the chain reads ids. Each boundary holds `batch * steps[k]` rows.
final class LayerChain {
    let specs: [LayerSpec]
    let input: InputShape
    let output: InputShape
    let maxBatch: Int
    /// Whether the chain has no gradient workspaces (a replica's).
    let forwardOnly: Bool
    /// Every layer, in order (the lookup first when there is one).
    let layers: [any NetworkLayer]
    private let lookup: (any LookupLayer)?
    private let rowLayers: [any Layer]
    private let steps: [Int]
    /// Which activation buffer each boundary uses (slot 0 is the caller's input; in-place layers share
    /// their input's slot).
    private let activationSlot: [Int]
    private let activations: [Matrix?]
    /// Gradient buffers per slot (empty for a forward-only chain).
    private let gradientBuffers: [Matrix]
    private var lastInput: MatrixView?
    private var lastIds: UnsafeBufferPointer<Int32>?
    private var lastBatch = 0

    /// Builds the layers of `specs` for `input` with workspaces for `maxBatch` samples (activations
    /// only when `forwardOnly`). Errors name the failing layer by its index.
    init(_ specs: [LayerSpec], input: InputShape, maxBatch: Int, forwardOnly: Bool) throws {
        guard maxBatch > 0 else { throw NetworkError.invalidArchitecture("maxBatch must be positive, got \(maxBatch)") }
        try input.validate()
        self.specs = specs
        self.input = input
        self.maxBatch = maxBatch
        self.forwardOnly = forwardOnly
        var layers: [any NetworkLayer] = []
        var lookup: (any LookupLayer)?
        var rowLayers: [any Layer] = []
        var shape = input
        var steps: [Int] = []   // of each float boundary
        for (index, spec) in specs.enumerated() {
            let built: (layer: any NetworkLayer, output: InputShape)
            do {
                built = try spec.kind.makeLayer(input: shape, maxBatch: maxBatch)
            } catch let NetworkError.invalidArchitecture(detail) {
                throw NetworkError.invalidArchitecture("layer \(index): \(detail)")
            }
            if let layer = built.layer as? any LookupLayer, index == 0 {
                lookup = layer
            } else if let layer = built.layer as? any Layer, layer.inputWidth == shape.width,
                      layer.outputWidth == built.output.width {
                if rowLayers.isEmpty { steps.append(shape.steps) }
                rowLayers.append(layer)
            } else {
                throw NetworkError.invalidArchitecture(
                    "layer \(index): \(spec.kindName) built a \(type(of: built.layer)) that does not read \(shape) or give \(built.output)")
            }
            layers.append(built.layer)
            shape = built.output
            if !rowLayers.isEmpty { steps.append(shape.steps) }
        }
        if rowLayers.isEmpty { steps = [shape.steps] }
        guard shape.width != nil else {
            throw NetworkError.invalidArchitecture("the layers give \(shape); a network must output float rows (start it with an embedding)")
        }
        self.layers = layers
        self.lookup = lookup
        self.rowLayers = rowLayers
        self.steps = steps
        output = shape

        // Boundary k gets its own buffer unless float layer k-1 runs in place on a buffer of ours.
        let gradientRows = forwardOnly ? 0 : maxBatch
        var slots: [Int] = []
        var buffers: [Matrix?] = [nil]
        var gradients: [Matrix] = [Matrix(rows: 0, columns: 0)]
        func addSlot(width: Int, steps: Int) {
            slots.append(buffers.count)
            buffers.append(Matrix(rows: maxBatch * steps, columns: width))
            gradients.append(Matrix(rows: gradientRows * steps, columns: width))
        }
        if let lookup { addSlot(width: lookup.outputWidth, steps: steps[0]) } else { slots.append(0) }
        for (k, layer) in rowLayers.enumerated() {
            if layer.runsInPlace && slots[k] != 0 {
                slots.append(slots[k])
            } else {
                addSlot(width: layer.outputWidth, steps: steps[k + 1])
            }
        }
        activationSlot = slots
        activations = buffers
        gradientBuffers = gradients
    }

    /// Parameter tensors of every layer, named `<prefix><layer index>.<name>`, laid out from `offset`.
    func tensors(prefix: String, offset: Int) -> [ParameterTensor] {
        var tensors: [ParameterTensor] = []
        var position = offset
        for (index, layer) in layers.enumerated() {
            for shape in layer.parameterShapes {
                tensors.append(ParameterTensor(name: "\(prefix)\(index).\(shape.name)", shape: shape.shape, offset: position))
                position += shape.count
            }
        }
        return tensors
    }

    /// Number of parameters of every layer.
    var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

    /// Binds every layer to consecutive windows of `store` from `offset`.
    func bind(to store: ParameterStore, offset: Int) {
        var position = offset
        for layer in layers {
            layer.bind(parameters: store.values.baseAddress! + position, gradients: store.gradients.baseAddress! + position)
            position += layer.parameterCount
        }
    }

    /// Draws every layer's initial parameters, in order.
    func initializeParameters(using generator: inout RandomGenerator) throws {
        for layer in layers { try layer.initializeParameters(using: &generator) }
    }

    /// Runs `batch` through every layer and returns the output (`B*steps x width` rows), valid until
    /// the next forward pass.
    func forward(_ batch: InputBatch) -> MatrixView {
        let inputSteps = input.steps
        switch batch {
        case let .floats(x):
            precondition(lookup == nil && x.columns == input.width,
                         "network expects \(input), got float rows of \(x.columns) columns")
            precondition(x.rows % inputSteps == 0, "\(x.rows) rows do not hold whole sequences of \(inputSteps) steps")
            lastBatch = x.rows / inputSteps
            lastInput = x
        case let .ids(ids):
            precondition(lookup != nil, "network expects \(input), got ids")
            precondition(ids.count % inputSteps == 0, "\(ids.count) ids do not hold whole sequences of \(inputSteps) steps")
            lastBatch = ids.count / inputSteps
            lastIds = ids
        }
        precondition(lastBatch <= maxBatch, "batch of \(lastBatch) exceeds the network's maximum \(maxBatch)")
        if let lookup, let lastIds { lookup.forward(ids: lastIds, into: activation(0)) }
        for (k, layer) in rowLayers.enumerated() {
            layer.forward(activation(k), into: activation(k + 1))
        }
        return activation(rowLayers.count)
    }

    /// Back-propagates `outputGradient` (shaped like the last output): writes every parameter gradient
    /// (adds when `accumulate`) and, for a float input, the input gradient into `inputGradient` when given.
    func backward(outputGradient: MatrixView, inputGradient: MatrixView?, accumulate: Bool) {
        precondition(!forwardOnly, "a replica runs forward passes only")
        precondition(lastInput != nil || lastIds != nil, "backward called before forward")
        precondition(outputGradient.rows == rows(rowLayers.count) && outputGradient.columns == output.width,
                     "output gradient is \(outputGradient.rows)x\(outputGradient.columns), expected \(rows(rowLayers.count))x\(output.width ?? 0)")
        precondition(inputGradient == nil || lookup == nil, "ids have no gradient")
        var upstream = outputGradient
        let last = rowLayers.count - 1
        for k in stride(from: last, through: 0, by: -1) {
            let layer = rowLayers[k]
            let downstream: MatrixView?
            if activationSlot[k] == 0 {
                downstream = inputGradient
            } else if layer.runsInPlace && k < last {
                // Safe to overwrite: `upstream` is the chain's own buffer, not the caller's.
                downstream = upstream
            } else {
                downstream = gradientBuffers[activationSlot[k]].rows(0..<rows(k))
            }
            layer.backward(input: activation(k), output: activation(k + 1), outputGradient: upstream,
                           inputGradient: downstream, accumulate: accumulate)
            guard let downstream else { return }
            upstream = downstream
        }
        if let lookup, let lastIds {
            lookup.backward(ids: lastIds, outputGradient: upstream, accumulate: accumulate)
        } else if rowLayers.isEmpty, let inputGradient {
            inputGradient.copy(from: outputGradient)
        }
    }

    /// The chain's own buffer for the output gradient of `rows` output rows.
    func outputGradientWorkspace(rows: Int) -> MatrixView {
        precondition(rows <= maxBatch * output.steps && activationSlot[rowLayers.count] != 0)
        return gradientBuffers[activationSlot[rowLayers.count]].rows(0..<rows)
    }

    private func rows(_ boundary: Int) -> Int { lastBatch * steps[boundary] }

    private func activation(_ boundary: Int) -> MatrixView {
        let slot = activationSlot[boundary]
        if slot == 0 { return bound(lastInput) }
        return bound(activations[slot]).rows(0..<rows(boundary))
    }
}
