import Foundation
import RecoEnvironments
import RecoNetworks
import RecoTensor

/// Proximal policy optimisation with the clipped surrogate (Schulman et al., 2017, "Proximal Policy
/// Optimization Algorithms"), GAE advantages (Schulman et al., 2016), optional value clipping,
/// per-minibatch advantage normalisation, an entropy bonus, early stopping on approximate KL and a
/// linearly annealed learning rate.
///
/// Shapes: `N` environment copies, `T = rolloutSteps`, `T * N` samples per rollout split into
/// minibatches of `B = T * N / minibatches`, `A` actions, `D` observation width. One minibatch step:
/// forward `B x D` to `B x A` logits and `B x 1` values; one fused pass gives log-sum-exp, entropy and
/// log pi(a); the ratios and clipped surrogate give one coefficient per row; one more pass over the
/// `B x A` table gives the logits' gradient including the entropy bonus; backward, clip, Adam.
public final class PPOAgent: ActorCriticAgent {
    public let configuration: PPOConfiguration
    public let networks: ActorCriticNetworks
    public private(set) var gradientStepCount: Int
    public static let algorithmName = "ppo"
    /// What each update reports.
    public static let metrics: [Metric] = [.approximateKL, .clipFraction, .entropy, .explainedVariance, .learningRate,
                                           .policyLoss, .stoppedEarly, .valueLoss]
    /// The most probable action (for deployment and evaluation).
    public let greedyPolicy: Policy
    /// Actions sampled from the policy, with the critic's values (for collection).
    public let rolloutPolicy: ActorCriticPolicy

    private let workspace: PolicyStepWorkspace

    /// A fresh agent for environments of `spaces` (its networks hold the largest minibatch of a
    /// rollout over `spaces.copies` copies).
    public convenience init(configuration: PPOConfiguration = PPOConfiguration(), spaces: EnvironmentSpaces,
                            generator: inout RandomGenerator) throws {
        try configuration.validate(copies: spaces.copies)
        let networks = try configuration.makeNetworks(for: spaces, maxBatch: configuration.largestMinibatch(copies: spaces.copies), generator: &generator)
        try self.init(configuration: configuration, networks: networks, gradientSteps: 0)
    }

    init(configuration: PPOConfiguration, networks: ActorCriticNetworks, gradientSteps: Int) throws {
        try configuration.validate()
        self.configuration = configuration
        self.networks = networks
        gradientStepCount = gradientSteps
        workspace = PolicyStepWorkspace(rows: networks.maxBatch)
        greedyPolicy = CategoricalPolicy(networks, mode: .greedy)
        rolloutPolicy = CategoricalPolicy(networks, mode: .sampling)
    }

    /// Whether a rollout of `rows` splits into `minibatches` that fit the networks' workspaces.
    public func canLearn(fromRolloutOf rows: Int) -> Bool {
        configuration.minibatches <= rows && rows / configuration.minibatches + rows % configuration.minibatches <= networks.maxBatch
    }

    public func learn(from rollout: RolloutBuffer, using generator: inout RandomGenerator) -> UpdateReport {
        report(epochs(on: rollout, using: &generator), rollout: rollout)
    }

    /// `epochs` passes of shuffled minibatch steps over the rollout, stopping early when a minibatch's
    /// approximate KL from the collecting policy exceeds `targetKL` (checked before its step).
    func epochs(on rollout: RolloutBuffer, using generator: inout RandomGenerator) -> OnPolicyUpdate {
        var total = OnPolicyUpdate(clipFraction: 0, approximateKL: 0)
        epochs: for _ in 0..<configuration.epochs {
            rollout.shuffle(using: &generator)
            for k in 0..<configuration.minibatches {
                guard let step = update(rollout.minibatch(k, of: configuration.minibatches)) else {
                    total.stoppedEarly = true
                    break epochs
                }
                total.loss += step.loss
                total.policyLoss += step.policyLoss
                total.valueLoss += step.valueLoss
                total.entropy += step.entropy
                total.clipFraction? += step.clipFraction ?? 0
                total.approximateKL? += step.approximateKL ?? 0
                total.gradientSteps += 1
            }
        }
        let scale = 1 / Float(max(1, total.gradientSteps))
        total.loss *= scale
        total.policyLoss *= scale
        total.valueLoss *= scale
        total.entropy *= scale
        total.clipFraction? *= scale
        total.approximateKL? *= scale
        return total
    }

    /// One gradient step on a minibatch, or nil (and no step) when its approximate KL from the
    /// collecting policy exceeds `targetKL`.
    public func update(_ batch: RolloutMinibatch) -> OnPolicyUpdate? {
        guard let result = lossAndGradients(batch) else { return nil }
        networks.step()
        gradientStepCount += 1
        return result
    }

    /// The loss on a minibatch, leaving its (clipped) gradient in the networks; nil, with gradients
    /// untouched, when the approximate KL exceeds `targetKL`.
    func lossAndGradients(_ batch: RolloutMinibatch) -> OnPolicyUpdate? {
        let evaluation = workspace.evaluate(networks, batch, normalizeAdvantages: configuration.normalizeAdvantages)
        let surrogate = PolicyGradientLoss.clippedSurrogate(newLogProbabilities: evaluation.logProbabilities,
                                                            oldLogProbabilities: batch.logProbabilities,
                                                            advantages: evaluation.advantages, count: batch.size,
                                                            clipRange: configuration.clipRange,
                                                            coefficients: evaluation.coefficients)
        if let targetKL = configuration.targetKL, surrogate.approximateKL > targetKL { return nil }
        let (valueLoss, entropy) = workspace.backward(networks, batch, evaluation,
                                                      valueClipRange: configuration.clipValueLoss ? configuration.clipRange : nil,
                                                      valueCoefficient: configuration.valueCoefficient,
                                                      entropyCoefficient: configuration.entropyCoefficient,
                                                      maxGradientNorm: configuration.maxGradientNorm)
        return OnPolicyUpdate(loss: surrogate.loss + valueLoss - configuration.entropyCoefficient * entropy,
                              policyLoss: surrogate.loss, valueLoss: valueLoss, entropy: entropy,
                              clipFraction: surrogate.clipFraction, approximateKL: surrogate.approximateKL, gradientSteps: 1)
    }
}
