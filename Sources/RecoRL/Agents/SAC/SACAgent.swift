import Foundation
import RecoEnvironments
import RecoNetworks
import RecoTensor

/// Soft Actor-Critic for discrete actions (Haarnoja et al., 2018, "Soft Actor-Critic Algorithms and
/// Applications"; discrete form of Christodoulou, 2019, "Soft Actor-Critic for Discrete Action
/// Settings"): a categorical actor over all actions, two Q critics with Polyak-averaged targets, and a
/// temperature tuned toward a target entropy. With a categorical policy every expectation over actions
/// is an exact sum over the `A` columns, computed for the whole batch by fused row kernels.
///
/// Shapes: `B` = batch size, `A` = actions, `D` = observation dimension. One update, on `B` transitions
/// from replay:
/// - targets: `V(s') = sum_a pi(a|s') (min(Q1_target, Q2_target)(s', a) - alpha log pi(a|s'))` (`B`, one
///   fused pass over three `B x A` tables), `y = r + gamma^k (1 - done) V(s')`;
/// - actor: `L = (1/B) sum_i sum_a pi(a|s_i) (alpha log pi(a|s_i) - min(Q1, Q2)(s_i, a))`, whose logits
///   gradient `pi (f - L_i) / B` (with `f = alpha log pi - min Q`) comes from the same fused pass;
/// - critics: mean squared error of `Q_k(s, a)` against `y`, the gradient scattered into `B x A`;
/// - temperature: `d/d log alpha` of `alpha (mean entropy - target entropy)`.
///
/// The actor and critic steps both use the critics' values from before this update's critic step (a
/// simultaneous update), so the two `B x A` critic forward passes on `s` serve both.
public final class SACAgent: Agent {
    public let configuration: SACConfiguration
    public let actor: SequentialNetwork
    public let critic1: SequentialNetwork
    public let critic2: SequentialNetwork
    public let target1: SequentialNetwork
    public let target2: SequentialNetwork
    public let actorOptimizer: Adam
    public let critic1Optimizer: Adam
    public let critic2Optimizer: Adam
    /// `log alpha`, trained by `temperatureOptimizer`.
    public let logTemperature: ParameterStore
    public let temperatureOptimizer: Adam
    public let replay: ReplayBuffer
    public private(set) var gradientStepCount: Int
    public var algorithm: String { "sac" }
    public var observationDimension: Int { actor.inputWidth }
    public var actionCount: Int { actor.outputWidth }
    public var actionScoreKind: ActionScoreKind { .probability }

    /// The current temperature alpha.
    public var temperature: Float { Foundation.exp(logTemperature.values[0]) }

    private let batch: ReplayBatch
    private let softValues, losses, entropy, uniforms: OwnedBuffer<Float>
    private let targets, predictions, predictionGradient: Matrix
    private let scattered1, scattered2: OwnedBuffer<Int32>
    private lazy var probabilityWorkspace = Matrix(rows: actor.maxBatch, columns: actionCount)

    /// A fresh agent for `environments` copies whose actor also acts on batches of up to `maxActingBatch`.
    public convenience init(configuration: SACConfiguration, observationDimension: Int, actionCount: Int, environments: Int,
                            maxActingBatch: Int, generator: inout RandomGenerator) throws {
        try configuration.validate()
        let specs = SequentialNetwork.mlp(inputs: observationDimension, hidden: configuration.hiddenLayers, outputs: actionCount)
        let maxBatch = max(configuration.batchSize, maxActingBatch)
        func network() throws -> SequentialNetwork { try SequentialNetwork(specs, maxBatch: maxBatch, generator: &generator) }
        let actor = try network(), critic1 = try network(), critic2 = try network()
        let target1 = try network(), target2 = try network()
        target1.copyParameters(from: critic1)
        target2.copyParameters(from: critic2)
        let logTemperature = ParameterStore(name: "log_temperature", shape: [1])
        logTemperature.values[0] = Foundation.log(configuration.initialTemperature)
        func adam(_ rate: Float, _ count: Int) -> Adam { Adam(learningRate: rate, epsilon: configuration.adamEpsilon, parameterCount: count) }
        try self.init(configuration: configuration, actor: actor, critic1: critic1, critic2: critic2, target1: target1,
                      target2: target2, actorOptimizer: adam(configuration.actorLearningRate, actor.parameterCount),
                      critic1Optimizer: adam(configuration.criticLearningRate, critic1.parameterCount),
                      critic2Optimizer: adam(configuration.criticLearningRate, critic2.parameterCount),
                      logTemperature: logTemperature, temperatureOptimizer: adam(configuration.criticLearningRate, 1),
                      environments: environments, gradientSteps: 0)
    }

