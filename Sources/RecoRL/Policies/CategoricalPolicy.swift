import RecoEnvironments
import RecoNetworks
import RecoTensor

/// A policy that can also estimate state values: what on-policy collection needs from the policy it
/// samples with (log-probabilities of the actions for the ratio, the critic's values for advantages).
public protocol ActorCriticPolicy: Policy {
    /// `act`, also writing the critic's value of each observation into `values`.
    func act(_ observations: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>,
             logProbabilities: UnsafeMutableBufferPointer<Float>, values: UnsafeMutableBufferPointer<Float>,
             using generator: inout RandomGenerator) throws
    /// The critic's value of each observation.
    func values(_ observations: MatrixView, into values: UnsafeMutableBufferPointer<Float>) throws
}

/// The categorical policy of an actor network: logits over `A` actions, `pi = softmax(logits)`.
/// Greedy mode takes the most probable action (lowest index on ties); sampling mode draws from `pi`
/// (one uniform per row from the caller's generator, inverse CDF). Scores are the probabilities.
///
/// With a critic (a separate value network, or a shared network whose output `A` is the value) it
/// also gives state values, for on-policy collection. Like every policy it acts through replicas of
/// its own, reading the networks' parameters as they are.
///
/// Observations are checked before the networks see them: an id column holding no valid id throws
/// `NetworkError.invalidInput`.
///
/// Shapes: observations `B x D`; logits and probabilities `B x A`; values `B`.
public final class CategoricalPolicy: ActorCriticPolicy, @unchecked Sendable {
    /// How actions are picked from the probabilities.
    public enum Mode: Sendable {
        case greedy
        case sampling
    }

    public let mode: Mode
    public let observationWidth: Int
    public let actionCount: Int
    public var scoreKind: ActionScoreKind? { .probability }
    /// Whether `values` is available.
    public let hasCritic: Bool
    private let pool: ReplicaPool<Replica>
    /// The actor, which checks observations (`SequentialNetwork.checkInput`; a critic reads the same ones).
    private let inputNetwork: SequentialNetwork

    /// Networks and buffers for one caller at a time.
    private final class Replica {
        let actor: SequentialNetwork
        let critic: SequentialNetwork?
        let uniforms, logSumExp, entropy: OwnedBuffer<Float>

        init(actor: SequentialNetwork, critic: SequentialNetwork?, rows: Int) throws {
            self.actor = try actor.replica(maxBatch: rows)
            self.critic = try critic?.replica(maxBatch: rows)
            uniforms = OwnedBuffer(repeating: 0, count: rows)
            logSumExp = OwnedBuffer(repeating: 0, count: rows)
            entropy = OwnedBuffer(repeating: 0, count: rows)
        }
    }

    /// The policy of `actor` (whose first `actionCount` outputs are logits), with `critic` giving
    /// values when separate; when `sharedValue` is true the actor's output `actionCount` is the value.
    public init(actor: SequentialNetwork, critic: SequentialNetwork? = nil, actionCount: Int, sharedValue: Bool = false,
                mode: Mode) {
        self.mode = mode
        observationWidth = actor.inputWidth
        self.actionCount = actionCount
        hasCritic = critic != nil || sharedValue
        inputNetwork = actor
        let rows = ReplicaPool<Replica>.chunkRows(widestOutput: actor.outputWidth)
        pool = ReplicaPool(chunkRows: rows) { try Replica(actor: actor, critic: critic, rows: rows) }
    }

    /// The policy of actor-critic networks (shared or separate).
    public convenience init(_ networks: ActorCriticNetworks, mode: Mode) {
        self.init(actor: networks.actor, critic: networks.critic, actionCount: networks.actionCount,
                  sharedValue: networks.isShared, mode: mode)
    }

    public func act(_ observations: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>,
                    logProbabilities: UnsafeMutableBufferPointer<Float>?, using generator: inout RandomGenerator) throws {
        try checkBatch(observations, actions: actions.count, logProbabilities: logProbabilities?.count)
        try inputNetwork.checkInput(observations)
        try run(observations, actions: actions, logProbabilities: logProbabilities, values: nil, using: &generator)
    }

    public func act(_ observations: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>,
                    logProbabilities: UnsafeMutableBufferPointer<Float>, values: UnsafeMutableBufferPointer<Float>,
                    using generator: inout RandomGenerator) throws {
        try checkBatch(observations, actions: actions.count, logProbabilities: logProbabilities.count)
        try inputNetwork.checkInput(observations)
        try checkValues(observations, values)
        try run(observations, actions: actions, logProbabilities: logProbabilities, values: values, using: &generator)
    }

