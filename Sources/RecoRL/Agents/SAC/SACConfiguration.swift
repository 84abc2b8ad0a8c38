import Foundation
import RecoEnvironments

/// Every hyper-parameter of discrete Soft Actor-Critic, in one place.
///
/// Counters work as in DQN: `t` counts environment steps over all copies; before `learningStarts` the
/// agent acts uniformly at random; afterwards it samples from its policy and takes `gradientSteps`
/// updates each time `t` crosses a multiple of `trainFrequency`. The target critics are Polyak-averaged
/// with `tau` every `targetUpdateInterval` gradient steps (`tau = 1`: hard copies).
///
/// With `autotuneTemperature`, the temperature alpha follows the gradient of
/// `J(alpha) = alpha * (mean entropy - targetEntropy)` on `log alpha`, where the target entropy is
/// `targetEntropyFraction * log |A|` (a fraction of the uniform policy's entropy), so the policy keeps
/// about that much randomness; otherwise alpha stays at `initialTemperature`.
public struct SACConfiguration: AlgorithmConfiguration, ObservationEncodingConfiguration, Equatable {
    /// Hidden layer widths of the actor and of each critic (relu between layers): 1 to 16 layers, each 1 to
    /// 65,536 wide, within the memory limit (`ConfigurationLimits`).
    public var hiddenLayers: [Int] = [128, 128]
    /// Width of the learned vector of each id column the environment declares (`ObservationIds`): 0 to
    /// 1,024; 0 reads the ids as plain numbers. Without id columns it changes nothing.
    public var itemEmbeddingWidth: Int = 16
    /// How the window of item ids is read: `mlp` (their mean, a bag of items), `gru` or `attention`
    /// (a sequence encoder over the window; `ObservationEncoder`).
    public var encoder: ObservationEncoder = .mlp
    /// Width of the GRU's state or of the attention block (not used by `mlp`): 1 to 4,096, a multiple of
    /// 4 for attention.
    public var encoderWidth: Int = 32
    /// Adam step size of the actor.
    public var actorLearningRate: Float = 3e-4
    /// Adam step size of the critics and of the temperature.
    public var criticLearningRate: Float = 3e-4
    /// Adam's epsilon.
    public var adamEpsilon: Float = 1e-4
    /// Discount factor.
    public var gamma: Float = 0.99
    /// Transitions kept in replay: 1 to 100,000,000, with `capacity x (2 x observation width + 4) x 4`
    /// bytes within the memory limit (`ConfigurationLimits.memoryBytes`, 4 GiB).
    public var bufferCapacity: Int = 100_000
    /// Transitions per gradient step: 1 to 65,536 (the networks' workspaces are sized by it).
    public var batchSize: Int = 64
    /// Environment steps of uniformly random actions before learning starts: 0 to 10^12.
    public var learningStarts: Int = 2_000
    /// Environment steps between rounds of updates: 1 to 10^12.
    public var trainFrequency: Int = 4
    /// Gradient steps per round: 1 to 10,000.
    public var gradientSteps: Int = 1
    /// Gradient steps between target-critic updates: 1 to 10^12.
    public var targetUpdateInterval: Int = 1
    /// Polyak weight of the target update (1: hard copy).
    public var tau: Float = 0.005
    /// Tune the temperature toward the target entropy.
    public var autotuneTemperature: Bool = true
    /// The temperature alpha at the start (and throughout without autotuning).
    public var initialTemperature: Float = 0.2
    /// Target entropy as a fraction of log |A|.
    public var targetEntropyFraction: Float = 0.5
    /// Global gradient-norm bound for each network (nil: no clipping).
    public var maxGradientNorm: Float? = nil

    public init() {}

    /// The entropy the temperature is tuned toward, for `actions` actions.
    public func targetEntropy(actions: Int) -> Float { targetEntropyFraction * Float(Foundation.log(Double(actions))) }

    /// Checks every field; the error names the field, its value and what is allowed.
    public func validate() throws {
        let require = ConfigurationError.require
        try ConfigurationLimits.requireHiddenLayers(hiddenLayers)
        try ConfigurationLimits.require(itemEmbeddingWidth, in: 0...ConfigurationLimits.maximumItemEmbeddingWidth, "itemEmbeddingWidth")
        try encoder.validate(width: encoderWidth)
        try require(actorLearningRate > 0 && actorLearningRate.isFinite, "actorLearningRate", actorLearningRate, "a positive number")
        try require(criticLearningRate > 0 && criticLearningRate.isFinite, "criticLearningRate", criticLearningRate, "a positive number")
        try require(adamEpsilon > 0 && adamEpsilon.isFinite, "adamEpsilon", adamEpsilon, "a positive number")
        try require(gamma >= 0 && gamma <= 1, "gamma", gamma, "a number in [0, 1]")
        let limits = ConfigurationLimits.self
        try limits.require(bufferCapacity, in: 1...limits.maximumBufferCapacity, "bufferCapacity")
        try limits.require(batchSize, in: 1...limits.maximumBatchSize, "batchSize")
        try limits.require(learningStarts, in: 0...limits.maximumSteps, "learningStarts")
        try limits.require(trainFrequency, in: 1...limits.maximumSteps, "trainFrequency")
        try limits.require(gradientSteps, in: 1...limits.maximumGradientSteps, "gradientSteps")
        try limits.require(targetUpdateInterval, in: 1...limits.maximumSteps, "targetUpdateInterval")
        try require(tau > 0 && tau <= 1, "tau", tau, "a number in (0, 1]")
        try require(initialTemperature > 0 && initialTemperature.isFinite, "initialTemperature", initialTemperature, "a positive number")
        try require(targetEntropyFraction >= 0 && targetEntropyFraction < 1, "targetEntropyFraction", targetEntropyFraction,
                    "a number in [0, 1)")
        if let maxGradientNorm { try require(maxGradientNorm > 0, "maxGradientNorm", maxGradientNorm, "a positive number or null") }
    }

