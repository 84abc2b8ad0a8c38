import Foundation
import RecoEnvironments
import RecoNetworks
import RecoTensor

/// Synchronous advantage actor-critic (A2C; Mnih et al., 2016, "Asynchronous Methods for Deep
/// Reinforcement Learning", in its synchronous, batched form): one gradient step per rollout on the
/// policy-gradient loss with GAE advantages (Schulman et al., 2016), a value loss and an entropy bonus.
///
/// Shapes: `N` environment copies, `T = rolloutSteps`, `B = T * N` samples per update, `A` actions,
/// `D` observation dimension. One update: forward the `B x D` rollout to `B x A` logits and `B x 1`
/// values; one fused pass gives log-sum-exp, entropy and log pi(a) per row; the policy gradient
/// coefficients `-A_i / B` and the entropy weight become the logits' gradient in one more pass; the value
/// gradient is `c_v (V - R) / B`; backward, clip, Adam.
public final class A2CAgent: OnPolicyAlgorithm {
    public let configuration: A2CConfiguration
    public let networks: ActorCriticNetworks
    public private(set) var gradientStepCount: Int
    public var algorithm: String { "a2c" }

    private let logSumExp, entropy, logProbabilities, advantages, coefficients: OwnedBuffer<Float>

    /// A fresh agent for `environments` copies whose networks also act on batches of up to `maxActingBatch`.
    public convenience init(configuration: A2CConfiguration, observationDimension: Int, actionCount: Int, environments: Int,
                            maxActingBatch: Int, generator: inout RandomGenerator) throws {
        try configuration.validate()
        let networks = try ActorCriticNetworks(
            observationDimension: observationDimension, actionCount: actionCount, hidden: configuration.hiddenLayers,
            activation: configuration.activation.layer, shared: configuration.sharedNetwork,
            learningRate: configuration.learningRate, adamEpsilon: configuration.adamEpsilon,
            maxBatch: max(configuration.rolloutSteps * environments, maxActingBatch), generator: &generator)
        try self.init(configuration: configuration, networks: networks, gradientSteps: 0)
    }

    init(configuration: A2CConfiguration, networks: ActorCriticNetworks, gradientSteps: Int) throws {
        try configuration.validate()
        self.configuration = configuration
        self.networks = networks
        gradientStepCount = gradientSteps
        let rows = networks.maxBatch
        logSumExp = OwnedBuffer(repeating: 0, count: rows)
        entropy = OwnedBuffer(repeating: 0, count: rows)
        logProbabilities = OwnedBuffer(repeating: 0, count: rows)
        advantages = OwnedBuffer(repeating: 0, count: rows)
        coefficients = OwnedBuffer(repeating: 0, count: rows)
    }

    var rolloutSteps: Int { configuration.rolloutSteps }
    var gamma: Float { configuration.gamma }
    var gaeLambda: Float { configuration.gaeLambda }
    var baseLearningRate: Float { configuration.learningRate }
    var annealLearningRate: Bool { configuration.annealLearningRate }

    public func actionScores(_ observations: MatrixView) -> MatrixView { networks.probabilities(observations) }

    /// One gradient step on the whole rollout.
    func learn(from rollout: RolloutBuffer, using generator: inout RandomGenerator) -> OnPolicyUpdate {
        update(rollout.all)
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
        let b = batch.size
        precondition(b <= networks.maxBatch, "batch of \(b) exceeds the networks' \(networks.maxBatch)")
        let (logits, values) = networks.forward(batch.observations)
        let lse = logSumExp.elements.baseAddress!, h = entropy.elements.baseAddress!
        let logp = logProbabilities.elements.baseAddress!, c = coefficients.elements.baseAddress!
        Kernels.categoricalStatistics(logits: logits, actions: batch.actions, logSumExp: lse, entropy: h,
                                      actionLogProbabilities: logp)
        var advantage = batch.advantages
        if configuration.normalizeAdvantages {
            PolicyGradientLoss.normalizeAdvantages(batch.advantages, count: b, into: advantages.elements.baseAddress!)
            advantage = UnsafePointer(advantages.elements.baseAddress!)
        }
        let policyLoss = PolicyGradientLoss.policyGradient(logProbabilities: logp, advantages: advantage, count: b, coefficients: c)
        let gradients = networks.gradientWorkspaces(rows: b)
        let valueLoss = PolicyGradientLoss.valueLoss(values: values, returns: batch.returns, oldValues: batch.values,
                                                     clipRange: nil, coefficient: configuration.valueCoefficient,
                                                     gradient: gradients.values)
        Kernels.categoricalGradient(logits: logits, logSumExp: lse, entropy: h, actions: batch.actions,
                                    actionCoefficients: c, entropyCoefficient: -configuration.entropyCoefficient / Float(b),
                                    into: gradients.logits)
        networks.backward(rows: b, maxGradientNorm: configuration.maxGradientNorm)
        let meanEntropy = (0..<b).reduce(0) { $0 + h[$1] } / Float(b)
        return OnPolicyUpdate(loss: policyLoss + valueLoss - configuration.entropyCoefficient * meanEntropy,
                              policyLoss: policyLoss, valueLoss: valueLoss, entropy: meanEntropy, gradientSteps: 1)
    }
}
