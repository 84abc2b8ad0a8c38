import RecoEnvironments
import RecoTensor

/// The settings A2C and PPO share: their networks' shape and optimiser, and the on-policy loop's.
public protocol ActorCriticConfiguration: AlgorithmConfiguration, ObservationEncodingConfiguration {
    var hiddenLayers: [Int] { get }
    var activation: HiddenActivation { get }
    var sharedNetwork: Bool { get }
    var learningRate: Float { get }
    var annealLearningRate: Bool { get }
    var adamEpsilon: Float { get }
    var rolloutSteps: Int { get }
    var gamma: Float { get }
    var gaeLambda: Float { get }
}

extension ActorCriticConfiguration {
    /// The learning rate over the run: annealed linearly to 0, or constant.
    public var learningRateSchedule: Schedule {
        annealLearningRate ? .linear(start: learningRate, end: 0) : .constant(learningRate)
    }

    /// Fresh networks for environments of `spaces`, with workspaces for `maxBatch` rows.
    func makeNetworks(for spaces: EnvironmentSpaces, maxBatch: Int, generator: inout RandomGenerator) throws -> ActorCriticNetworks {
        try ActorCriticNetworks(observationWidth: spaces.observationWidth, observationIds: spaces.observationIds,
                                itemEmbeddingWidth: itemEmbeddingWidth, encoder: encoder, encoderWidth: encoderWidth,
                                actionCount: spaces.actionCount, hidden: hiddenLayers,
                                activation: activation.layer, shared: sharedNetwork, learningRate: learningRate,
                                adamEpsilon: adamEpsilon, maxBatch: maxBatch, generator: &generator)
    }
}

/// What A2C and PPO share beyond the on-policy loop: actor-critic networks, their policies, the
/// learning-rate schedule, checkpoints and the measurements they report.
protocol ActorCriticAgent: OnPolicyLearner, RegisteredAgent where Configuration: ActorCriticConfiguration {
    /// The registry name, as checkpoints record it.
    static var algorithmName: String { get }
    var configuration: Configuration { get }
    var networks: ActorCriticNetworks { get }
    /// An agent around existing networks (fresh, or from a checkpoint).
    init(configuration: Configuration, networks: ActorCriticNetworks, gradientSteps: Int) throws
}

extension ActorCriticAgent {
    public var observationWidth: Int { networks.observationWidth }
    public var actionCount: Int { networks.actionCount }
    public var explorationPolicy: Policy { rolloutPolicy }
    public var algorithm: String { Self.algorithmName }
    public var rolloutSteps: Int { configuration.rolloutSteps }
    public var gamma: Float { configuration.gamma }
    public var gaeLambda: Float { configuration.gaeLambda }

    /// Whether the networks' workspaces hold a rollout of `rows` samples.
    public func canLearn(fromRolloutOf rows: Int) -> Bool { rows <= networks.maxBatch }

    /// Sets both optimisers' step size from the learning-rate schedule.
    public func prepareRollout(atStep step: Int, of totalSteps: Int) {
        networks.learningRate = configuration.learningRateSchedule.value(at: step, of: totalSteps)
    }

    /// The update's figures with the rollout's explained variance and the learning rate used.
    func report(_ update: OnPolicyUpdate, rollout: RolloutBuffer) -> UpdateReport {
        var metrics = MetricValues(Self.metrics)
        metrics[.policyLoss] = update.policyLoss
        metrics[.valueLoss] = update.valueLoss
        metrics[.entropy] = update.entropy
        metrics[.explainedVariance] = rollout.explainedVariance()
        metrics[.learningRate] = networks.learningRate
        if let clipFraction = update.clipFraction { metrics[.clipFraction] = clipFraction }
        if let approximateKL = update.approximateKL {
            metrics[.approximateKL] = approximateKL
            metrics[.stoppedEarly] = update.stoppedEarly ? 1 : 0
        }
        return UpdateReport(loss: update.loss, metrics: metrics)
    }
}

/// What one on-policy update measured (means over its gradient steps).
public struct OnPolicyUpdate: Equatable, Sendable {
    /// Total loss: policy loss + value loss - entropy coefficient x entropy.
    public var loss: Float = 0
    public var policyLoss: Float = 0
    public var valueLoss: Float = 0
    /// Mean entropy of the policy on the samples.
    public var entropy: Float = 0
    /// PPO: fraction of samples whose probability ratio left the clip range.
    public var clipFraction: Float?
    /// PPO: approximate KL divergence between the collecting and the updated policy.
    public var approximateKL: Float?
    /// PPO: whether the KL threshold stopped the epochs early.
    public var stoppedEarly = false
    /// Gradient steps taken.
    public var gradientSteps = 0
}

extension Metric {
    public static let policyLoss = Metric("policy_loss", "policy-gradient (or clipped surrogate) loss")
    public static let valueLoss = Metric("value_loss", "critic's regression loss on the returns, times its coefficient")
    public static let explainedVariance = Metric("explained_variance", "1 - Var(returns - values) / Var(returns) over the rollout")
    public static let learningRate = Metric("learning_rate", "step size used by the update")
    public static let clipFraction = Metric("clip_fraction", "fraction of samples whose probability ratio left the clip range")
    public static let approximateKL = Metric("approx_kl", "approximate KL divergence of the updated from the collecting policy")
    public static let stoppedEarly = Metric("stopped_early", "1 when the KL threshold ended the epochs early")
}
