import RecoEnvironments
import RecoTensor

/// What A2C and PPO share beyond the on-policy loop: actor-critic networks, their policies, the
/// learning-rate schedule and the measurements they report.
protocol ActorCriticAgent: OnPolicyLearner {
    var networks: ActorCriticNetworks { get }
    var learningRateSchedule: Schedule { get }
}

extension ActorCriticAgent {
    public var observationWidth: Int { networks.observationWidth }
    public var actionCount: Int { networks.actionCount }
    public var explorationPolicy: Policy { rolloutPolicy }

    /// Whether the networks' workspaces hold a rollout of `rows` samples.
    public func canLearn(fromRolloutOf rows: Int) -> Bool { rows <= networks.maxBatch }

    /// Sets both optimisers' step size from the learning-rate schedule.
    public func prepareRollout(atStep step: Int, of totalSteps: Int) {
        networks.learningRate = learningRateSchedule.value(at: step, of: totalSteps)
    }

    /// The update's figures with the rollout's explained variance and the learning rate used.
    func report(_ update: OnPolicyUpdate, rollout: RolloutBuffer) -> UpdateReport {
        var metrics: [Metric: Float] = [.policyLoss: update.policyLoss, .valueLoss: update.valueLoss,
                                        .entropy: update.entropy, .explainedVariance: rollout.explainedVariance(),
                                        .learningRate: networks.learningRate]
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
