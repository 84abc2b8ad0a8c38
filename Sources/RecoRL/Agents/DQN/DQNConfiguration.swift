import Foundation
import RecoEnvironments

/// Every hyper-parameter of the DQN family, in one place (as CleanRL keeps them): the defaults train a
/// good marketing policy within about a minute on 2 cores.
///
/// Counters: `t` counts environment steps over all copies (`N` per vector step). Updates happen every
/// `trainFrequency` environment steps (each time `t` crosses a multiple), `gradientSteps` of them, once
/// `t >= learningStarts`. The target network is updated every `targetUpdateInterval` gradient steps:
/// a hard copy when `tau = 1`, a Polyak average `target = tau * online + (1 - tau) * target` otherwise.
public struct DQNConfiguration: AlgorithmConfiguration, ObservationEncodingConfiguration, Equatable {
    /// Hidden layer widths of the Q network (relu between layers): 1 to 16 layers, each 1 to 65,536 wide,
    /// within the memory limit (`ConfigurationLimits`).
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
    /// Adam step size.
    public var learningRate: Float = 5e-4
    /// Discount factor.
    public var gamma: Float = 0.9
    /// Transitions kept in replay: 1 to 100,000,000, with `capacity x (2 x observation width + 4) x 4`
    /// bytes within the memory limit (`ConfigurationLimits.memoryBytes`, 4 GiB).
    public var bufferCapacity: Int = 100_000
    /// Transitions per gradient step: 1 to 65,536 (the networks' workspaces are sized by it).
    public var batchSize: Int = 128
    /// Environment steps collected with the initial epsilon before learning starts: 0 to 10^12.
    public var learningStarts: Int = 2_000
    /// Environment steps between rounds of updates: 1 to 10^12.
    public var trainFrequency: Int = 8
    /// Gradient steps per round: 1 to 10,000.
    public var gradientSteps: Int = 1
    /// Gradient steps between target-network updates: 1 to 10^12.
    public var targetUpdateInterval: Int = 250
    /// 1 for a hard target copy; below 1 for Polyak averaging.
    public var tau: Float = 1
    /// Exploration schedule over environment steps.
    public var exploration = Schedule.reaching(end: 0.05, after: 30_000)
    /// Double DQN: select the bootstrap action with the online network (van Hasselt et al., 2016).
    public var double: Bool = false
    /// Dueling head: Q = V + A - mean(A) (Wang et al., 2016).
    public var dueling: Bool = false
    /// Steps per return in the target (n-step returns): 1 to 1,000.
    public var nSteps: Int = 1
    /// Prioritized replay, proportional variant (Schaul et al., 2016).
    public var prioritized: Bool = false
    /// Priority exponent alpha of prioritized replay: a number in [0, 1] (0 uniform, 1 fully proportional).
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
        try ConfigurationLimits.requireHiddenLayers(hiddenLayers)
        try ConfigurationLimits.require(itemEmbeddingWidth, in: 0...ConfigurationLimits.maximumItemEmbeddingWidth, "itemEmbeddingWidth")
        try encoder.validate(width: encoderWidth)
        try require(learningRate > 0 && learningRate.isFinite, "learningRate", learningRate, "a positive number")
        try require(gamma >= 0 && gamma <= 1, "gamma", gamma, "a number in [0, 1]")
        let limits = ConfigurationLimits.self
        try limits.require(bufferCapacity, in: 1...limits.maximumBufferCapacity, "bufferCapacity")
        try limits.require(batchSize, in: 1...limits.maximumBatchSize, "batchSize")
        try limits.require(learningStarts, in: 0...limits.maximumSteps, "learningStarts")
        try limits.require(trainFrequency, in: 1...limits.maximumSteps, "trainFrequency")
        try limits.require(gradientSteps, in: 1...limits.maximumGradientSteps, "gradientSteps")
        try limits.require(targetUpdateInterval, in: 1...limits.maximumSteps, "targetUpdateInterval")
        try require(tau > 0 && tau <= 1, "tau", tau, "a number in (0, 1]")
        try exploration.validate("exploration", within: 0...1)
        try limits.require(nSteps, in: 1...limits.maximumNSteps, "nSteps")
        try require(priorityExponent >= 0 && priorityExponent <= 1, "priorityExponent", priorityExponent, "a number in [0, 1]")
        try require(importanceExponentStart >= 0 && importanceExponentStart <= 1, "importanceExponentStart",
                    importanceExponentStart, "a number in [0, 1]")
        if let maxGradientNorm { try require(maxGradientNorm > 0, "maxGradientNorm", maxGradientNorm, "a positive number or null") }
    }

    /// Checks every field, and the memory for `copies` copies (observation width and actions taken as 1
    /// here; `validateMemory` checks with the real ones).
    public func validate(copies: Int) throws {
        try validate()
        try validateMemory(copies: copies, observationWidth: 1, actions: 1)
    }

    /// One line on the settings that shape a run.
    public var summary: String {
        "double \(double), dueling \(dueling), n-step \(nSteps), prioritized \(prioritized), item embedding \(itemEmbeddingWidth), encoder \(encoderDescription)"
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case hiddenLayers, itemEmbeddingWidth, encoder, encoderWidth, learningRate, gamma, bufferCapacity, batchSize, learningStarts, trainFrequency, gradientSteps,
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
        itemEmbeddingWidth = try values.field(.itemEmbeddingWidth, defaults.itemEmbeddingWidth)
        encoder = try values.field(.encoder, defaults.encoder)
        encoderWidth = try values.field(.encoderWidth, defaults.encoderWidth)
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

extension DQNConfiguration: MemoryBoundedConfiguration {
    /// Checks the estimated memory of the Q network and its target (parameters, gradients, Adam moments,
    /// workspaces), the replay and the n-step accumulator against `ConfigurationLimits.memoryBytes`.
    public func validateMemory(copies: Int, observationWidth: Int, actions: Int, observationIds: ObservationIds?) throws {
        let (c, d) = (Double(Swift.max(1, copies)), Double(observationWidth))
        let outputs = actions + (dueling ? 1 : 0)
        let input = ConfigurationLimits.networkInput(observationWidth: observationWidth, ids: observationIds,
                                                     itemEmbeddingWidth: itemEmbeddingWidth)
        let parameters = ConfigurationLimits.parameters(inputs: input.inputs, hidden: hiddenLayers, outputs: outputs)
        let workspaces = ConfigurationLimits.workspaceBytes(rows: 2 * Double(batchSize) + c, inputs: input.inputs,
                                                            hidden: hiddenLayers, outputs: outputs)
        let replay = Double(bufferCapacity) * ((2 * d + 4) * 4 + (prioritized ? 24 : 0))
        try ConfigurationLimits.requireMemory([
            .init(field: "hiddenLayers", value: "\(hiddenLayers)", bytes: parameters * 4 * 5,
                  formula: "the Q network and its target (parameters x 4 bytes x 5)"),
            .init(field: "batchSize", value: "\(batchSize)", bytes: workspaces,
                  formula: "the workspaces (batchSize x widest layer x 4 bytes x layers)"),
            .init(field: "bufferCapacity", value: "\(bufferCapacity)", bytes: replay,
                  formula: "the replay (bufferCapacity x (2 x observation width \(observationWidth) + 4) x 4 bytes)"),
            .init(field: "nSteps", value: "\(nSteps)", bytes: c * Double(nSteps) * (d + 4) * 4 * 2,
                  formula: "the n-step accumulator (copies x nSteps x observation width x 8 bytes)"),
            ConfigurationLimits.embeddingUse(itemEmbeddingWidth: itemEmbeddingWidth, tableParameters: input.tableParameters,
                                             bytes: 4 * 5, networks: "the Q network and its target"),
        ])
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
