import RecoEnvironments
import RecoNetworks
import RecoTensor

/// A neural-network policy trained off-policy on a logged bandit (RecoGym's `NnIpsAgent`, made to
/// learn): an MLP from the features to a softmax over the `A` actions, fitted with Adam to maximise the
/// clipped-IPS estimate of its reward, `(1/n) sum_i r_i min(pi(a_i|x_i) / p_i, M)` (`ClippedIPSLoss`).
/// RecoGym's own version cannot learn (its clipping makes the loss constant, MODEL.md section 11); this
/// one has the gradient of the clipped estimator. A batch model: fitted once to a (uniform) log.
///
/// Features (`NeuralIPSConfiguration.features`): the view counts, columns `0..<P` of RecoGym's
/// `viewHistory` layout as RecoGym's NN-IPS reads them (the model then needs that layout), or the whole
/// context of any width. `fit` initialises a fresh network from its generator and shuffles the log
/// into minibatches with it, so a fit is reproducible from the generator's state.
///
/// Scores: the policy's probabilities (`A`); `act` is its argmax (greedy, log-propensity 0).
public final class NeuralIPSModel: BanditModel, @unchecked Sendable {
    public static let algorithm = "nn-ips"
    public static let scoreKind: ActionScoreKind? = .probability
    public let configuration: NeuralIPSConfiguration
    public let observationWidth: Int
    public let actionCount: Int
    public private(set) var interactionsSeen = 0
    /// Columns of the context the network reads.
    public let inputWidth: Int
    private let specs: [LayerSpec]
    /// The trained network (replaced by a fresh one at every `fit`).
    public private(set) var network: SequentialNetwork
    /// The last fit's mean loss over its final epoch (0 before any fit).
    public private(set) var lastLoss: Float = 0

    /// Throws `ConfigurationError` for an invalid configuration, a context that is not RecoGym's
    /// `viewHistory` layout when the features are the view counts, or a network too large for memory.
    public init(configuration: NeuralIPSConfiguration, observationWidth: Int, actionCount: Int) throws {
        try configuration.validate()
        if configuration.features == .viewCounts {
            _ = try ViewHistoryLayout(algorithm: Self.algorithm + " (features viewCounts)", observationWidth: observationWidth,
                                      actionCount: actionCount)
        }
        try configuration.validateMemory(copies: 1, observationWidth: observationWidth, actions: actionCount)
        self.configuration = configuration
        self.observationWidth = observationWidth
        self.actionCount = actionCount
        inputWidth = configuration.features == .viewCounts ? actionCount : observationWidth
        specs = SequentialNetwork.mlp(inputs: inputWidth, hidden: configuration.hiddenLayers, outputs: actionCount,
                                      activation: configuration.activation.layer)
        var generator = RandomGenerator(seed: 0)
        network = try SequentialNetwork(specs, maxBatch: configuration.batchSize, generator: &generator)
    }

    /// A fresh network from `generator`, then `epochs` passes over `log` in shuffled minibatches of
    /// `batchSize`, one Adam step each.
    public func fit(_ log: [LoggedInteraction], using generator: inout RandomGenerator) throws {
        try checkLog(log)
        let n = log.count, width = inputWidth
        let batchSize = min(configuration.batchSize, max(1, n))
        network = try SequentialNetwork(specs, maxBatch: batchSize, generator: &generator)
        interactionsSeen = n
        lastLoss = 0
        guard n > 0 else { return }
        let adam = Adam(learningRate: configuration.learningRate, parameterCount: network.parameterCount)
        let loss = ClippedIPSLoss(clip: configuration.clip, maxRows: batchSize)
        let inputs = Matrix(rows: batchSize, columns: width)
        var actions = [Int32](repeating: 0, count: batchSize)
        var propensities = [Float](repeating: 1, count: batchSize)
        var rewards = [Float](repeating: 0, count: batchSize)
        var order = Array(0..<n)
        for _ in 0..<configuration.epochs {
            generator.shuffle(&order)
            var epochLoss: Double = 0
            var start = 0
            while start < n {
                let rows = min(batchSize, n - start)
                for k in 0..<rows {
                    let interaction = log[order[start + k]]
                    interaction.context.withUnsafeBufferPointer {
                        inputs.view.rowPointer(k).update(from: $0.baseAddress!, count: width)
                    }
                    actions[k] = Int32(interaction.action)
                    propensities[k] = interaction.propensity
                    rewards[k] = interaction.reward
                }
                let batch = inputs.view.rows(0..<rows)
                let logits = network.forward(batch)
                let gradient = network.outputGradientWorkspace(rows: rows)
                let value = loss.evaluate(logits: logits, actions: actions, propensities: propensities, rewards: rewards,
                                          gradient: gradient).loss
                network.backward(outputGradient: gradient)
                adam.step(network.parameters)
                epochLoss += Double(value) * Double(rows)
                start += rows
            }
            lastLoss = Float(epochLoss / Double(n))
        }
    }

    /// The policy's probabilities: the softmax of the network's logits.
    public func scores(_ contexts: MatrixView, into scores: MatrixView) {
        guard contexts.rows > 0 else { return }
        let replica: SequentialNetwork
        do {
            replica = try network.replica(maxBatch: contexts.rows)
        } catch {
            preconditionFailure("nn-ips: a replica of a built network cannot fail: \(error)")
        }
        let logits = replica.forward(contexts.columns(0..<inputWidth))
        Kernels.softmax(logits, into: scores)
    }

    /// The network's tensors, under their layer names.
    public func parameters() -> ParameterStore {
        let source = network.parameters
        let store = ParameterStore(shapes: source.tensors.map { ParameterShape(name: $0.name, shape: $0.shape) })
        for (target, tensor) in zip(store.tensors, source.tensors) {
            for i in 0..<tensor.count { store.values[target.offset + i] = source.values[tensor.offset + i] }
        }
        return store
    }

    public func restore(_ parameters: ParameterStore, interactionsSeen: Int, path: String) throws {
        let target = network.parameters
        let expected = target.tensors.map { "\($0.name) \($0.shape)" }.joined(separator: ", ")
        guard parameters.tensors.count == target.tensors.count else {
            throw CheckpointError.mismatch(path: path, detail: "an nn-ips checkpoint for this configuration holds \(expected)")
        }
        for tensor in target.tensors {
            guard let stored = parameters.tensor(named: tensor.name), stored.shape == tensor.shape else {
                throw CheckpointError.mismatch(path: path, detail: "an nn-ips checkpoint for this configuration holds \(expected)")
            }
            for i in 0..<tensor.count { target.values[tensor.offset + i] = parameters.values[stored.offset + i] }
        }
        self.interactionsSeen = interactionsSeen
    }
}
