/// How a linear layer's weights are drawn before training.
public enum WeightInitialization: Codable, Equatable, Sendable {
    /// PyTorch's default for `nn.Linear`: weights and bias uniform in `±1/sqrt(inputs)` (Kaiming
    /// uniform with `a = sqrt(5)`).
    case kaimingUniform
    /// An orthogonal weight matrix scaled by `gain`, bias zero (Saxe et al., 2014); the usual choice
    /// for actor-critic networks (gain sqrt(2) for hidden layers, 0.01 for a policy head, 1 for a value
    /// head).
    case orthogonal(gain: Float)
    /// Orthogonal initialisation applied separately to the first `firstRows` outputs (scaled by
    /// `firstGain`) and to the remaining outputs (scaled by `restGain`), bias zero: the head of a shared
    /// actor-critic network, whose first outputs are action logits (gain 0.01) and whose last is the
    /// state value (gain 1).
    case orthogonalSplit(firstRows: Int, firstGain: Float, restGain: Float)
}

/// A serialisable description of one layer. A list of these is a network's architecture: it is what
/// a checkpoint stores so the network can be rebuilt from the file alone.
public enum LayerSpec: Codable, Equatable, Sendable {
    /// `y = x W^T + b` with `W` of shape `outputs x inputs` (PyTorch's layout).
    case linear(inputs: Int, outputs: Int, initialization: WeightInitialization)
    /// `max(x, 0)`.
    case relu
    /// Hyperbolic tangent.
    case tanh
    /// Logistic sigmoid.
    case sigmoid
    /// Normalises each row to zero mean and unit variance, then scales and shifts per feature.
    case layerNorm(width: Int, epsilon: Float)
    /// Row-wise softmax (probabilities over actions or items).
    case softmax
    /// Row-wise log-softmax (log-probabilities; numerically safer than log of softmax).
    case logSoftmax
    /// Dueling Q head (Wang et al., 2016): `Q = V + A - mean(A)` from a hidden vector of `inputs`.
    case dueling(inputs: Int, actions: Int, initialization: WeightInitialization)

    /// A linear layer with PyTorch's default initialisation.
    public static func linear(_ inputs: Int, _ outputs: Int) -> LayerSpec {
        .linear(inputs: inputs, outputs: outputs, initialization: .kaimingUniform)
    }
}
