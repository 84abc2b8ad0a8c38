/// One kind of layer (linear, relu, embedding, ...): its serialisable parameters, and how to build the
/// layer from them for a given input.
///
/// A value of a kind is what a `LayerSpec` holds and what a checkpoint stores; the kind's `name` is the
/// single key of its JSON object (`{"linear":{"inputs":4,...}}`). Kinds are looked up by name in a
/// `LayerRegistry` when a checkpoint is read, so a new kind, even one defined in another module, needs
/// only a type conforming to this protocol and one `LayerRegistry.shared.register(_:)` call.
public protocol LayerKind: Codable, Equatable, Sendable {
    /// The kind's name in JSON; unique within a registry.
    static var name: String { get }
    /// The input a network starting with this layer takes, when the layer fixes it on its own (a linear
    /// layer's width, an embedding's ids); nil when the layer takes its width from the layer before.
    var impliedInput: InputShape? { get }
    /// Builds the layer for samples shaped `input`, with workspaces for batches of up to `maxBatch`
    /// samples, and says what each output sample is. Throws `NetworkError.invalidArchitecture` saying
    /// what does not fit (the network adds which layer it is).
    func makeLayer(input: InputShape, maxBatch: Int) throws -> (layer: any NetworkLayer, output: InputShape)
}

extension LayerKind {
    public var impliedInput: InputShape? { nil }

    /// Whether `other` is the same kind with the same parameters.
    func isEqual(to other: any LayerKind) -> Bool {
        guard let other = other as? Self else { return false }
        return self == other
    }
}
