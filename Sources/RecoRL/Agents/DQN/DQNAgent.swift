import Foundation
import RecoEnvironments
import RecoNetworks
import RecoTensor

/// Deep Q-Network agent (Mnih et al., 2015, "Human-level control through deep reinforcement
/// learning") with the usual switches: Double DQN (van Hasselt et al., 2016), a dueling head (Wang et
/// al., 2016), n-step returns (Sutton, 1988) and prioritized replay (Schaul et al., 2016).
///
/// Shapes: `B` = batch size, `A` = number of actions, `D` = observation dimension, `N` = environment
/// copies acted for at once. The online network maps `N x D` or `B x D` observations to `x A` values.
/// One update: sample `B` transitions; `Q_target(s')` (and `Q_online(s')` for Double DQN) give the
/// Bellman targets `y` (`B`); `Q_online(s)` gathered at the actions taken gives predictions (`B`); the
/// loss gradient (`B`) is scattered into a `B x A` gradient that is zero elsewhere; backward; clip;
/// Adam. All buffers are allocated once, so an update allocates nothing.
public final class DQNAgent {
    public let configuration: DQNConfiguration
    public let observationDimension: Int
    public let actionCount: Int
    /// The network being trained.
    public let online: SequentialNetwork
    /// The slowly updated copy that gives the bootstrap values.
    public let target: SequentialNetwork
    public let optimizer: Adam
    public let replay: Replay
    /// Gradient steps taken.
    public private(set) var gradientStepCount = 0

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

    /// A fresh agent whose networks act on batches of up to `maxActingBatch` observations.
    public convenience init(configuration: DQNConfiguration, observationDimension: Int, actionCount: Int, environments: Int,
                maxActingBatch: Int, generator: inout RandomGenerator) throws {
        try configuration.validate()
        let specs = DQNAgent.networkSpecs(configuration, observationDimension: observationDimension, actionCount: actionCount)
        let maxBatch = max(configuration.batchSize, maxActingBatch)
        let online = try SequentialNetwork(specs, maxBatch: maxBatch, generator: &generator)
        let target = try SequentialNetwork(specs, maxBatch: maxBatch, generator: &generator)
        target.copyParameters(from: online)
        try self.init(configuration: configuration, online: online, target: target,
                      optimizer: Adam(learningRate: configuration.learningRate, parameterCount: online.parameterCount),
                      environments: environments)
    }

    /// An agent around existing networks and optimiser (for example from a checkpoint).
    init(configuration: DQNConfiguration, online: SequentialNetwork, target: SequentialNetwork, optimizer: Adam,
         environments: Int, gradientSteps: Int = 0) throws {
        try configuration.validate()
        self.configuration = configuration
        self.online = online
        self.target = target
        self.optimizer = optimizer
        observationDimension = online.inputWidth
        actionCount = online.outputWidth
        gradientStepCount = gradientSteps
        let capacity = configuration.bufferCapacity
        if configuration.prioritized {
            replay = try PrioritizedReplayBuffer(capacity: capacity, observationDimension: observationDimension,
                                             environments: environments, nSteps: configuration.nSteps,
                                             gamma: configuration.gamma, alpha: configuration.priorityExponent,
                                             beta: configuration.importanceExponentStart)
        } else {
            replay = try ReplayBuffer(capacity: capacity, observationDimension: observationDimension,
                                  environments: environments, nSteps: configuration.nSteps, gamma: configuration.gamma)
        }
        let b = configuration.batchSize
        batch = ReplayBatch(size: b, observationDimension: observationDimension)
        targets = Matrix(rows: b, columns: 1)
        predictions = Matrix(rows: b, columns: 1)
        predictionGradient = Matrix(rows: b, columns: 1)
        outputGradient = Matrix(rows: b, columns: actionCount)
        selectedActions = OwnedBuffer(repeating: 0, count: b)
        bootstrapValues = OwnedBuffer(repeating: 0, count: b)
        tdErrors = OwnedBuffer(repeating: 0, count: b)
        scatteredActions = OwnedBuffer(repeating: 0, count: b)
    }

    /// The Q network's layers: relu MLP, then a linear or dueling head with `A` outputs.
    static func networkSpecs(_ configuration: DQNConfiguration, observationDimension: Int, actionCount: Int) -> [LayerSpec] {
        var specs = SequentialNetwork.mlp(inputs: observationDimension, hidden: configuration.hiddenLayers, outputs: actionCount)
        if configuration.dueling {
            specs.removeLast()
            specs.append(.dueling(inputs: configuration.hiddenLayers.last ?? observationDimension, actions: actionCount,
                                  initialization: .kaimingUniform))
        }
        return specs
    }

    /// Q values of `observations` (`N x D`) as a view into the online network's workspace.
    public func values(_ observations: MatrixView) -> MatrixView { online.forward(observations) }

    /// The greedy action (highest Q value, lowest index on ties) of each of `N` observations.
    public func greedyActions(_ observations: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>) {
        precondition(actions.count == observations.rows, "\(actions.count) action slots for \(observations.rows) observations")
        Kernels.rowArgmax(online.forward(observations), into: actions.baseAddress!)
    }

    /// Epsilon-greedy actions for `N` observations at once: the greedy action of each row, replaced by
    /// a uniform random action with probability `epsilon`.
    public func act(_ observations: MatrixView, epsilon: Float, into actions: UnsafeMutableBufferPointer<Int32>,
                    using generator: inout RandomGenerator) {
        greedyActions(observations, into: actions)
        for i in 0..<actions.count where generator.uniform() < epsilon {
            actions[i] = Int32(generator.index(below: actionCount))
        }
    }

    /// What one update measured.
    public struct UpdateStatistics: Equatable, Sendable {
        /// The regression loss on the TD errors.
        public var loss: Float
        /// Mean predicted Q value of the actions taken.
        public var meanQ: Float
    }

    /// One gradient step on a batch sampled from replay (needs `replay.count >= 1`).
    @discardableResult
    public func update(using generator: inout RandomGenerator) -> UpdateStatistics {
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
        return UpdateStatistics(loss: loss, meanQ: total / Float(b))
    }

    /// Sets the importance-sampling exponent of prioritized replay (no effect for uniform replay).
    func setImportanceExponent(_ beta: Float) {
        (replay as? PrioritizedReplayBuffer)?.beta = beta
    }
}
