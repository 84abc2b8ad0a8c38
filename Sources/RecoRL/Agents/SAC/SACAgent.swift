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
/// Shapes: `B` = batch size, `A` = actions, `D` = observation width. One update, on `B` transitions
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
public final class SACAgent: OffPolicyLearner, RegisteredAgent {
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
    public let replay: Replay
    public private(set) var gradientStepCount: Int
    public var algorithm: String { "sac" }
    public var observationWidth: Int { actor.inputWidth }
    public var actionCount: Int { actor.outputWidth }
    /// The actor's most probable action.
    public let greedyPolicy: Policy
    /// Actions sampled from the actor's distribution.
    public let samplingPolicy: CategoricalPolicy
    public var explorationPolicy: Policy { samplingPolicy }
    /// Uniformly random actions, collected before `learningStarts`.
    private let warmupPolicy: UniformRandomPolicy

    /// The current temperature alpha.
    public var temperature: Float { Foundation.exp(logTemperature.values[0]) }

    private let batch: ReplayBatch
    private let softValues, losses, entropy: OwnedBuffer<Float>
    private let targets, predictions, predictionGradient: Matrix
    private let scattered1, scattered2: OwnedBuffer<Int32>

    /// A fresh agent for environments of `spaces`.
    public convenience init(configuration: SACConfiguration = SACConfiguration(), spaces: EnvironmentSpaces,
                            generator: inout RandomGenerator) throws {
        try configuration.validate()
        let specs = SACAgent.networkSpecs(configuration, observationWidth: spaces.observationWidth,
                                          observationIds: spaces.observationIds, actionCount: spaces.actionCount)
        func network() throws -> SequentialNetwork {
            try SequentialNetwork(specs, maxBatch: configuration.batchSize, generator: &generator)
        }
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
                      gradientSteps: 0)
    }


    /// The layers of the actor and of every critic: the input layers (`ObservationInput`: an embedding
    /// of the id columns), then a relu MLP with `A` outputs.
    static func networkSpecs(_ configuration: SACConfiguration, observationWidth: Int, observationIds: ObservationIds?,
                             actionCount: Int) -> [LayerSpec] {
        configuration.inputNetwork(observationWidth: observationWidth, ids: observationIds) {
            SequentialNetwork.mlp(inputs: $0, hidden: configuration.hiddenLayers, outputs: actionCount)
        }
    }

    /// An agent around existing networks and optimisers (for example from a checkpoint).
    init(configuration: SACConfiguration, actor: SequentialNetwork, critic1: SequentialNetwork, critic2: SequentialNetwork,
         target1: SequentialNetwork, target2: SequentialNetwork, actorOptimizer: Adam, critic1Optimizer: Adam,
         critic2Optimizer: Adam, logTemperature: ParameterStore, temperatureOptimizer: Adam,
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
        replay = try ReplayBuffer(capacity: configuration.bufferCapacity, observationWidth: actor.inputWidth)
        greedyPolicy = CategoricalPolicy(actor: actor, actionCount: actor.outputWidth, mode: .greedy)
        samplingPolicy = CategoricalPolicy(actor: actor, actionCount: actor.outputWidth, mode: .sampling)
        warmupPolicy = try UniformRandomPolicy(observationWidth: actor.inputWidth, actionCount: actor.outputWidth)
        let b = configuration.batchSize
        batch = ReplayBatch(size: b, observationWidth: actor.inputWidth)
        softValues = OwnedBuffer(repeating: 0, count: b)
        losses = OwnedBuffer(repeating: 0, count: b)
        entropy = OwnedBuffer(repeating: 0, count: b)
        targets = Matrix(rows: b, columns: 1)
        predictions = Matrix(rows: b, columns: 1)
        predictionGradient = Matrix(rows: b, columns: 1)
        scattered1 = OwnedBuffer(repeating: 0, count: b)
        scattered2 = OwnedBuffer(repeating: 0, count: b)
    }

    /// `d/d log alpha` of `J = alpha * (mean entropy - target entropy)`: positive when the policy is more
    /// random than the target, so a descent step lowers the temperature.
    public static func temperatureGradient(temperature: Float, entropies: UnsafeBufferPointer<Float>, targetEntropy: Float) -> Float {
        let mean = entropies.reduce(0, +) / Float(max(1, entropies.count))
        return temperature * (mean - targetEntropy)
    }

    /// One gradient step of actor, critics and temperature on a batch sampled from replay (needs
    /// `replay.count >= 1`). The report's loss is the sum of the two critics' mean squared errors; its
    /// metrics are that loss, the actor's loss, the mean entropy on the batch and the temperature used.
    @discardableResult
    public func update(using generator: inout RandomGenerator) -> UpdateReport {
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
        var metrics = MetricValues(SACAgent.metrics)
        metrics[.criticLoss] = criticLoss
        metrics[.actorLoss] = actorLoss
        metrics[.entropy] = entropy.elements.reduce(0, +) * inverseBatch
        metrics[.temperature] = alpha
        return UpdateReport(loss: criticLoss, metrics: metrics)
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

extension SACAgent {
    /// What each update reports.
    public static let metrics: [Metric] = [.actorLoss, .criticLoss, .entropy, .temperature]
}

extension Metric {
    public static let criticLoss = Metric("critic_loss", "sum of the two critics' mean squared errors")
    public static let actorLoss = Metric("actor_loss", "expected soft advantage loss of the actor")
    public static let temperature = Metric("temperature", "entropy temperature alpha used by the update")
}

// The off-policy loop's view of SAC: uniformly random actions until `learningStarts`, then actions
// sampled from the actor; updates every `trainFrequency` steps; one-step returns.
extension SACAgent {
    public var updateSchedule: UpdateSchedule {
        UpdateSchedule(learningStarts: configuration.learningStarts, trainFrequency: configuration.trainFrequency,
                       gradientSteps: configuration.gradientSteps)
    }

    public var returnSteps: (n: Int, gamma: Float) { (1, configuration.gamma) }

    public func behaviourPolicy(atStep step: Int, of totalSteps: Int) -> Policy {
        step < configuration.learningStarts ? warmupPolicy : samplingPolicy
    }
}
