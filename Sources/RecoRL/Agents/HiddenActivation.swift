import RecoNetworks

/// The nonlinearity between hidden layers, as named in configuration files.
public enum HiddenActivation: String, Codable, Sendable, CaseIterable {
    case tanh, relu

    /// The layer that applies it.
    public var layer: LayerSpec {
        switch self {
        case .tanh: return .tanh
        case .relu: return .relu
        }
    }
}
