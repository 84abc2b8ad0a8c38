import Foundation
import RecoEnvironments
import RecoNetworks
import RecoTensor

/// Deep Q-Network agent (Mnih et al., 2015, "Human-level control through deep reinforcement
/// learning") with the usual switches: Double DQN (van Hasselt et al., 2016), a dueling head (Wang et
/// al., 2016), n-step returns (Sutton, 1988) and prioritized replay (Schaul et al., 2016).
///
/// Shapes: `B` = batch size, `A` = number of actions, `D` = observation width. The online network maps
/// `B x D` observations to `B x A` values.
/// One update: sample `B` transitions; `Q_target(s')` (and `Q_online(s')` for Double DQN) give the
/// Bellman targets `y` (`B`); `Q_online(s)` gathered at the actions taken gives predictions (`B`); the
/// loss gradient (`B`) is scattered into a `B x A` gradient that is zero elsewhere; backward; clip;
/// Adam. All buffers are allocated once, so an update allocates nothing.
public final class DQNAgent: OffPolicyLearner, RegisteredAgent {
    public let configuration: DQNConfiguration
    public var algorithm: String { "dqn" }
    public let observationWidth: Int
    public let actionCount: Int
    /// The network being trained.
    public let online: SequentialNetwork
    /// The slowly updated copy that gives the bootstrap values.
    public let target: SequentialNetwork
    public let optimizer: Adam
    public let replay: Replay
    /// Gradient steps taken.
    public private(set) var gradientStepCount = 0
    /// The greedy policy of the online network (Q values as scores).
    public let greedyPolicy: Policy
    /// Epsilon-greedy around `greedyPolicy`; its epsilon follows the exploration schedule in training.
    public let epsilonGreedyPolicy: EpsilonGreedyPolicy
    public var explorationPolicy: Policy { epsilonGreedyPolicy }

    private let batch: ReplayBatch
    private let targets: Matrix
    private let predictions: Matrix
    private let predictionGradient: Matrix
    private let outputGradient: Matrix
    private let selectedActions: OwnedBuffer<Int32>
    private let bootstrapValues: OwnedBuffer<Float>
    private let tdErrors: OwnedBuffer<Float>
    /// Columns of `outputGradient` written by the last update (cleared by the next one).
    private let scatteredActions: OwnedBuffer<Int32>

    /// A fresh agent for environments of `spaces`, its networks initialised from `generator`.
    public convenience init(configuration: DQNConfiguration = DQNConfiguration(), spaces: EnvironmentSpaces,
                            generator: inout RandomGenerator) throws {
        try configuration.validate()
        let specs = DQNAgent.networkSpecs(configuration, observationWidth: spaces.observationWidth,
                                          observationIds: spaces.observationIds, actionCount: spaces.actionCount)
        let online = try SequentialNetwork(specs, maxBatch: configuration.batchSize, generator: &generator)
        let target = try SequentialNetwork(specs, maxBatch: configuration.batchSize, generator: &generator)
        target.copyParameters(from: online)
        try self.init(configuration: configuration, online: online, target: target,
                      optimizer: Adam(learningRate: configuration.learningRate, parameterCount: online.parameterCount))
    }


    /// An agent around existing networks and optimiser (for example from a checkpoint).
    init(configuration: DQNConfiguration, online: SequentialNetwork, target: SequentialNetwork, optimizer: Adam,
         gradientSteps: Int = 0) throws {
        try configuration.validate()
        self.configuration = configuration
        self.online = online
        self.target = target
        self.optimizer = optimizer
        observationWidth = online.inputWidth
        actionCount = online.outputWidth
        gradientStepCount = gradientSteps
        let capacity = configuration.bufferCapacity
        if configuration.prioritized {
            replay = try PrioritizedReplayBuffer(capacity: capacity, observationWidth: observationWidth,
                                                 alpha: configuration.priorityExponent,
                                                 beta: configuration.importanceExponentStart)
        } else {
            replay = try ReplayBuffer(capacity: capacity, observationWidth: observationWidth)
        }
        greedyPolicy = QValuePolicy(network: online)
        epsilonGreedyPolicy = EpsilonGreedyPolicy(greedy: greedyPolicy, epsilon: configuration.exploration.start)
        let b = configuration.batchSize
        batch = ReplayBatch(size: b, observationWidth: observationWidth)
        targets = Matrix(rows: b, columns: 1)
        predictions = Matrix(rows: b, columns: 1)
        predictionGradient = Matrix(rows: b, columns: 1)
        outputGradient = Matrix(rows: b, columns: actionCount)
        selectedActions = OwnedBuffer(repeating: 0, count: b)
        bootstrapValues = OwnedBuffer(repeating: 0, count: b)
        tdErrors = OwnedBuffer(repeating: 0, count: b)
        scatteredActions = OwnedBuffer(repeating: 0, count: b)
    }

