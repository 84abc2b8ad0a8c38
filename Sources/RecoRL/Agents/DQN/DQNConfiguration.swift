import Foundation

/// Every hyper-parameter of the DQN family, in one place (as CleanRL keeps them): the defaults train a
/// good marketing policy within about a minute on 2 cores.
///
/// Counters: `t` counts environment steps over all copies (`N` per vector step). Updates happen every
/// `trainFrequency` environment steps (each time `t` crosses a multiple), `gradientSteps` of them, once
/// `t >= learningStarts`. The target network is updated every `targetUpdateInterval` gradient steps:
/// a hard copy when `tau = 1`, a Polyak average `target = tau * online + (1 - tau) * target` otherwise.
public struct DQNConfiguration: AlgorithmConfiguration, Equatable {
    /// Hidden layer widths of the Q network (relu between layers).
    public var hiddenLayers: [Int] = [128, 128]
    /// Adam step size.
    public var learningRate: Float = 5e-4
    /// Discount factor.
    public var gamma: Float = 0.9
    /// Transitions kept in replay.
    public var bufferCapacity: Int = 100_000
    /// Transitions per gradient step.
    public var batchSize: Int = 128
    /// Environment steps collected with the initial epsilon before learning starts.
    public var learningStarts: Int = 2_000
    /// Environment steps between rounds of updates.
    public var trainFrequency: Int = 8
    /// Gradient steps per round.
    public var gradientSteps: Int = 1
    /// Gradient steps between target-network updates.
    public var targetUpdateInterval: Int = 250
    /// 1 for a hard target copy; below 1 for Polyak averaging.
    public var tau: Float = 1
    /// Exploration schedule over environment steps.
    public var exploration = Schedule.reaching(end: 0.05, after: 30_000)
    /// Double DQN: select the bootstrap action with the online network (van Hasselt et al., 2016).
    public var double: Bool = false
    /// Dueling head: Q = V + A - mean(A) (Wang et al., 2016).
    public var dueling: Bool = false
    /// Steps per return in the target (n-step returns).
    public var nSteps: Int = 1
    /// Prioritized replay, proportional variant (Schaul et al., 2016).
    public var prioritized: Bool = false
    /// Priority exponent alpha of prioritized replay.
    public var priorityExponent: Float = 0.6
    /// Importance-sampling exponent beta at the start; annealed linearly to 1 over the run.
    public var importanceExponentStart: Float = 0.4
    /// Regression loss on the TD error.
    public var loss: LossKind = .huber
    /// Global gradient-norm bound (nil: no clipping).
    public var maxGradientNorm: Float? = 10

    /// The regression losses a Q network can be trained with.
    public enum LossKind: String, Codable, Sendable { case huber, mse }

    public init() {}

    /// Checks every field; the error names the field, its value and what is allowed.
    public func validate() throws {
        let require = ConfigurationError.require
        try require(!hiddenLayers.isEmpty && hiddenLayers.allSatisfy { $0 > 0 }, "hiddenLayers", hiddenLayers, "a non-empty list of positive widths")
        try require(learningRate > 0 && learningRate.isFinite, "learningRate", learningRate, "a positive number")
        try require(gamma >= 0 && gamma <= 1, "gamma", gamma, "a number in [0, 1]")
        try require(bufferCapacity >= 1, "bufferCapacity", bufferCapacity, "a positive integer")
        try require(batchSize >= 1, "batchSize", batchSize, "a positive integer")
        try require(learningStarts >= 0, "learningStarts", learningStarts, "a non-negative integer")
        try require(trainFrequency >= 1, "trainFrequency", trainFrequency, "a positive integer")
        try require(gradientSteps >= 1, "gradientSteps", gradientSteps, "a positive integer")
        try require(targetUpdateInterval >= 1, "targetUpdateInterval", targetUpdateInterval, "a positive integer")
        try require(tau > 0 && tau <= 1, "tau", tau, "a number in (0, 1]")
        try exploration.validate("exploration", within: 0...1)
        try require(nSteps >= 1, "nSteps", nSteps, "a positive integer")
        try require(priorityExponent >= 0, "priorityExponent", priorityExponent, "a non-negative number")
        try require(importanceExponentStart >= 0 && importanceExponentStart <= 1, "importanceExponentStart",
                    importanceExponentStart, "a number in [0, 1]")
        if let maxGradientNorm { try require(maxGradientNorm > 0, "maxGradientNorm", maxGradientNorm, "a positive number or null") }
    }

    /// One line on the settings that shape a run.
    public var summary: String {
        "double \(double), dueling \(dueling), n-step \(nSteps), prioritized \(prioritized)"
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case hiddenLayers, learningRate, gamma, bufferCapacity, batchSize, learningStarts, trainFrequency, gradientSteps,
             targetUpdateInterval, tau, exploration, double, dueling, nSteps, prioritized, priorityExponent,
             importanceExponentStart, loss, maxGradientNorm
    }

    /// Encodes every field, `null` included, so a written configuration reads back unchanged.
    public func encode(to encoder: Encoder) throws { try ConfigurationEncoding.encodeAll(self, to: encoder) }

    /// Decodes a partial configuration: missing fields keep their defaults, unknown fields are errors.
    public init(from decoder: Decoder) throws {
        let values = try PartialConfigurationDecoder<CodingKeys>(decoder)
        let defaults = DQNConfiguration()
        hiddenLayers = try values.field(.hiddenLayers, defaults.hiddenLayers)
        learningRate = try values.field(.learningRate, defaults.learningRate)
        gamma = try values.field(.gamma, defaults.gamma)
        bufferCapacity = try values.field(.bufferCapacity, defaults.bufferCapacity)
        batchSize = try values.field(.batchSize, defaults.batchSize)
        learningStarts = try values.field(.learningStarts, defaults.learningStarts)
        trainFrequency = try values.field(.trainFrequency, defaults.trainFrequency)
        gradientSteps = try values.field(.gradientSteps, defaults.gradientSteps)
        targetUpdateInterval = try values.field(.targetUpdateInterval, defaults.targetUpdateInterval)
        tau = try values.field(.tau, defaults.tau)
        exploration = try values.field(.exploration, defaults.exploration)
        double = try values.field(.double, defaults.double)
        dueling = try values.field(.dueling, defaults.dueling)
        nSteps = try values.field(.nSteps, defaults.nSteps)
        prioritized = try values.field(.prioritized, defaults.prioritized)
        priorityExponent = try values.field(.priorityExponent, defaults.priorityExponent)
        importanceExponentStart = try values.field(.importanceExponentStart, defaults.importanceExponentStart)
        loss = try values.field(.loss, defaults.loss)
        maxGradientNorm = try values.optionalField(.maxGradientNorm, defaults.maxGradientNorm)
    }
}

/// A configuration value that is not allowed.
public struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    public let field: String
    /// The rejected value, or nil when the field itself is unknown.
    public let value: String?
    public let expected: String

    public init(field: String, value: String?, expected: String) {
        self.field = field
        self.value = value
        self.expected = expected
    }

    /// Throws an error naming `field`, `value` and `expected` unless `condition` holds.
    static func require(_ condition: Bool, _ field: String, _ value: Any, _ expected: String) throws {
        if !condition { throw ConfigurationError(field: field, value: "\(value)", expected: expected) }
    }

    public var description: String {
        guard let value else { return "configuration field \(field) is not known; expected \(expected)" }
        return "configuration field \(field): \(value) is not valid; expected \(expected)"
    }
}