    /// An agent around existing networks and optimisers (for example from a checkpoint).
    init(configuration: SACConfiguration, actor: SequentialNetwork, critic1: SequentialNetwork, critic2: SequentialNetwork,
         target1: SequentialNetwork, target2: SequentialNetwork, actorOptimizer: Adam, critic1Optimizer: Adam,
         critic2Optimizer: Adam, logTemperature: ParameterStore, temperatureOptimizer: Adam, environments: Int,
         gradientSteps: Int) throws {
        try configuration.validate()
        self.configuration = configuration
        self.actor = actor
        self.critic1 = critic1
        self.critic2 = critic2
        self.target1 = target1
        self.target2 = target2
        self.actorOptimizer = actorOptimizer
        self.critic1Optimizer = critic1Optimizer
        self.critic2Optimizer = critic2Optimizer
        self.logTemperature = logTemperature
        self.temperatureOptimizer = temperatureOptimizer
        gradientStepCount = gradientSteps
        replay = try ReplayBuffer(capacity: configuration.bufferCapacity, observationDimension: actor.inputWidth,
                                  environments: environments, nSteps: 1, gamma: configuration.gamma)
        let b = configuration.batchSize
        batch = ReplayBatch(size: b, observationDimension: actor.inputWidth)
        softValues = OwnedBuffer(repeating: 0, count: b)
        losses = OwnedBuffer(repeating: 0, count: b)
        entropy = OwnedBuffer(repeating: 0, count: b)
        uniforms = OwnedBuffer(repeating: 0, count: actor.maxBatch)
        targets = Matrix(rows: b, columns: 1)
        predictions = Matrix(rows: b, columns: 1)
        predictionGradient = Matrix(rows: b, columns: 1)
        scattered1 = OwnedBuffer(repeating: 0, count: b)
        scattered2 = OwnedBuffer(repeating: 0, count: b)
    }

    /// The most probable action of each observation.
    public func greedyActions(_ observations: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>) {
        precondition(actions.count == observations.rows, "\(actions.count) action slots for \(observations.rows) observations")
        Kernels.rowArgmax(actor.forward(observations), into: actions.baseAddress!)
    }

    /// Action probabilities of `observations` (`N x A`), valid until the next call.
    public func actionScores(_ observations: MatrixView) -> MatrixView {
        let output = probabilityWorkspace.view.rows(0..<observations.rows)
        Kernels.softmax(actor.forward(observations), into: output)
        return output
    }

    /// Actions drawn from the policy for `N` observations at once.
    public func sampleActions(_ observations: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>,
                              using generator: inout RandomGenerator) {
        precondition(actions.count == observations.rows, "\(actions.count) action slots for \(observations.rows) observations")
        let logits = actor.forward(observations)
        for i in 0..<observations.rows { uniforms.elements[i] = generator.uniform() }
        Kernels.sampleCategorical(logits: logits, uniforms: uniforms.elements.baseAddress!, into: actions.baseAddress!)
    }

    /// What one update measured.
    public struct UpdateStatistics: Equatable, Sendable {
        /// Sum of the two critics' mean squared errors.
        public var criticLoss: Float
        public var actorLoss: Float
        /// Mean policy entropy on the batch's observations.
        public var entropy: Float
        /// Temperature used in this update.
        public var temperature: Float
    }

    /// `d/d log alpha` of `J = alpha * (mean entropy - target entropy)`: positive when the policy is more
    /// random than the target, so a descent step lowers the temperature.
    public static func temperatureGradient(temperature: Float, entropies: UnsafeBufferPointer<Float>, targetEntropy: Float) -> Float {
        let mean = entropies.reduce(0, +) / Float(max(1, entropies.count))
        return temperature * (mean - targetEntropy)
    }

