import RecoEnvironments

/// Every hyper-parameter of PPO (proximal policy optimisation, clipped variant), in one place; the
/// defaults are the usual ones for classic-control tasks.
///
/// Each update uses one rollout of `rolloutSteps` vector steps over all `N` copies (`rolloutSteps * N`
/// samples), split into `minibatches` shuffled minibatches, for `epochs` passes. With
/// `annealLearningRate`, update `k` of `K` (counting from 0) uses `learningRate * (1 - k / K)`.
public struct PPOConfiguration: ActorCriticConfiguration, ObservationEncodingConfiguration, Equatable {
    /// Hidden layer widths of the actor and critic: 1 to 16 layers, each 1 to 65,536 wide, within the
    /// memory limit (`ConfigurationLimits`).
    public var hiddenLayers: [Int] = [64, 64]
    /// Width of the learned vector of each id column the environment declares (`ObservationIds`): 0 to
    /// 1,024; 0 reads the ids as plain numbers. Without id columns it changes nothing.
    public var itemEmbeddingWidth: Int = 16
    /// How the window of item ids is read: `mlp` (their mean, a bag of items), `gru` or `attention`
    /// (a sequence encoder over the window; `ObservationEncoder`).
    public var encoder: ObservationEncoder = .mlp
    /// Width of the GRU's state or of the attention block (not used by `mlp`): 1 to 4,096, a multiple of
    /// 4 for attention.
    public var encoderWidth: Int = 32
    public var activation: HiddenActivation = .tanh
    /// One network with both heads instead of separate actor and critic networks.
    public var sharedNetwork: Bool = false
    /// Adam step size.
    public var learningRate: Float = 2.5e-4
    /// Decay the learning rate linearly to 0 over the run.
    public var annealLearningRate: Bool = true
    /// Adam's epsilon.
    public var adamEpsilon: Float = 1e-5
    /// Vector steps per rollout (per update): 1 to 1,000,000, with the rollout (`rolloutSteps x copies x
    /// (observation width + 8) x 4` bytes) and the workspaces it sizes within the memory limit
    /// (`ConfigurationLimits.memoryBytes`, 4 GiB).
    public var rolloutSteps: Int = 128
    /// Discount factor.
    public var gamma: Float = 0.99
    /// GAE lambda.
    public var gaeLambda: Float = 0.95
    /// Passes over each rollout: 1 to 10,000.
    public var epochs: Int = 4
    /// Minibatches per pass: 1 to 1,000,000, and at most `rolloutSteps x copies`.
    public var minibatches: Int = 4
    /// Normalise advantages within each minibatch.
    public var normalizeAdvantages: Bool = true
    /// The surrogate's ratio range `[1 - clipRange, 1 + clipRange]`.
    public var clipRange: Float = 0.2
    /// Clip the value loss around the collected values with the same range.
    public var clipValueLoss: Bool = true
    /// Weight of the entropy bonus.
    public var entropyCoefficient: Float = 0.01
    /// Weight of the value loss.
    public var valueCoefficient: Float = 0.5
    /// Global gradient-norm bound (nil: no clipping).
    public var maxGradientNorm: Float? = 0.5
    /// Stop a rollout's epochs at the first minibatch whose approximate KL from the collecting policy
    /// exceeds this (nil: never stop early).
    public var targetKL: Float? = nil

    public init() {}

    /// Checks every field; the error names the field, its value and what is allowed.
    public func validate() throws {
        let require = ConfigurationError.require
        try ConfigurationLimits.requireHiddenLayers(hiddenLayers)
        try ConfigurationLimits.require(itemEmbeddingWidth, in: 0...ConfigurationLimits.maximumItemEmbeddingWidth, "itemEmbeddingWidth")
        try encoder.validate(width: encoderWidth)
        try require(learningRate > 0 && learningRate.isFinite, "learningRate", learningRate, "a positive number")
        try require(adamEpsilon > 0 && adamEpsilon.isFinite, "adamEpsilon", adamEpsilon, "a positive number")
        try ConfigurationLimits.require(rolloutSteps, in: 1...ConfigurationLimits.maximumRolloutSteps, "rolloutSteps")
        try require(gamma >= 0 && gamma <= 1, "gamma", gamma, "a number in [0, 1]")
        try require(gaeLambda >= 0 && gaeLambda <= 1, "gaeLambda", gaeLambda, "a number in [0, 1]")
        try ConfigurationLimits.require(epochs, in: 1...ConfigurationLimits.maximumEpochs, "epochs")
        try ConfigurationLimits.require(minibatches, in: 1...ConfigurationLimits.maximumMinibatches, "minibatches")
        try require(clipRange > 0 && clipRange.isFinite, "clipRange", clipRange, "a positive number")
        try require(entropyCoefficient >= 0 && entropyCoefficient.isFinite, "entropyCoefficient", entropyCoefficient, "a non-negative number")
        try require(valueCoefficient >= 0 && valueCoefficient.isFinite, "valueCoefficient", valueCoefficient, "a non-negative number")
        if let maxGradientNorm { try require(maxGradientNorm > 0, "maxGradientNorm", maxGradientNorm, "a positive number or null") }
        if let targetKL { try require(targetKL > 0, "targetKL", targetKL, "a positive number or null") }
    }

