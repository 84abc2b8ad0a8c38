import RecoEnvironments
import RecoNetworks
import RecoTensor

/// The networks of an actor-critic agent: a policy that gives `A` action logits per observation and a
/// critic that gives one state value, either as two separate MLPs or as one MLP whose last layer has
/// `A + 1` outputs (logits, then the value) so both heads share the hidden layers.
///
/// Initialisation follows the usual actor-critic recipe: orthogonal weights (through LAPACK's QR) with
/// gain sqrt(2) for hidden layers, 0.01 for the policy head (a near-uniform first policy) and 1 for the
/// value head; biases zero. Each network has its own Adam, and gradient clipping uses the norm over all
/// parameters together, so both layouts train alike.
///
/// Shapes: observations `B x D`; logits `B x A`; values `B x 1` (a strided column in the shared layout).
public final class ActorCriticNetworks {
    public let observationWidth: Int
    public let actionCount: Int
    /// The policy network, or the shared network with `A + 1` outputs.
    public let actor: SequentialNetwork
    /// The separate value network (nil when the heads share one network).
    public let critic: SequentialNetwork?
    public let actorOptimizer: Adam
    public let criticOptimizer: Adam?

    /// Whether policy and value share hidden layers.
    public var isShared: Bool { critic == nil }

    /// Fresh networks with `hidden` layer widths and `activation` between them, for batches of up to
    /// `maxBatch` rows, trained by Adam with `learningRate` and `adamEpsilon`. Id columns
    /// (`observationIds`) get learned vectors of `itemEmbeddingWidth` when it is positive, read by
    /// `encoder` (`ObservationInput`), in each network.
    public convenience init(observationWidth: Int, observationIds: ObservationIds? = nil, itemEmbeddingWidth: Int = 0,
                            encoder: ObservationEncoder = .mlp, encoderWidth: Int = 0, actionCount: Int, hidden: [Int], activation: LayerSpec,
                            shared: Bool, learningRate: Float, adamEpsilon: Float, maxBatch: Int,
                            generator: inout RandomGenerator) throws {
        let specs = ActorCriticNetworks.specs(observationWidth: observationWidth, observationIds: observationIds,
                                              itemEmbeddingWidth: itemEmbeddingWidth, encoder: encoder, encoderWidth: encoderWidth,
                                              actionCount: actionCount, hidden: hidden,
                                              activation: activation, shared: shared)
        let actor = try SequentialNetwork(specs.actor, maxBatch: maxBatch, generator: &generator)
        let critic = try specs.critic.map { try SequentialNetwork($0, maxBatch: maxBatch, generator: &generator) }
        func adam(_ network: SequentialNetwork) -> Adam {
            Adam(learningRate: learningRate, epsilon: adamEpsilon, parameterCount: network.parameterCount)
        }
        try self.init(actor: actor, critic: critic, actorOptimizer: adam(actor), criticOptimizer: critic.map(adam))
    }

    /// The layers of the actor (with `A + 1` outputs when `shared`) and of the separate critic.
    static func specs(observationWidth: Int, observationIds: ObservationIds?, itemEmbeddingWidth: Int,
                      encoder: ObservationEncoder = .mlp, encoderWidth: Int = 0, actionCount: Int,
                      hidden: [Int], activation: LayerSpec, shared: Bool) -> (actor: [LayerSpec], critic: [LayerSpec]?) {
        let hiddenInit = WeightInitialization.orthogonal(gain: Float(2).squareRoot())
        let actorHead: WeightInitialization = shared
            ? .orthogonalSplit(firstRows: actionCount, firstGain: 0.01, restGain: 1) : .orthogonal(gain: 0.01)
        func network(outputs: Int, head: WeightInitialization) -> [LayerSpec] {
            ObservationInput.network(observationWidth: observationWidth, ids: observationIds, itemEmbeddingWidth: itemEmbeddingWidth,
                                     encoder: encoder, encoderWidth: encoderWidth) {
                SequentialNetwork.mlp(inputs: $0, hidden: hidden, outputs: outputs, activation: activation,
                                      hiddenInitialization: hiddenInit, outputInitialization: head)
            }
        }
        let actor = network(outputs: shared ? actionCount + 1 : actionCount, head: actorHead)
        let critic = shared ? nil : network(outputs: 1, head: .orthogonal(gain: 1))
        return (actor, critic)
    }

