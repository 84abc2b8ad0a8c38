import Foundation

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
public struct SACConfiguration: AlgorithmConfiguration, Equatable {
    /// Hidden layer widths of the actor and of each critic (relu between layers).
    public var hiddenLayers: [Int] = [128, 128]
    /// Adam step size of the actor.
    public var actorLearningRate: Float = 3e-4
    /// Adam step size of the critics and of the temperature.
    public var criticLearningRate: Float = 3e-4
    /// Adam's epsilon.
    public var adamEpsilon: Float = 1e-4
    /// Discount factor.
    public var gamma: Float = 0.99
    /// Transitions kept in replay.
    public var bufferCapacity: Int = 100_000
    /// Transitions per gradient step.
    public var batchSize: Int = 64
    /// Environment steps of uniformly random actions before learning starts.
    public var learningStarts: Int = 2_000
    /// Environment steps between rounds of updates.
    public var trainFrequency: Int = 4
    /// Gradient steps per round.
    public var gradientSteps: Int = 1
    /// Gradient steps between target-critic updates.
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
        try require(!hiddenLayers.isEmpty && hiddenLayers.allSatisfy { $0 > 0 }, "hiddenLayers", hiddenLayers, "a non-empty list of positive widths")
        try require(actorLearningRate > 0 && actorLearningRate.isFinite, "actorLearningRate", actorLearningRate, "a positive number")
        try require(criticLearningRate > 0 && criticLearningRate.isFinite, "criticLearningRate", criticLearningRate, "a positive number")
        try require(adamEpsilon > 0 && adamEpsilon.isFinite, "adamEpsilon", adamEpsilon, "a positive number")
        try require(gamma >= 0 && gamma <= 1, "gamma", gamma, "a number in [0, 1]")
        try require(bufferCapacity >= 1, "bufferCapacity", bufferCapacity, "a positive integer")
        try require(batchSize >= 1, "batchSize", batchSize, "a positive integer")
        try require(learningStarts >= 0, "learningStarts", learningStarts, "a non-negative integer")
        try require(trainFrequency >= 1, "trainFrequency", trainFrequency, "a positive integer")
        try require(gradientSteps >= 1, "gradientSteps", gradientSteps, "a positive integer")
        try require(targetUpdateInterval >= 1, "targetUpdateInterval", targetUpdateInterval, "a positive integer")
        try require(tau > 0 && tau <= 1, "tau", tau, "a number in (0, 1]")
        try require(initialTemperature > 0 && initialTemperature.isFinite, "initialTemperature", initialTemperature, "a positive number")
        try require(targetEntropyFraction >= 0 && targetEntropyFraction < 1, "targetEntropyFraction", targetEntropyFraction,
                    "a number in [0, 1)")
        if let maxGradientNorm { try require(maxGradientNorm > 0, "maxGradientNorm", maxGradientNorm, "a positive number or null") }
    }

    public var summary: String {
        "hidden \(hiddenLayers), batch \(batchSize), target entropy \(targetEntropyFraction) x log|A|, "
            + "autotune \(autotuneTemperature)"
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case hiddenLayers, actorLearningRate, criticLearningRate, adamEpsilon, gamma, bufferCapacity, batchSize, learningStarts,
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
