import Foundation
import RecoEnvironments
import RecoNetworks
import RecoTensor

/// A `BanditModel` as an agent of the registry: built from an environment's spaces, trained by
/// `BanditTrainer` (a uniformly random log fitted once, or online on the model's own choices),
/// evaluated through its policies and saved in the checkpoint format every agent uses (the model's
/// tensors as a parameter store `model`, its configuration and sizes in the metadata).
///
/// `greedyPolicy` acts on the model's best guess. `explorationPolicy` is the policy it collects data
/// with: uniform random for batch models (RecoGym's logging policy), the model's exploring choice for
/// online ones.
public final class BanditAgent<Model: BanditModel>: RegisteredAgent, LoggedDataLearner {
    public typealias Configuration = Model.Configuration
    public static var metrics: [Metric] { [] }
    public let model: Model
    public var algorithm: String { Model.algorithm }
    public var observationWidth: Int { model.observationWidth }
    public var actionCount: Int { model.actionCount }
    /// Fits and online updates made (bandit models take no gradient steps of their own).
    public private(set) var gradientStepCount: Int
    public let greedyPolicy: Policy
    public let explorationPolicy: Policy

    /// An agent around `model`, which has been fitted or updated `updates` times.
    public init(model: Model, updates: Int = 0) throws {
        self.model = model
        gradientStepCount = updates
        greedyPolicy = BanditPolicy(model: model, explores: false)
        explorationPolicy = Model.learnsOnline
            ? BanditPolicy(model: model, explores: true)
            : try UniformRandomPolicy(observationWidth: model.observationWidth, actionCount: model.actionCount)
    }

    public convenience init(configuration: Configuration, spaces: EnvironmentSpaces, generator: inout RandomGenerator) throws {
        try configuration.validate()
        try self.init(model: Model(configuration: configuration, observationWidth: spaces.observationWidth,
                                   actionCount: spaces.actionCount))
    }

    /// True for batch models, false for online ones.
    public var fitsLoggedData: Bool { !Model.learnsOnline }
    public var learnsFromData: Bool { Model.learnsFromData }

    /// Fits the model to `log` afresh (see `BanditModel.fit`).
    public func fit(_ log: [LoggedInteraction], using generator: inout RandomGenerator) throws {
        try model.fit(log, using: &generator)
        gradientStepCount += 1
    }

    /// Folds `batch` into an online model (see `BanditModel.update`).
    public func update(_ batch: [LoggedInteraction], using generator: inout RandomGenerator) throws {
        try model.update(batch, using: &generator)
        gradientStepCount += 1
    }

    public func makeTrainer() -> Trainer { BanditTrainer(agent: self) }
}

/// An agent that learns from a log of impressions another policy chose, rather than from its own
/// experience: how the A/B harness tells the baselines it fits to one shared log from the agents it
/// trains online.
public protocol LoggedDataLearner: Agent {
    /// Whether the agent is meant to be fitted to a uniformly random log (true) rather than trained
    /// online on its own choices (false; it can still `fit` a log).
    var fitsLoggedData: Bool { get }
    /// Whether fitting changes anything (false for rules that read only the context).
    var learnsFromData: Bool { get }
    /// Learns from `log` afresh.
    func fit(_ log: [LoggedInteraction], using generator: inout RandomGenerator) throws
}

extension BanditAgent {
    private static var sizesKey: String { "\(Model.algorithm)_sizes" }

    /// Writes the model's tensors, its configuration and sizes to `url`, with `metadata` alongside.
    public func save(to url: URL, metadata: [String: String]) throws {
        var all = try checkpointMetadata(model.configuration, adding: metadata)
        all[Self.sizesKey] = "\(observationWidth) \(actionCount) \(model.interactionsSeen)"
        let parameters = model.parameters()
        let entries = parameters.count == 0 ? [] : [Checkpoint.Entry(name: "model", model: .parameters(parameters))]
        try Checkpoint(entries: entries, metadata: all).write(to: url)
    }

    /// Rebuilds an agent saved by `save(to:metadata:)` from the checkpoint read at `path`.
    public convenience init(checkpoint: Checkpoint, path: String) throws {
        let configuration = try AgentCheckpoint.configuration(Configuration.self, algorithm: Model.algorithm,
                                                              in: checkpoint, path: path)
        let text = checkpoint.metadata[Self.sizesKey] ?? ""
        let sizes = text.split(separator: " ").compactMap { Int($0) }
        guard sizes.count == 3, sizes[0] >= 1, sizes[1] >= 1, sizes[2] >= 0 else {
            throw CheckpointError.invalidField(path: path, field: "__metadata__.\(Self.sizesKey)", value: text.isEmpty ? "nothing" : text,
                                               expected: "observation width, action count and interactions seen, as three integers")
        }
        do { try configuration.validate() } catch {
            throw CheckpointError.invalidField(path: path, field: "__metadata__.\(AgentMetadataKey.configuration(Model.algorithm))",
                                               value: "\(error)", expected: "a valid configuration")
        }
        let model = try Model(configuration: configuration, observationWidth: sizes[0], actionCount: sizes[1])
        let stored: ParameterStore
        if case let .parameters(store)? = checkpoint.entry(named: "model")?.model {
            stored = store
        } else {
            stored = ParameterStore(shapes: [])
        }
        try model.restore(stored, interactionsSeen: sizes[2], path: path)
        try self.init(model: model, updates: AgentCheckpoint.gradientSteps(in: checkpoint))
    }
}
