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
public final class A2CAgent: ActorCriticAgent {
    public let configuration: A2CConfiguration
    public let networks: ActorCriticNetworks
    public private(set) var gradientStepCount: Int
    public static let algorithmName = "a2c"
    /// What each update reports.
    public static let metrics: [Metric] = [.entropy, .explainedVariance, .learningRate, .policyLoss, .valueLoss]
    /// The most probable action (for deployment and evaluation).
    public let greedyPolicy: Policy
    /// Actions sampled from the policy, with the critic's values (for collection).
    public let rolloutPolicy: ActorCriticPolicy

    private let workspace: PolicyStepWorkspace

    /// A fresh agent for environments of `spaces` (its networks hold rollouts of `rolloutSteps x copies`).
    public convenience init(configuration: A2CConfiguration = A2CConfiguration(), spaces: EnvironmentSpaces,
                            generator: inout RandomGenerator) throws {
        try configuration.validate(copies: spaces.copies)
        let networks = try configuration.makeNetworks(for: spaces, maxBatch: configuration.rolloutSteps * spaces.copies, generator: &generator)
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
