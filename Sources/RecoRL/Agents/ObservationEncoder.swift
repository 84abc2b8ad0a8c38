import RecoEnvironments
import RecoNetworks

/// How a deep agent reads the window of item ids an environment declares (`ObservationIds`) before its
/// MLP: every id column gets a learned vector of `itemEmbeddingWidth`, then
///
/// - `mlp`: the vectors are averaged (a bag of items) and passed on with the other columns;
/// - `gru`: the window is a sequence of `T` steps (`[vector_t, other columns]` at step `t`), read by a
///   GRU whose last state (`encoderWidth` wide) goes on (Cho et al. 2014);
/// - `attention`: the same sequence, projected to `encoderWidth`, through one pre-norm multi-head
///   self-attention block with learned positions and a residual (`attentionHeads` heads; Vaswani et al.
///   2017), averaged over the steps.
///
/// Without id columns (or with `itemEmbeddingWidth` 0) every encoder reads the observation as it is.
public enum ObservationEncoder: String, Codable, CaseIterable, Sendable {
    case mlp
    case gru
    case attention

    /// Heads of the attention encoder (`encoderWidth` must be a multiple of it).
    public static let attentionHeads = 4
    /// The largest `encoderWidth`.
    public static let maximumWidth = 4_096

    /// Throws a `ConfigurationError` naming `encoderWidth` when it does not suit this encoder.
    func validate(width: Int) throws {
        guard self != .mlp else { return }
        try ConfigurationLimits.require(width, in: 1...Self.maximumWidth, "encoderWidth")
        if self == .attention, width % Self.attentionHeads != 0 {
            throw ConfigurationError(field: "encoderWidth", value: "\(width)",
                                     expected: "a multiple of the attention encoder's \(Self.attentionHeads) heads")
        }
    }
}

/// A configuration whose networks start with `ObservationInput`'s layers: the id columns' vectors and
/// the encoder that reads them (DQN, A2C, PPO, SAC), so commands can set the encoder whatever the
/// algorithm.
public protocol ObservationEncodingConfiguration {
    /// Width of the learned vector of each declared id column (0: ids read as numbers).
    var itemEmbeddingWidth: Int { get }
    var encoder: ObservationEncoder { get set }
    var encoderWidth: Int { get set }
}

extension ObservationEncodingConfiguration {
    /// The encoder in a configuration's one-line summary (`gru 32`, `mlp`).
    public var encoderDescription: String { encoder == .mlp ? "mlp" : "\(encoder.rawValue) \(encoderWidth)" }

    /// `body(width)` behind the input layers this configuration gives observations of
    /// `observationWidth` with `ids` (`ObservationInput.network`).
    func inputNetwork(observationWidth: Int, ids: ObservationIds?, body: (Int) -> [LayerSpec]) -> [LayerSpec] {
        ObservationInput.network(observationWidth: observationWidth, ids: ids, itemEmbeddingWidth: itemEmbeddingWidth,
                                 encoder: encoder, encoderWidth: encoderWidth, body: body)
    }
}