    /// One gradient step of actor, critics and temperature on a batch sampled from replay (needs
    /// `replay.count >= 1`).
    @discardableResult
    public func update(using generator: inout RandomGenerator) -> UpdateStatistics {
        replay.sample(into: batch, using: &generator)
        let b = batch.size, alpha = temperature
        let inverseBatch = 1 / Float(b)

        // Soft Bellman targets from the target critics and the current policy at s'.
        let nextLogits = actor.forward(batch.nextObservations.view)
        let nextQ1 = target1.forward(batch.nextObservations.view), nextQ2 = target2.forward(batch.nextObservations.view)
        Kernels.softStateValues(logits: nextLogits, q1: nextQ1, q2: nextQ2, temperature: alpha,
                                into: softValues.elements.baseAddress!, entropy: nil)
        for i in 0..<b {
            targets[i, 0] = batch.rewards[i] + batch.discounts[i] * (1 - batch.dones[i]) * softValues.elements[i]
        }

        // Actor: expected soft advantage over all actions, against the critics' current values.
        let q1 = critic1.forward(batch.observations.view), q2 = critic2.forward(batch.observations.view)
        let logits = actor.forward(batch.observations.view)
        Kernels.softActorLoss(logits: logits, q1: q1, q2: q2, temperature: alpha, gradientScale: inverseBatch,
                              losses: losses.elements.baseAddress!, entropy: entropy.elements.baseAddress!,
                              gradient: actor.outputGradientWorkspace(rows: b))
        actor.backward(outputGradient: actor.outputGradientWorkspace(rows: b))
        step(actor, actorOptimizer)
        let actorLoss = losses.elements.reduce(0, +) * inverseBatch

        if configuration.autotuneTemperature {
            logTemperature.gradients[0] = SACAgent.temperatureGradient(
                temperature: alpha, entropies: UnsafeBufferPointer(entropy.elements),
                targetEntropy: configuration.targetEntropy(actions: actionCount))
            temperatureOptimizer.step(logTemperature)
        }

        let criticLoss = updateCritic(critic1, values: q1, optimizer: critic1Optimizer, scattered: scattered1)
            + updateCritic(critic2, values: q2, optimizer: critic2Optimizer, scattered: scattered2)
        gradientStepCount += 1
        if gradientStepCount % configuration.targetUpdateInterval == 0 {
            target1.polyakAverage(from: critic1, tau: configuration.tau)
            target2.polyakAverage(from: critic2, tau: configuration.tau)
        }
        return UpdateStatistics(criticLoss: criticLoss, actorLoss: actorLoss,
                                entropy: entropy.elements.reduce(0, +) * inverseBatch, temperature: alpha)
    }

    /// Regresses `critic`'s value of the actions taken (`values` is its last forward output) on the
    /// targets. The output gradient is zero except at one column per row: the network's own output
    /// gradient workspace keeps it, clearing only the columns the previous update scattered into.
    private func updateCritic(_ critic: SequentialNetwork, values: MatrixView, optimizer: Adam,
                              scattered: OwnedBuffer<Int32>) -> Float {
        Kernels.gatherColumns(values, columns: batch.actions.baseAddress!, into: predictions.view.base)
        let loss = RegressionLoss.meanSquaredError(predictions: predictions.view, targets: targets.view,
                                                   gradient: predictionGradient.view)
        let outputGradient = critic.outputGradientWorkspace(rows: batch.size)
        Kernels.clearColumns(scattered.elements.baseAddress!, in: outputGradient)
        Kernels.scatterColumns(predictionGradient.view.base, columns: batch.actions.baseAddress!, into: outputGradient)
        _ = scattered.elements.update(fromContentsOf: batch.actions)
        critic.backward(outputGradient: outputGradient)
        step(critic, optimizer)
        return loss
    }

    private func step(_ network: SequentialNetwork, _ optimizer: Adam) {
        if let bound = configuration.maxGradientNorm { network.parameters.clipGradientNorm(maxNorm: bound) }
        optimizer.step(network.parameters)
    }
}
