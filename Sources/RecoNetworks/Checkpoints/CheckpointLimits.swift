import Foundation

/// Bounds on what a checkpoint's header may ask for, checked before anything proportional to it is
/// allocated: the header is untrusted input, so a hand-edited or damaged record must produce a
/// `CheckpointError`, never a trap or an allocation of terabytes.
///
/// - `maximumBatch`: a network record's `maxBatch` (and the `maxBatch` a caller passes to `read`) is in
///   `1...65,536`.
/// - `maximumWorkspaceBytes`: every workspace a rebuilt network allocates holds
///   `maxBatch x steps x width` floats of one layer boundary; that times 4 bytes is at most 2 GiB.
/// - `maximumLayerWidth`: every size of a built-in layer kind or an input (widths, actions, embedding
///   rows, sequence steps) is in `1...16,777,216`.
/// - `maximumOptimizerSteps`: an optimiser's step count is in `0...2^53`.
/// - Parameters: the tensors the architecture declares must fit in the float32 values the file holds
///   before the parameter store is allocated, so parameters never outgrow the file (their exact
///   shapes are then checked tensor by tensor); tensor shapes are
///   multiplied with overflow checks (`SafeTensors`), and the header is at most
///   `SafeTensors.maximumHeaderLength` bytes.
///
/// Layer kinds registered by an embedder are built once for a single sample to learn their shapes;
/// such a kind must check its own parameters in `makeLayer` (the built-in ones do).
extension Checkpoint {
    /// Largest `maxBatch` a checkpoint may record.
    public static let maximumBatch = 65_536
    /// Largest workspace (bytes) a rebuilt network may allocate for one layer boundary.
    public static let maximumWorkspaceBytes = 1 << 31
    /// Largest size (width, actions, embedding rows, sequence steps) a layer or input may declare.
    public static let maximumLayerWidth = 1 << 24
    /// Largest optimiser step count a checkpoint may record.
    public static let maximumOptimizerSteps = 1 << 53

    /// The largest batch whose workspaces stay within `maximumWorkspaceBytes` for rows of
    /// `widestRow` floats per sample (at most `maximumBatch`; 0 when not even one sample fits).
    static func largestBatch(widestRow: Int) -> Int {
        guard widestRow > 0 else { return maximumBatch }
        return min(maximumBatch, maximumWorkspaceBytes / 4 / widestRow)
    }
}

/// What a pre-flight walk over a record learned without allocating its network.
struct RecordShape {
    /// Largest `steps x width` floats of one sample at any boundary (input, layer outputs, concatenation).
    var widestRow = 0
    /// Every parameter tensor the architecture declares, in store order (`<layer>.<name>` or
    /// `<branch>.<layer>.<name>`, without the model's name).
    var parameters: [(name: String, shape: [Int])] = []
}

