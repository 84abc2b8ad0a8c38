/// A serialisable description of one layer: a value of some `LayerKind`. A list of these is a
/// network's architecture: it is what a checkpoint stores so the network can be rebuilt from the file
/// alone.
///
/// The JSON of a spec is an object with one key, the kind's name, holding the kind's parameters
/// (`{"linear":{"inputs":4,"outputs":5,"initialization":{"kaimingUniform":{}}}}`, `{"relu":{}}`).
/// Decoding looks the name up in `LayerRegistry.shared`.
public struct LayerSpec: Codable, Equatable, Sendable, CustomStringConvertible {
    /// The kind and its parameters.
    public let kind: any LayerKind

    /// A spec holding `kind`.
    public init(_ kind: some LayerKind) { self.kind = kind }

    /// The kind's name (`linear`, `relu`, ...).
    public var kindName: String { type(of: kind).name }

    public var description: String { kindName }

    public static func == (lhs: LayerSpec, rhs: LayerSpec) -> Bool { lhs.kind.isEqual(to: rhs.kind) }

    /// A JSON key that is a kind's name.
    struct KindKey: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: KindKey.self)
        try kind.encode(to: container.superEncoder(forKey: KindKey(stringValue: kindName)))
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: KindKey.self)
        guard container.allKeys.count == 1, let key = container.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: container.codingPath,
                debugDescription: "a layer with keys \(container.allKeys.map(\.stringValue).sorted()); a layer is an object with exactly one key, its kind"))
        }
        guard let type = LayerRegistry.shared.kind(named: key.stringValue) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: container.codingPath + [key],
                debugDescription: "unknown layer kind \"\(key.stringValue)\" (registered kinds: \(LayerRegistry.shared.names.joined(separator: ", ")))"))
        }
        kind = try type.init(from: container.superDecoder(forKey: key))
    }
}

extension LayerSpec {
    /// `y = x W^T + b` with `W` of shape `outputs x inputs` (PyTorch's layout).
    public static func linear(inputs: Int, outputs: Int, initialization: WeightInitialization) -> LayerSpec {
        LayerSpec(LinearKind(inputs: inputs, outputs: outputs, initialization: initialization))
    }

    /// A linear layer with PyTorch's default initialisation.
    public static func linear(_ inputs: Int, _ outputs: Int) -> LayerSpec {
        .linear(inputs: inputs, outputs: outputs, initialization: .kaimingUniform)
    }

    /// `max(x, 0)`.
    public static let relu = LayerSpec(ReLUKind())
    /// Hyperbolic tangent.
    public static let tanh = LayerSpec(TanhKind())
    /// Logistic sigmoid.
    public static let sigmoid = LayerSpec(SigmoidKind())
    /// Row-wise softmax (probabilities over actions or items).
    public static let softmax = LayerSpec(SoftmaxKind())
    /// Row-wise log-softmax (log-probabilities; numerically safer than log of softmax).
    public static let logSoftmax = LayerSpec(LogSoftmaxKind())

    /// Normalises each row to zero mean and unit variance, then scales and shifts per feature.
    public static func layerNorm(width: Int, epsilon: Float) -> LayerSpec {
        LayerSpec(LayerNormKind(width: width, epsilon: epsilon))
    }

    /// Dueling Q head (Wang et al., 2016): `Q = V + A - mean(A)` from a hidden vector of `inputs`.
    public static func dueling(inputs: Int, actions: Int, initialization: WeightInitialization) -> LayerSpec {
        LayerSpec(DuelingKind(inputs: inputs, actions: actions, initialization: initialization))
    }

    /// A lookup table of `count` learned vectors of `width`, reading ids in `0..<count`.
    public static func embedding(count: Int, width: Int) -> LayerSpec {
        LayerSpec(EmbeddingKind(count: count, width: width))
    }

    /// The mean over the steps of each sequence: `B*T x D` rows in, `B x D` out.
    public static let meanPooling = LayerSpec(MeanPoolingKind())
}
