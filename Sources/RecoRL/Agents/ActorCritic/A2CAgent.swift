import Foundation
import RecoEnvironments
import RecoNetworks
import RecoTensor

/// Synchronous advantage actor-critic (A2C; Mnih et al., 2016, "Asynchronous Methods for Deep
/// Reinforcement Learning", in its synchronous, batched form): one gradient step per rollout on the
/// policy-gradient loss with GAE advantages (Schulman et al., 2016), a value loss and an entropy bonus.
///
/// Shapes: `N` environment copies, `T = rolloutSteps`, `B = T * N` samples per update, `A` actions,
/// `D` observation width. One update: forward the `B x D` rollout to `B x A` logits and `B x 1`
/// values; one fused pass gives log-sum-exp, entropy and log pi(a) per row; the policy gradient
/// coefficients `-A_i / B` and the entropy weight become the logits' gradient in one more pass; the value
/// gradient is `c_v (V - R) / B`; backward, clip, Adam.
public final class A2CAgent: ActorCriticAgent, RegisteredAgent {
    public let configuration: A2CConfiguration
    public let networks: ActorCriticNetworks
    public private(set) var gradientStepCount: Int
    public var algorithm: String { "a2c" }
    /// The most probable action (for deployment and evaluation).
    public let greedyPolicy: Policy
    /// Actions sampled from the policy, with the critic's values (for collection).
    public let rolloutPolicy: ActorCriticPolicy

    private let workspace: PolicyStepWorkspace

    /// A fresh agent for environments of `spaces` (its networks hold rollouts of `rolloutSteps x copies`).
    public convenience init(configuration: A2CConfiguration = A2CConfiguration(), spaces: EnvironmentSpaces,
                            generator: inout RandomGenerator) throws {
        try configuration.validate(copies: spaces.copies)
        let networks = try ActorCriticNetworks(
            observationWidth: spaces.observationWidth, actionCount: spaces.actionCount, hidden: configuration.hiddenLayers,
            activation: configuration.activation.layer, shared: configuration.sharedNetwork,
            learningRate: configuration.learningRate, adamEpsilon: configuration.adamEpsilon,
            maxBatch: configuration.rolloutSteps * spaces.copies, generator: &generator)
        try self.init(configuration: configuration, networks: networks, gradientSteps: 0)
    }


    init(configuration: A2CConfiguration, networks: ActorCriticNetworks, gradientSteps: Int) throws {
        try configuration.validate()
        self.configuration = configuration
        self.networks = networks
        gradientStepCount = gradientSteps
        workspace = PolicyStepWorkspace(rows: networks.maxBatch)
        greedyPolicy = CategoricalPolicy(networks, mode: .greedy)
        rolloutPolicy = CategoricalPolicy(networks, mode: .sampling)
    }

    public var rolloutSteps: Int { configuration.rolloutSteps }
    public var gamma: Float { configuration.gamma }
    public var gaeLambda: Float { configuration.gaeLambda }
    var learningRateSchedule: Schedule { configuration.learningRateSchedule }

    /// One gradient step on the whole rollout.
    public func learn(from rollout: RolloutBuffer, using generator: inout RandomGenerator) -> UpdateReport {
        report(update(rollout.all), rollout: rollout)
    }

    /// One gradient step on `batch` (`B` samples with advantages and returns).
    @discardableResult
    public func update(_ batch: RolloutMinibatch) -> OnPolicyUpdate {
        let result = lossAndGradients(batch)
        networks.step()
        gradientStepCount += 1
        return result
    }

    /// The loss on `batch`, leaving its (clipped) gradient in the networks.
    func lossAndGradients(_ batch: RolloutMinibatch) -> OnPolicyUpdate {
        let evaluation = workspace.evaluate(networks, batch, normalizeAdvantages: configuration.normalizeAdvantages)
        let policyLoss = PolicyGradientLoss.policyGradient(logProbabilities: evaluation.logProbabilities,
                                                           advantages: evaluation.advantages, count: batch.size,
                                                           coefficients: evaluation.coefficients)
        let (valueLoss, entropy) = workspace.backward(networks, batch, evaluation, valueClipRange: nil,
                                                      valueCoefficient: configuration.valueCoefficient,
                                                      entropyCoefficient: configuration.entropyCoefficient,
                                                      maxGradientNorm: configuration.maxGradientNorm)
        return OnPolicyUpdate(loss: policyLoss + valueLoss - configuration.entropyCoefficient * entropy,
                              policyLoss: policyLoss, valueLoss: valueLoss, entropy: entropy, gradientSteps: 1)
    }
}