    /// Networks around existing parts (for example from a checkpoint); checks that they fit together.
    init(actor: SequentialNetwork, critic: SequentialNetwork?, actorOptimizer: Adam, criticOptimizer: Adam?) throws {
        if let critic {
            guard critic.outputWidth == 1, critic.inputWidth == actor.inputWidth, criticOptimizer != nil else {
                throw NetworkError.invalidArchitecture(
                    "a critic maps the actor's \(actor.inputWidth) inputs to 1 value and has an optimizer; got \(critic.inputWidth) -> \(critic.outputWidth)")
            }
        } else if actor.outputWidth < 2 {
            throw NetworkError.invalidArchitecture("a shared actor-critic network needs at least 2 outputs, got \(actor.outputWidth)")
        }
        self.actor = actor
        self.critic = critic
        self.actorOptimizer = actorOptimizer
        self.criticOptimizer = criticOptimizer
        observationWidth = actor.inputWidth
        actionCount = critic == nil ? actor.outputWidth - 1 : actor.outputWidth
    }

    /// Largest batch the networks accept.
    public var maxBatch: Int { min(actor.maxBatch, critic?.maxBatch ?? actor.maxBatch) }

    /// Logits (`B x A`) and values (`B x 1`) of `observations`, as views valid until the next forward pass.
    public func forward(_ observations: MatrixView) -> (logits: MatrixView, values: MatrixView) {
        let output = actor.forward(observations)
        guard let critic else { return (output.columns(0..<actionCount), output.columns(actionCount..<(actionCount + 1))) }
        return (output, critic.forward(observations))
    }

    /// Where to put the loss gradients with respect to the last forward pass's logits (`B x A`) and
    /// values (`B x 1`) before calling `backward`.
    public func gradientWorkspaces(rows: Int) -> (logits: MatrixView, values: MatrixView) {
        let output = actor.outputGradientWorkspace(rows: rows)
        guard let critic else { return (output.columns(0..<actionCount), output.columns(actionCount..<(actionCount + 1))) }
        return (output, critic.outputGradientWorkspace(rows: rows))
    }

    /// Back-propagates the gradients written into `gradientWorkspaces` and clips the gradient of all
    /// parameters together to `maxGradientNorm` (when given). Returns the norm before clipping.
    @discardableResult
    public func backward(rows: Int, maxGradientNorm: Float?) -> Float {
        let workspaces = gradientWorkspaces(rows: rows)
        if let critic {
            actor.backward(outputGradient: workspaces.logits)
            critic.backward(outputGradient: workspaces.values)
        } else {
            actor.backward(outputGradient: actor.outputGradientWorkspace(rows: rows))
        }
        let stores = [actor.parameters] + (critic.map { [$0.parameters] } ?? [])
        let norm = stores.map { $0.gradientNorm() }.reduce(0) { ($0 * $0 + $1 * $1).squareRoot() }
        if let maxGradientNorm, norm > maxGradientNorm {
            let factor = maxGradientNorm / (norm + 1e-6)
            for store in stores { BLAS.scal(count: store.count, alpha: factor, store.gradients.baseAddress!) }
        }
        return norm
    }

    /// One Adam step of every network from the gradients `backward` left.
    public func step() {
        actorOptimizer.step(actor.parameters)
        if let critic, let criticOptimizer { criticOptimizer.step(critic.parameters) }
    }

    /// Step size of both optimisers (for learning-rate schedules).
    public var learningRate: Float {
        get { actorOptimizer.learningRate }
        set {
            actorOptimizer.learningRate = newValue
            criticOptimizer?.learningRate = newValue
        }
    }

    /// The networks and optimisers as checkpoint items (`actor`, and `critic` when separate).
    var checkpointItems: [Checkpoint.Item] {
        [Checkpoint.Item(name: "actor", network: actor, optimizer: actorOptimizer)]
            + (critic.map { [Checkpoint.Item(name: "critic", network: $0, optimizer: criticOptimizer)] } ?? [])
    }

    /// Rebuilds the networks saved as `checkpointItems`, with the workspaces they were saved with.
    static func load(from checkpoint: Checkpoint, path: String) throws -> ActorCriticNetworks {
        guard let actor = checkpoint.item(named: "actor"), let actorAdam = actor.optimizer as? Adam else {
            throw CheckpointError.mismatch(path: path, detail: "an actor-critic checkpoint holds a network actor with Adam")
        }
        let critic = checkpoint.item(named: "critic")
        if let critic, !(critic.optimizer is Adam) {
            throw CheckpointError.mismatch(path: path, detail: "the critic network of an actor-critic checkpoint is trained by Adam")
        }
        do {
            return try ActorCriticNetworks(actor: actor.network, critic: critic?.network,
                                           actorOptimizer: actorAdam, criticOptimizer: critic?.optimizer as? Adam)
        } catch let error as NetworkError {
            throw CheckpointError.mismatch(path: path, detail: "\(error)")
        }
    }
}