extension ModelRecord {
    /// Walks the record's architecture with the shapes its kinds declare, checking every size against
    /// `Checkpoint`'s limits, and returns the widest row and the declared parameter tensors. Throws
    /// `CheckpointError.invalidField` naming the field, its value and the bound.
    func preflight(index: Int, path: String) throws -> RecordShape {
        let base = "__metadata__.networks[\(index)]"
        var result = RecordShape()
        func size(_ value: Int, _ field: String) throws {
            guard (1...Checkpoint.maximumLayerWidth).contains(value) else {
                throw CheckpointError.invalidField(path: path, field: field, value: "\(value)",
                                                   expected: "a size in 1...\(Checkpoint.maximumLayerWidth)")
            }
        }
        func row(_ shape: InputShape, _ field: String) throws {
            let steps = shape.steps
            let width = shape.width ?? 1
            let (elements, overflow) = steps.multipliedReportingOverflow(by: width)
            guard !overflow, elements <= Checkpoint.maximumWorkspaceBytes / 4 else {
                throw CheckpointError.invalidField(path: path, field: field, value: "\(shape)",
                                                   expected: "at most \(Checkpoint.maximumWorkspaceBytes / 4) floats per sample")
            }
            result.widestRow = max(result.widestRow, elements)
        }
        func checkInput(_ shape: InputShape, _ field: String) throws {
            switch shape {
            case let .dense(width): try size(width, field + ".width")
            case let .ids(count, steps): try size(count, field + ".count"); try size(steps, field + ".steps")
            case let .sequence(steps, width): try size(steps, field + ".steps"); try size(width, field + ".width")
            }
            try row(shape, field)
        }
        /// One chain of layers from `input`; returns its output (nil once a shape cannot be inferred,
        /// which the real build then reports).
        func chain(_ specs: [LayerSpec], input: InputShape?, field: String, prefix: String) throws -> InputShape? {
            var shape = input
            for (layerIndex, spec) in specs.enumerated() {
                let layerField = "\(field)[\(layerIndex)].\(spec.kindName)"
                let name = "\(prefix)\(layerIndex)."
                var declared: [ParameterShape] = []
                var output: InputShape?
                switch spec.kind {
                case let kind as LinearKind:
                    try size(kind.inputs, layerField + ".inputs")
                    try size(kind.outputs, layerField + ".outputs")
                    declared = [.init(name: "weight", shape: [kind.outputs, kind.inputs]), .init(name: "bias", shape: [kind.outputs])]
                    output = .floats(steps: shape?.steps ?? 1, width: kind.outputs)
                case let kind as LayerNormKind:
                    try size(kind.width, layerField + ".width")
                    declared = [.init(name: "weight", shape: [kind.width]), .init(name: "bias", shape: [kind.width])]
                    output = .floats(steps: shape?.steps ?? 1, width: kind.width)
                case let kind as DuelingKind:
                    try size(kind.inputs, layerField + ".inputs")
                    try size(kind.actions, layerField + ".actions")
                    declared = [.init(name: "value.weight", shape: [1, kind.inputs]), .init(name: "value.bias", shape: [1]),
                                .init(name: "advantage.weight", shape: [kind.actions, kind.inputs]),
                                .init(name: "advantage.bias", shape: [kind.actions])]
                    output = .floats(steps: shape?.steps ?? 1, width: kind.actions)
                case let kind as EmbeddingKind:
                    try size(kind.count, layerField + ".count")
                    try size(kind.width, layerField + ".width")
                    declared = [.init(name: "weight", shape: [kind.count, kind.width])]
                    output = .floats(steps: shape?.steps ?? 1, width: kind.width)
                case is ReLUKind, is TanhKind, is SigmoidKind, is SoftmaxKind, is LogSoftmaxKind:
                    output = shape
                case is MeanPoolingKind:
                    output = shape?.width.map { .dense(width: $0) }
                default:
                    // A kind registered by an embedder: built for one sample to learn its shapes.
                    guard let current = shape else { return nil }
                    guard let built = try? spec.kind.makeLayer(input: current, maxBatch: 1) else { return nil }
                    declared = built.layer.parameterShapes
                    output = built.output
                    if let width = output?.width { try size(width, layerField + " output width") }
                    try size(output?.steps ?? 1, layerField + " output steps")
                }
                for parameter in declared {
                    result.parameters.append((name: name + parameter.name, shape: parameter.shape))
                }
                guard let next = output else { return nil }
                try row(next, layerField)
                shape = next
            }
            return shape
        }

        switch model {
        case nil:
            let start = input ?? layers?.first?.kind.impliedInput
            if let start { try checkInput(start, base + (input == nil ? ".layers[0]" : ".input")) }
            _ = try chain(layers ?? [], input: start, field: base + ".layers", prefix: "")
        case Self.multiInputModel?:
            var width = 0
            for (branchIndex, branch) in (branches ?? []).enumerated() {
                let field = "\(base).branches[\(branchIndex)]"
                try checkInput(branch.input, field + ".input")
                let output = try chain(branch.layers, input: branch.input, field: field + ".layers", prefix: "\(branch.name).")
                if let branchWidth = output?.width {
                    width += branchWidth
                    try size(width, "\(base).branches (concatenated width)")
                }
            }
            if width > 0 { try row(.dense(width: width), "\(base).branches (concatenated width)") }
            _ = try chain(trunk ?? [], input: width > 0 ? .dense(width: width) : nil, field: base + ".trunk",
                          prefix: "\(MultiInputNetwork.trunkName).")
        default:
            for (tensorIndex, tensor) in (tensors ?? []).enumerated() {
                let field = "\(base).tensors[\(tensorIndex)]"
                guard !tensor.name.isEmpty, tensor.shape.allSatisfy({ $0 >= 0 }) else {
                    throw CheckpointError.invalidField(path: path, field: field, value: "\(tensor.name) \(tensor.shape)",
                                                       expected: "a named tensor of non-negative sizes")
                }
                result.parameters.append((name: tensor.name, shape: tensor.shape))
            }
        }
        return result
    }
}