    /// Checks every field, and the memory for `copies` copies (observation width and actions taken as 1
    /// here; `validateMemory` checks with the real ones).
    public func validate(copies: Int) throws {
        try validate()
        try validateMemory(copies: copies, observationWidth: 1, actions: 1)
    }

    public var summary: String {
        "hidden \(hiddenLayers), batch \(batchSize), target entropy \(targetEntropyFraction) x log|A|, "
            + "autotune \(autotuneTemperature), item embedding \(itemEmbeddingWidth), encoder \(encoderDescription)"
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case hiddenLayers, itemEmbeddingWidth, encoder, encoderWidth, actorLearningRate, criticLearningRate, adamEpsilon, gamma, bufferCapacity, batchSize, learningStarts,
             trainFrequency, gradientSteps, targetUpdateInterval, tau, autotuneTemperature, initialTemperature,
             targetEntropyFraction, maxGradientNorm
    }

    /// Encodes every field, `null` included, so a written configuration reads back unchanged.
    public func encode(to encoder: Encoder) throws { try ConfigurationEncoding.encodeAll(self, to: encoder) }

    /// Decodes a partial configuration: missing fields keep their defaults, unknown fields are errors.
    public init(from decoder: Decoder) throws {
        let values = try PartialConfigurationDecoder<CodingKeys>(decoder)
        let defaults = SACConfiguration()
        hiddenLayers = try values.field(.hiddenLayers, defaults.hiddenLayers)
        itemEmbeddingWidth = try values.field(.itemEmbeddingWidth, defaults.itemEmbeddingWidth)
        encoder = try values.field(.encoder, defaults.encoder)
        encoderWidth = try values.field(.encoderWidth, defaults.encoderWidth)
        actorLearningRate = try values.field(.actorLearningRate, defaults.actorLearningRate)
        criticLearningRate = try values.field(.criticLearningRate, defaults.criticLearningRate)
        adamEpsilon = try values.field(.adamEpsilon, defaults.adamEpsilon)
        gamma = try values.field(.gamma, defaults.gamma)
        bufferCapacity = try values.field(.bufferCapacity, defaults.bufferCapacity)
        batchSize = try values.field(.batchSize, defaults.batchSize)
        learningStarts = try values.field(.learningStarts, defaults.learningStarts)
        trainFrequency = try values.field(.trainFrequency, defaults.trainFrequency)
        gradientSteps = try values.field(.gradientSteps, defaults.gradientSteps)
        targetUpdateInterval = try values.field(.targetUpdateInterval, defaults.targetUpdateInterval)
        tau = try values.field(.tau, defaults.tau)
        autotuneTemperature = try values.field(.autotuneTemperature, defaults.autotuneTemperature)
        initialTemperature = try values.field(.initialTemperature, defaults.initialTemperature)
        targetEntropyFraction = try values.field(.targetEntropyFraction, defaults.targetEntropyFraction)
        maxGradientNorm = try values.optionalField(.maxGradientNorm, defaults.maxGradientNorm)
    }
}

extension SACConfiguration: MemoryBoundedConfiguration {
    /// Checks the estimated memory of the actor, the two critics and their targets (parameters,
    /// gradients, Adam moments, workspaces) and the replay against `ConfigurationLimits.memoryBytes`.
    public func validateMemory(copies: Int, observationWidth: Int, actions: Int, observationIds: ObservationIds?) throws {
        let (c, d) = (Double(Swift.max(1, copies)), Double(observationWidth))
        let input = ConfigurationLimits.networkInput(observationWidth: observationWidth, ids: observationIds,
                                                     itemEmbeddingWidth: itemEmbeddingWidth)
        let perNetwork = ConfigurationLimits.parameters(inputs: input.inputs, hidden: hiddenLayers, outputs: actions)
        let workspaces = 5 * ConfigurationLimits.workspaceBytes(rows: Double(batchSize) + c, inputs: input.inputs,
                                                                hidden: hiddenLayers, outputs: actions)
        try ConfigurationLimits.requireMemory([
            .init(field: "hiddenLayers", value: "\(hiddenLayers)", bytes: perNetwork * 4 * (3 * 4 + 2),
                  formula: "the actor, two critics and two targets (parameters x 4 bytes x 14)"),
            .init(field: "batchSize", value: "\(batchSize)", bytes: workspaces,
                  formula: "the workspaces of 5 networks (batchSize x widest layer x 4 bytes x layers)"),
            .init(field: "bufferCapacity", value: "\(bufferCapacity)", bytes: Double(bufferCapacity) * (2 * d + 4) * 4,
                  formula: "the replay (bufferCapacity x (2 x observation width \(observationWidth) + 4) x 4 bytes)"),
            ConfigurationLimits.embeddingUse(itemEmbeddingWidth: itemEmbeddingWidth, tableParameters: input.tableParameters,
                                             bytes: 4 * (3 * 4 + 2), networks: "the actor, two critics and two targets"),
        ])
    }
}
