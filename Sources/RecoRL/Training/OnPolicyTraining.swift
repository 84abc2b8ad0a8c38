import RecoEnvironments
import RecoTensor

/// What an on-policy actor-critic algorithm (A2C, PPO) plugs into the shared training loop: the loop
/// collects rollouts with the current policy and computes advantages; the algorithm learns from them.
protocol OnPolicyAlgorithm: Agent {
    var networks: ActorCriticNetworks { get }
    var rolloutSteps: Int { get }
    var gamma: Float { get }
    var gaeLambda: Float { get }
    /// The learning rate before any annealing.
    var baseLearningRate: Float { get }
    var annealLearningRate: Bool { get }
    var gradientStepCount: Int { get }
    /// Learns from a full rollout whose advantages and returns are computed.
    func learn(from rollout: RolloutBuffer, using generator: inout RandomGenerator) -> OnPolicyUpdate
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

    /// The figures by name, for metrics files.
    var statistics: [String: Float] {
        var named = ["policy_loss": policyLoss, "value_loss": valueLoss, "entropy": entropy]
        if let clipFraction { named["clip_fraction"] = clipFraction }
        if let approximateKL {
            named["approx_kl"] = approximateKL
            named["stopped_early"] = stoppedEarly ? 1 : 0
        }
        return named
    }
}

/// Buffers for acting in `N` copies at once, allocated once per training run.
final class PolicyActingBuffers {
    let observations: Matrix
    let actions: OwnedBuffer<Int32>
    let logProbabilities: OwnedBuffer<Float>
    let values: OwnedBuffer<Float>
    let finalValues: OwnedBuffer<Float>
    let uniforms: OwnedBuffer<Float>
    let logSumExp: OwnedBuffer<Float>
    let entropy: OwnedBuffer<Float>

    init(copies n: Int, observationDimension: Int) {
        observations = Matrix(rows: n, columns: observationDimension)
        actions = OwnedBuffer(repeating: 0, count: n)
        logProbabilities = OwnedBuffer(repeating: 0, count: n)
        values = OwnedBuffer(repeating: 0, count: n)
        finalValues = OwnedBuffer(repeating: 0, count: n)
        uniforms = OwnedBuffer(repeating: 0, count: n)
        logSumExp = OwnedBuffer(repeating: 0, count: n)
        entropy = OwnedBuffer(repeating: 0, count: n)
    }

    /// Samples one action per copy from the policy at `observations`, keeping the observations, the
    /// actions' log-probabilities and the critic's values.
    func act(_ networks: ActorCriticNetworks, on observations: MatrixView, using generator: inout RandomGenerator) {
        self.observations.view.copy(from: observations)
        let (logits, values) = networks.forward(self.observations.view)
        for i in 0..<uniforms.count { uniforms.elements[i] = generator.uniform() }
        Kernels.sampleCategorical(logits: logits, uniforms: uniforms.elements.baseAddress!, into: actions.elements.baseAddress!)
        Kernels.categoricalStatistics(logits: logits, actions: actions.elements.baseAddress!,
                                      logSumExp: logSumExp.elements.baseAddress!, entropy: entropy.elements.baseAddress!,
                                      actionLogProbabilities: logProbabilities.elements.baseAddress!)
        for i in 0..<values.rows { self.values.elements[i] = values[i, 0] }
    }
}

extension OnPolicyAlgorithm {
    /// Collects rollouts of `rolloutSteps` vector steps from all copies with actions sampled from the
    /// policy, and learns from each; runs whole rollouts until at least `steps` environment steps.
    /// A truncated episode's last step bootstraps from the critic's value of its final observation.
    public func train(on environment: BatchedEnvironment, steps: Int, seed: UInt64, generator: inout RandomGenerator,
                      reportInterval: Int, report: (TrainingProgress) -> Void) throws {
        let n = environment.count
        precondition(environment.observationSpace.width == observationDimension, "environment observations do not fit the network")
        precondition(environment.actionSpace.choices == actionCount, "environment actions do not fit the network")
        precondition(n <= networks.maxBatch, "\(n) copies exceed the networks' batch of \(networks.maxBatch)")
        let rollout = RolloutBuffer(steps: rolloutSteps, environments: n, observationDimension: observationDimension)
        let buffers = PolicyActingBuffers(copies: n, observationDimension: observationDimension)
        let updates = (steps + rollout.count - 1) / rollout.count
        var monitor = TrainingMonitor(totalSteps: updates * rollout.count, reportInterval: reportInterval)
        var t = 0

        environment.reset(seed: seed)
        for update in 0..<updates {
            if annealLearningRate {
                networks.learningRate = baseLearningRate * (1 - Float(update) / Float(updates))
            }
            rollout.reset()
            while !rollout.isFull {
                buffers.act(networks, on: environment.observations, using: &generator)
                environment.step(UnsafeBufferPointer(buffers.actions.elements))
                if environment.truncated.contains(true) {
                    let finalValues = networks.values(environment.finalObservations)
                    for i in 0..<n { buffers.finalValues.elements[i] = finalValues[i, 0] }
                }
                rollout.add(observations: buffers.observations.view, actions: UnsafeBufferPointer(buffers.actions.elements),
                            logProbabilities: UnsafeBufferPointer(buffers.logProbabilities.elements),
                            values: UnsafeBufferPointer(buffers.values.elements), rewards: environment.rewards,
                            terminated: environment.terminated, truncated: environment.truncated,
                            finalValues: UnsafeBufferPointer(buffers.finalValues.elements))
                t += n
                monitor.collectEpisodes(from: environment)
            }
            let lastValues = networks.values(environment.observations)
            for i in 0..<n { buffers.values.elements[i] = lastValues[i, 0] }
            rollout.computeAdvantages(lastValues: UnsafeBufferPointer(buffers.values.elements), gamma: gamma, lambda: gaeLambda)
            let result = learn(from: rollout, using: &generator)
            guard result.loss.isFinite else {
                throw TrainingError.diverged(step: t, gradientStep: gradientStepCount, loss: result.loss)
            }
            if monitor.reportDue(at: t) {
                var statistics = result.statistics
                statistics["explained_variance"] = rollout.explainedVariance()
                statistics["learning_rate"] = networks.learningRate
                report(monitor.progress(step: t, epsilon: nil, gradientSteps: gradientStepCount, loss: result.loss,
                                        statistics: statistics))
            }
        }
    }

    /// The most probable action of each observation.
    public func greedyActions(_ observations: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>) {
        precondition(actions.count == observations.rows, "\(actions.count) action slots for \(observations.rows) observations")
        Kernels.rowArgmax(networks.forward(observations).logits, into: actions.baseAddress!)
    }

    public var observationDimension: Int { networks.observationDimension }
    public var actionCount: Int { networks.actionCount }
    public var actionScoreKind: ActionScoreKind { .probability }
}
