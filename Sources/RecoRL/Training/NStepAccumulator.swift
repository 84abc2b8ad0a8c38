import Foundation
import RecoTensor

/// Turns each environment copy's stream of steps into n-step transitions (Sutton, 1988) as the steps
/// arrive.
///
/// Per copy it queues the last `n` (observation, action, reward) entries. Once `n` are queued the oldest
/// becomes the transition `(o_t, a_t, R = sum_{j<n} gamma^j r_{t+j}, o_{t+n}, done 0, discount gamma^n)`.
/// When an episode ends every queued entry is written with its shorter horizon `k` (the steps left to
/// the end): `done` is 1 if the episode terminated and 0 if it was truncated (a truncated transition
/// bootstraps from the final observation), the discount `gamma^k`. With `n = 1` these are the ordinary
/// one-step transitions.
public final class NStepAccumulator {
    /// Environment copies `N` whose streams it follows.
    public let copies: Int
    /// Steps `n` each transition covers (fewer at the end of an episode).
    public let nSteps: Int
    /// Width `D` of each observation.
    public let observationWidth: Int
    /// `gamma^0 ... gamma^n`.
    private let gammaPowers: [Float]
    /// `(copies * n) x D`: copy `c` queues its observations in rows `c * n ..< (c + 1) * n`, a ring.
    private let queuedObservations: Matrix
    // Owned buffers rather than arrays: no copy-on-write or exclusivity checks on the per-step path.
    private let queuedActionStorage: OwnedBuffer<Int32>
    private let queuedRewardStorage: OwnedBuffer<Float>
    /// Per copy, the ring position of its oldest queued entry and the number queued.
    private let headStorage: OwnedBuffer<Int>
    private let lengthStorage: OwnedBuffer<Int>
    private var queuedActions: UnsafeMutableBufferPointer<Int32> { queuedActionStorage.elements }
    private var queuedRewards: UnsafeMutableBufferPointer<Float> { queuedRewardStorage.elements }
    private var heads: UnsafeMutableBufferPointer<Int> { headStorage.elements }
    private var lengths: UnsafeMutableBufferPointer<Int> { lengthStorage.elements }

    /// Follows `copies` streams, forming `nSteps`-step returns discounted by `gamma`.
    public init(copies: Int, nSteps: Int, gamma: Float, observationWidth dimension: Int) {
        precondition(copies >= 1, "n-step returns need at least one environment copy, got \(copies)")
        precondition(nSteps >= 1, "n-step returns need n >= 1, got \(nSteps)")
        precondition(gamma >= 0 && gamma <= 1, "discount factor must lie in [0, 1], got \(gamma)")
        self.copies = copies
        self.nSteps = nSteps
        self.observationWidth = dimension
        gammaPowers = (0...nSteps).map { Float(pow(Double(gamma), Double($0))) }
        queuedObservations = Matrix(rows: copies * nSteps, columns: dimension)
        queuedActionStorage = OwnedBuffer(repeating: 0, count: copies * nSteps)
        queuedRewardStorage = OwnedBuffer(repeating: 0, count: copies * nSteps)
        headStorage = OwnedBuffer(repeating: 0, count: copies)
        lengthStorage = OwnedBuffer(repeating: 0, count: copies)
    }

    /// Queues one step of every copy and appends the transitions it completes to `batch`, copy by
    /// copy, oldest first (at most `copies * n`; `batch` needs that much room).
    public func add(observations: MatrixView, actions: UnsafeBufferPointer<Int32>, rewards: UnsafeBufferPointer<Float>,
             nextObservations: MatrixView, terminated: UnsafeBufferPointer<Bool>, truncated: UnsafeBufferPointer<Bool>,
             into batch: TransitionBatch) {
        precondition(observations.rows == copies && observations.columns == observationWidth,
                     "replay add: observations are \(observations.rows)x\(observations.columns), expected \(copies)x\(observationWidth)")
        precondition(nextObservations.rows == copies && nextObservations.columns == observationWidth,
                     "replay add: next observations are \(nextObservations.rows)x\(nextObservations.columns), expected \(copies)x\(observationWidth)")
        precondition(actions.count == copies && rewards.count == copies
                     && terminated.count == copies && truncated.count == copies,
                     "replay add: actions, rewards, terminated and truncated need \(copies) entries each")
        for copy in 0..<copies {
            let tail = copy * nSteps + (heads[copy] + lengths[copy]) % nSteps
            queuedObservations.view.rowPointer(tail).update(from: observations.rowPointer(copy), count: observationWidth)
            queuedActions[tail] = actions[copy]
            queuedRewards[tail] = rewards[copy]
            lengths[copy] += 1
            let next = UnsafePointer(nextObservations.rowPointer(copy))
            if terminated[copy] || truncated[copy] {
                while lengths[copy] > 0 {
                    writeOldest(of: copy, nextObservation: next, terminated: terminated[copy], into: batch)
                }
            } else if lengths[copy] == nSteps {
                writeOldest(of: copy, nextObservation: next, terminated: false, into: batch)
            }
        }
    }

    /// Writes the oldest queued entry of `copy` as a transition over all `k` entries queued, then drops it.
    private func writeOldest(of copy: Int, nextObservation: UnsafePointer<Float>, terminated: Bool,
                             into batch: TransitionBatch) {
        let k = lengths[copy], head = heads[copy], first = copy * nSteps
        var reward: Float = 0
        for j in 0..<k { reward += gammaPowers[j] * queuedRewards[first + (head + j) % nSteps] }
        batch.append(observation: queuedObservations.view.rowPointer(first + head), action: queuedActions[first + head],
                       reward: reward, nextObservation: nextObservation, terminated: terminated, discount: gammaPowers[k])
        heads[copy] = (head + 1) % nSteps
        lengths[copy] = k - 1
    }
}

// The queues, for resumable runs: a run restored mid-episode forms the same n-step transitions.
extension NStepAccumulator {
    /// Everything queued: per copy the ring head and length, and the queued entries.
    public struct State: Codable, Equatable {
        public var heads: [Int]
        public var lengths: [Int]
        public var observations: [Float]
        public var actions: [Int32]
        public var rewards: [Float]
    }

    /// The queues as they are now.
    public var state: State {
        State(heads: Array(heads), lengths: Array(lengths), observations: queuedObservations.toArray(),
              actions: Array(queuedActions), rewards: Array(queuedRewards))
    }

    /// Puts back queues saved from an accumulator of the same copies, n and width.
    public func restore(_ state: State) throws {
        let entries = copies * nSteps
        var fits = state.heads.count == copies && state.lengths.count == copies && state.actions.count == entries
            && state.rewards.count == entries && state.observations.count == entries * observationWidth
        for (head, length) in zip(state.heads, state.lengths) where !(0..<nSteps).contains(head) || !(0..<nSteps).contains(length) {
            fits = false
        }
        if !fits {
            throw TrainingError.invalidSetting(field: "collector state", value: "queues of \(state.heads.count) copies",
                                               expected: "the queues of \(copies) copies of \(nSteps)-step returns over \(observationWidth) values")
        }
        _ = heads.update(fromContentsOf: state.heads)
        _ = lengths.update(fromContentsOf: state.lengths)
        _ = queuedActions.update(fromContentsOf: state.actions)
        _ = queuedRewards.update(fromContentsOf: state.rewards)
        _ = queuedObservations.view.flat.update(fromContentsOf: state.observations)
    }
}