    /// The Q network's layers: the input layers (`ObservationInput`: an embedding of the id columns),
    /// a relu MLP, then a linear or dueling head with `A` outputs.
    static func networkSpecs(_ configuration: DQNConfiguration, observationWidth: Int, observationIds: ObservationIds?,
                             actionCount: Int) -> [LayerSpec] {
        configuration.inputNetwork(observationWidth: observationWidth, ids: observationIds) { inputs in
            var specs = SequentialNetwork.mlp(inputs: inputs, hidden: configuration.hiddenLayers, outputs: actionCount)
            if configuration.dueling {
                specs.removeLast()
                specs.append(.dueling(inputs: configuration.hiddenLayers.last ?? inputs, actions: actionCount,
                                      initialization: .kaimingUniform))
            }
            return specs
        }
    }

    /// One gradient step on a batch sampled from replay (needs `replay.count >= 1`): the regression
    /// loss on the TD errors, and the mean predicted Q value of the actions taken (`Metric.meanQ`).
    @discardableResult
    public func update(using generator: inout RandomGenerator) -> UpdateReport {
        replay.sample(into: batch, using: &generator)
        let b = batch.size
        let nextValues = target.forward(batch.nextObservations.view)
        let selection = configuration.double ? online.forward(batch.nextObservations.view) : nil
        BellmanTargets.compute(targetValues: nextValues, selectionValues: selection,
                               rewards: batch.rewards.baseAddress!, discounts: batch.discounts.baseAddress!,
                               dones: batch.dones.baseAddress!, selectedActions: selectedActions.elements.baseAddress!,
                               bootstrapValues: bootstrapValues.elements.baseAddress!, into: targets.view.base)
        let q = online.forward(batch.observations.view)
        Kernels.gatherColumns(q, columns: batch.actions.baseAddress!, into: predictions.view.base)
        let weights = configuration.prioritized ? UnsafePointer(batch.weights.baseAddress) : nil
        let loss: Float
        switch configuration.loss {
        case .huber:
            loss = RegressionLoss.huber(predictions: predictions.view, targets: targets.view, weights: weights,
                                        gradient: predictionGradient.view)
        case .mse:
            loss = RegressionLoss.meanSquaredError(predictions: predictions.view, targets: targets.view, weights: weights,
                                                   gradient: predictionGradient.view)
        }
        // The output gradient is zero except where the previous update scattered: clear those entries.
        Kernels.clearColumns(scatteredActions.elements.baseAddress!, in: outputGradient.view)
        Kernels.scatterColumns(predictionGradient.view.base, columns: batch.actions.baseAddress!, into: outputGradient.view)
        _ = scatteredActions.elements.update(fromContentsOf: batch.actions)
        online.backward(outputGradient: outputGradient.view)
        if let bound = configuration.maxGradientNorm { online.parameters.clipGradientNorm(maxNorm: bound) }
        optimizer.step(online.parameters)
        gradientStepCount += 1
        if gradientStepCount % configuration.targetUpdateInterval == 0 {
            if configuration.tau >= 1 {
                target.copyParameters(from: online)
            } else {
                target.polyakAverage(from: online, tau: configuration.tau)
            }
        }
        var total: Float = 0
        for i in 0..<b {
            tdErrors.elements[i] = predictions[i, 0] - targets[i, 0]
            total += predictions[i, 0]
        }
        // A diverged update (non-finite loss) leaves priorities alone; `train` reports it.
        if loss.isFinite { replay.updatePriorities(of: batch, tdErrors: UnsafeBufferPointer(tdErrors.elements)) }
        var metrics = MetricValues(DQNAgent.metrics)
        metrics[.meanQ] = total / Float(b)
        return UpdateReport(loss: loss, metrics: metrics)
    }
}

extension DQNAgent {
    /// What each update reports.
    public static let metrics: [Metric] = [.meanQ]
}

extension Metric {
    /// Mean predicted Q value of the actions taken in the batch.
    public static let meanQ = Metric("mean_q", "mean predicted Q value of the actions taken in the batch")
}

// The off-policy loop's view of DQN: epsilon-greedy collection on the exploration schedule, updates
// every `trainFrequency` steps, prioritized replay's beta annealed linearly to 1 over the run.
extension DQNAgent {
    public var updateSchedule: UpdateSchedule {
        UpdateSchedule(learningStarts: configuration.learningStarts, trainFrequency: configuration.trainFrequency,
                       gradientSteps: configuration.gradientSteps)
    }

    public var returnSteps: (n: Int, gamma: Float) { (configuration.nSteps, configuration.gamma) }

    public func behaviourPolicy(atStep step: Int, of totalSteps: Int) -> Policy {
        epsilonGreedyPolicy.epsilon = configuration.exploration.value(at: step, of: totalSteps)
        return epsilonGreedyPolicy
    }

    public func explorationRate(atStep step: Int, of totalSteps: Int) -> Float? {
        configuration.exploration.value(at: step, of: totalSteps)
    }

    /// The importance exponent's schedule: from `importanceExponentStart` to 1 over the run.
    public var importanceExponentSchedule: Schedule { .linear(start: configuration.importanceExponentStart, end: 1) }

    public func prepareUpdates(atStep step: Int, of totalSteps: Int) {
        replay.setImportanceExponent(importanceExponentSchedule.value(at: step, of: totalSteps))
    }
}
