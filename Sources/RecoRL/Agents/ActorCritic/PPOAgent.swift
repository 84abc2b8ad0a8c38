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
/// minibatches of `B = T * N / minibatches`, `A` actions, `D` observation dimension. One minibatch step:
/// forward `B x D` to `B x A` logits and `B x 1` values; one fused pass gives log-sum-exp, entropy and
/// log pi(a); the ratios and clipped surrogate give one coefficient per row; one more pass over the
/// `B x A` table gives the logits' gradient including the entropy bonus; backward, clip, Adam.
public final class PPOAgent: OnPolicyAlgorithm {
    public let configuration: PPOConfiguration
    public let networks: ActorCriticNetworks
    public private(set) var gradientStepCount: Int
    public var algorithm: String { "ppo" }

    private let workspace: PolicyStepWorkspace

    /// A fresh agent for `environments` copies whose networks also act on batches of up to `maxActingBatch`.
    public convenience init(configuration: PPOConfiguration, observationDimension: Int, actionCount: Int, environments: Int,
                            maxActingBatch: Int, generator: inout RandomGenerator) throws {
        try configuration.validate()
        try configuration.validate(environments: environments)
        let networks = try ActorCriticNetworks(
            observationDimension: observationDimension, actionCount: actionCount, hidden: configuration.hiddenLayers,
            activation: configuration.activation.layer, shared: configuration.sharedNetwork,
            learningRate: configuration.learningRate, adamEpsilon: configuration.adamEpsilon,
            maxBatch: max(configuration.largestMinibatch(environments: environments), maxActingBatch), generator: &generator)
        try self.init(configuration: configuration, networks: networks, gradientSteps: 0)
    }

    init(configuration: PPOConfiguration, networks: ActorCriticNetworks, gradientSteps: Int) throws {
        try configuration.validate()
        self.configuration = configuration
        self.networks = networks
        gradientStepCount = gradientSteps
        workspace = PolicyStepWorkspace(rows: networks.maxBatch)
    }

    var rolloutSteps: Int { configuration.rolloutSteps }
    var gamma: Float { configuration.gamma }
    var gaeLambda: Float { configuration.gaeLambda }
    var baseLearningRate: Float { configuration.learningRate }
    var annealLearningRate: Bool { configuration.annealLearningRate }

    public func actionScores(_ observations: MatrixView) -> MatrixView { networks.probabilities(observations) }

    /// `epochs` passes of shuffled minibatch steps over the rollout, stopping early when a minibatch's
    /// approximate KL from the collecting policy exceeds `targetKL` (checked before its step).
    func learn(from rollout: RolloutBuffer, using generator: inout RandomGenerator) -> OnPolicyUpdate {
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