    public func values(_ observations: MatrixView, into values: UnsafeMutableBufferPointer<Float>) throws {
        try checkValues(observations, values)
        try inputNetwork.checkInput(observations)
        try pool.withReplica { replica in
            for start in chunks(of: observations.rows, size: pool.chunkRows) {
                let rows = start..<min(observations.rows, start + pool.chunkRows)
                let v = valueColumn(replica, forwarding: observations.rows(rows))
                for i in rows { values[i] = v[i - start, 0] }
            }
        }
    }

    public func scores(_ observations: MatrixView, into scores: MatrixView) throws {
        try checkScores(observations, scores)
        try inputNetwork.checkInput(observations)
        try pool.withReplica { replica in
            for start in chunks(of: observations.rows, size: pool.chunkRows) {
                let rows = start..<min(observations.rows, start + pool.chunkRows)
                let logits = replica.actor.forward(observations.rows(rows)).columns(0..<actionCount)
                Kernels.softmax(logits, into: scores.rows(rows))
            }
        }
    }

    /// Sampling mode: `pi` itself (the scores); greedy mode: one-hot rows of the most probable action.
    public func actionProbabilities(_ observations: MatrixView, into probabilities: MatrixView) throws {
        switch mode {
        case .sampling: try scores(observations, into: probabilities)
        case .greedy: try deterministicActionProbabilities(observations, into: probabilities)
        }
    }

    /// Forward pass, action choice, log-probabilities and values, chunk by chunk.
    private func run(_ observations: MatrixView, actions: UnsafeMutableBufferPointer<Int32>,
                     logProbabilities: UnsafeMutableBufferPointer<Float>?, values: UnsafeMutableBufferPointer<Float>?,
                     using generator: inout RandomGenerator) throws {
        guard let actionBase = actions.baseAddress else { return }
        try pool.withReplica { replica in
            for start in chunks(of: observations.rows, size: pool.chunkRows) {
                let rows = start..<min(observations.rows, start + pool.chunkRows)
                let chunk = observations.rows(rows)
                let output = replica.actor.forward(chunk)
                let logits = output.columns(0..<actionCount)
                switch mode {
                case .greedy:
                    Kernels.rowArgmax(logits, into: actionBase + start)
                case .sampling:
                    for i in 0..<rows.count { replica.uniforms.elements[i] = generator.uniform() }
                    Kernels.sampleCategorical(logits: logits, uniforms: replica.uniforms.elements.baseAddress!,
                                              into: actionBase + start)
                }
                if let logProbabilities, mode == .greedy {
                    // The greedy choice is certain: its propensity is 1, whatever pi gives it.
                    (logProbabilities.baseAddress! + start).update(repeating: 0, count: rows.count)
                } else if let logProbabilities {
                    Kernels.categoricalStatistics(logits: logits, actions: actionBase + start,
                                                  logSumExp: replica.logSumExp.elements.baseAddress!,
                                                  entropy: replica.entropy.elements.baseAddress!,
                                                  actionLogProbabilities: logProbabilities.baseAddress! + start)
                }
                if let values {
                    let v = replica.critic.map { $0.forward(chunk) } ?? output.columns(actionCount..<(actionCount + 1))
                    for i in rows { values[i] = v[i - start, 0] }
                }
            }
        }
    }

    /// The critic's values of `observations` (`B x 1`), from the separate critic or the shared output.
    private func valueColumn(_ replica: Replica, forwarding observations: MatrixView) -> MatrixView {
        if let critic = replica.critic { return critic.forward(observations) }
        return replica.actor.forward(observations).columns(actionCount..<(actionCount + 1))
    }

    private func checkValues(_ observations: MatrixView, _ values: UnsafeMutableBufferPointer<Float>) throws {
        guard hasCritic else {
            throw PolicyError.shapeMismatch(field: "values", value: "requested", expected: "a policy with a critic")
        }
        guard values.count == observations.rows else {
            throw PolicyError.shapeMismatch(field: "values", value: "\(values.count) entries",
                                            expected: "\(observations.rows), one per observation")
        }
        guard observations.columns == observationWidth else {
            throw PolicyError.shapeMismatch(field: "observations", value: "\(observations.columns) columns",
                                            expected: "\(observationWidth) (the policy's observation width)")
        }
    }
}