    /// Checks every field, and that a rollout over `copies` copies splits into the configured minibatches.
    public func validate(copies: Int) throws {
        try validate()
        let samples = try ConfigurationLimits.rolloutSamples(rolloutSteps: rolloutSteps, copies: copies)
        try ConfigurationError.require(minibatches <= samples, "minibatches", minibatches,
                                       "at most rolloutSteps x copies = \(samples) (each minibatch needs a sample)")
        try validateMemory(copies: copies, observationWidth: 1, actions: 1)
    }

    /// Rows in the largest minibatch of a rollout over `copies` copies (the last takes the remainder).
    public func largestMinibatch(copies: Int) -> Int {
        let samples = rolloutSteps * copies
        return samples / minibatches + samples % minibatches
    }

    public var summary: String {
        "hidden \(hiddenLayers), shared \(sharedNetwork), rollout \(rolloutSteps) steps, "
            + "\(epochs) epochs x \(minibatches) minibatches, clip \(clipRange), lr \(learningRate), item embedding \(itemEmbeddingWidth), encoder \(encoderDescription)"
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case hiddenLayers, itemEmbeddingWidth, encoder, encoderWidth, activation, sharedNetwork, learningRate, annealLearningRate, adamEpsilon, rolloutSteps, gamma,
             gaeLambda, epochs, minibatches, normalizeAdvantages, clipRange, clipValueLoss, entropyCoefficient,
             valueCoefficient, maxGradientNorm, targetKL
    }

    /// Encodes every field, `null` included, so a written configuration reads back unchanged.
    public func encode(to encoder: Encoder) throws { try ConfigurationEncoding.encodeAll(self, to: encoder) }

    /// Decodes a partial configuration: missing fields keep their defaults, unknown fields are errors.
    public init(from decoder: Decoder) throws {
        let values = try PartialConfigurationDecoder<CodingKeys>(decoder)
        let defaults = PPOConfiguration()
        hiddenLayers = try values.field(.hiddenLayers, defaults.hiddenLayers)
        itemEmbeddingWidth = try values.field(.itemEmbeddingWidth, defaults.itemEmbeddingWidth)
        encoder = try values.field(.encoder, defaults.encoder)
        encoderWidth = try values.field(.encoderWidth, defaults.encoderWidth)
        activation = try values.field(.activation, defaults.activation)
        sharedNetwork = try values.field(.sharedNetwork, defaults.sharedNetwork)
        learningRate = try values.field(.learningRate, defaults.learningRate)
        annealLearningRate = try values.field(.annealLearningRate, defaults.annealLearningRate)
        adamEpsilon = try values.field(.adamEpsilon, defaults.adamEpsilon)
        rolloutSteps = try values.field(.rolloutSteps, defaults.rolloutSteps)
        gamma = try values.field(.gamma, defaults.gamma)
        gaeLambda = try values.field(.gaeLambda, defaults.gaeLambda)
        epochs = try values.field(.epochs, defaults.epochs)
        minibatches = try values.field(.minibatches, defaults.minibatches)
        normalizeAdvantages = try values.field(.normalizeAdvantages, defaults.normalizeAdvantages)
        clipRange = try values.field(.clipRange, defaults.clipRange)
        clipValueLoss = try values.field(.clipValueLoss, defaults.clipValueLoss)
        entropyCoefficient = try values.field(.entropyCoefficient, defaults.entropyCoefficient)
        valueCoefficient = try values.field(.valueCoefficient, defaults.valueCoefficient)
        maxGradientNorm = try values.optionalField(.maxGradientNorm, defaults.maxGradientNorm)
        targetKL = try values.optionalField(.targetKL, defaults.targetKL)
    }
}

extension PPOConfiguration: MemoryBoundedConfiguration {
    /// Checks the estimated memory of the actor and critic (parameters, gradients, Adam moments and
    /// workspaces for the largest minibatch) and of the rollout against `ConfigurationLimits.memoryBytes`.
    public func validateMemory(copies: Int, observationWidth: Int, actions: Int, observationIds: ObservationIds?) throws {
        let samples = Double(rolloutSteps) * Double(Swift.max(1, copies))
        let m = Double(Swift.max(1, minibatches))
        try ConfigurationLimits.requireActorCriticMemory(
            hiddenLayers: hiddenLayers, itemEmbeddingWidth: itemEmbeddingWidth, sharedNetwork: sharedNetwork, rolloutSteps: rolloutSteps, copies: copies,
            batchRows: (samples / m).rounded(.down) + samples.truncatingRemainder(dividingBy: m),
            observationWidth: observationWidth, observationIds: observationIds, actions: actions, rolloutCopies: 2)
    }
}
