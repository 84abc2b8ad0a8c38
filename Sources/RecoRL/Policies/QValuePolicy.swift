import RecoEnvironments
import RecoNetworks
import RecoTensor

/// The greedy policy of a Q network: the action of highest Q value (lowest index on ties), with the Q
/// values as its scores. It reads the network's parameters as they are (a policy taken before
/// training sees every update) through replicas of its own. Observations are checked before the
/// network sees them: an id column holding no valid id throws `NetworkError.invalidInput`.
///
/// Shapes: observations `B x D`, Q values `B x A`.
public final class QValuePolicy: Policy, @unchecked Sendable {
    public let observationWidth: Int
    public let actionCount: Int
    public var scoreKind: ActionScoreKind? { .qValue }
    private let pool: ReplicaPool<SequentialNetwork>
    /// The network acted for, which checks observations (`SequentialNetwork.checkInput`).
    private let network: SequentialNetwork

    /// The greedy policy of `network` (`D` inputs, `A` outputs).
    public init(network: SequentialNetwork) {
        observationWidth = network.inputWidth
        actionCount = network.outputWidth
        self.network = network
        let rows = ReplicaPool<SequentialNetwork>.chunkRows(widestOutput: network.outputWidth)
        pool = ReplicaPool(chunkRows: rows) { try network.replica(maxBatch: rows) }
    }

    public func act(_ observations: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>,
                    logProbabilities: UnsafeMutableBufferPointer<Float>?, using generator: inout RandomGenerator) throws {
        try checkBatch(observations, actions: actions.count, logProbabilities: logProbabilities?.count)
        try network.checkInput(observations)
        guard let base = actions.baseAddress else { return }
        try pool.withReplica { replica in
            for start in chunks(of: observations.rows, size: pool.chunkRows) {
                let rows = start..<min(observations.rows, start + pool.chunkRows)
                Kernels.rowArgmax(replica.forward(observations.rows(rows)), into: base + start)
            }
        }
        logProbabilities?.update(repeating: 0)
    }

    public func scores(_ observations: MatrixView, into scores: MatrixView) throws {
        try checkScores(observations, scores)
        try network.checkInput(observations)
        try pool.withReplica { replica in
            for start in chunks(of: observations.rows, size: pool.chunkRows) {
                let rows = start..<min(observations.rows, start + pool.chunkRows)
                scores.rows(rows).copy(from: replica.forward(observations.rows(rows)))
            }
        }
    }
}
