import RecoTensor

/// On-policy storage for `T` vector steps of `N` environment copies (A2C, PPO), with generalized
/// advantage estimation.
///
/// Storage is time-major: row `t * N + i` holds copy `i` at step `t`, so a vector step is one contiguous
/// block of `N` rows and `all` hands the rollout to A2C in time order without a copy. For PPO, `shuffle`
/// gathers every column once per epoch into a second, permuted copy, whose minibatches are contiguous
/// slices. Everything (both copies: `2 x T*N x D` observations plus a few scalar columns) is allocated in
/// `init`; adding, computing advantages, shuffling and slicing allocate nothing.
///
/// One rollout: `reset()`, `T` calls to `add`, `computeAdvantages`, then `all` or `shuffle` and
/// `minibatch` for each epoch.
public final class RolloutBuffer {
    /// Vector steps per rollout `T`.
    public let steps: Int
    /// Environment copies `N` each step records.
    public let copies: Int
    /// Observation dimension `D`.
    public let observationWidth: Int
    /// Rows `T * N`.
    public var count: Int { steps * copies }
    /// Vector steps recorded since the last `reset`.
    public private(set) var filledSteps = 0
    /// Whether all `T` steps are recorded.
    public var isFull: Bool { filledSteps == steps }

    /// The rollout in time order.
    let storage: RolloutColumns
    /// The current epoch's permuted copy of `storage`.
    private let epoch: RolloutColumns
    /// The epoch's order: row `j` of `epoch` is row `order[j]` of `storage`.
    private let order: OwnedBuffer<Int>
    private let rewards: OwnedBuffer<Float>
    /// Whether the step ended the copy's episode (terminated or truncated).
    private let ended: OwnedBuffer<Bool>
    /// At an ended step, the value to bootstrap from: 0 after a termination, the final observation's
    /// value after a truncation.
    private let endValues: OwnedBuffer<Float>
    /// Whether `advantages` and `returns` belong to the steps stored.
    private var advantagesReady = false
    /// Whether `epoch` holds a shuffle of the current advantages.
    private var epochReady = false

    /// A buffer for `steps` vector steps of `copies` copies with `observationWidth`-wide
    /// observations (all at least 1).
    public init(steps: Int, copies: Int, observationWidth: Int) {
        precondition(steps >= 1 && copies >= 1 && observationWidth >= 1,
                     "rollout of \(steps) steps x \(copies) copies x \(observationWidth) needs positive sizes")
        let (rows, overflow) = steps.multipliedReportingOverflow(by: copies)
        precondition(!overflow, "rollout of \(steps) steps x \(copies) copies overflows")
        self.steps = steps
        self.copies = copies
        self.observationWidth = observationWidth
        storage = RolloutColumns(count: rows, dimension: observationWidth)
        epoch = RolloutColumns(count: rows, dimension: observationWidth)
        order = OwnedBuffer(count: rows) { $0 }
        rewards = OwnedBuffer(repeating: 0, count: rows)
        ended = OwnedBuffer(repeating: false, count: rows)
        endValues = OwnedBuffer(repeating: 0, count: rows)
    }

    /// Starts a new rollout: the next `add` records step 0.
    public func reset() {
        filledSteps = 0
        advantagesReady = false
        epochReady = false
    }

    /// Records one vector step of all `N` copies: the observations the policy saw (`N x D`), the actions
    /// it took, their log-probabilities under the acting policy, the critic's values of the observations,
    /// and the rewards and flags the step returned (each `N` long).
    ///
    /// `finalValues[i]` is the critic's value of copy `i`'s final observation. It is read only where
    /// `truncated[i]` and not `terminated[i]`: a truncated episode bootstraps from it, a terminated one
    /// from 0 (termination wins when both are set). Elsewhere it may hold anything.
    public func add(observations: MatrixView, actions: UnsafeBufferPointer<Int32>,
                    logProbabilities: UnsafeBufferPointer<Float>, values: UnsafeBufferPointer<Float>,
                    rewards: UnsafeBufferPointer<Float>, terminated: UnsafeBufferPointer<Bool>,
                    truncated: UnsafeBufferPointer<Bool>, finalValues: UnsafeBufferPointer<Float>) {
        precondition(!isFull, "rollout buffer is full (\(steps) steps): reset it before adding")
        let n = copies
        precondition(observations.rows == n && observations.columns == observationWidth,
                     "rollout step of \(observations.rows)x\(observations.columns) observations, expected \(n)x\(observationWidth)")
        precondition(actions.count == n && logProbabilities.count == n && values.count == n && rewards.count == n
                     && terminated.count == n && truncated.count == n && finalValues.count == n,
                     "rollout step needs \(n) actions, log-probabilities, values, rewards, flags and final values")
        let first = filledSteps * n
        storage.observations.rows(first..<first + n).copy(from: observations)
        let storedActions = storage.actions.elements, storedLogProbabilities = storage.logProbabilities.elements
        let storedValues = storage.values.elements, storedRewards = self.rewards.elements
        let storedEnded = ended.elements, storedEndValues = endValues.elements
        for i in 0..<n {
            let row = first + i
            storedActions[row] = actions[i]
            storedLogProbabilities[row] = logProbabilities[i]
            storedValues[row] = values[i]
            storedRewards[row] = rewards[i]
            storedEnded[row] = terminated[i] || truncated[i]
            storedEndValues[row] = truncated[i] && !terminated[i] ? finalValues[i] : 0
        }
        filledSteps += 1
        advantagesReady = false
        epochReady = false
    }

    /// Generalized advantage estimation (Schulman et al., 2016, "High-Dimensional Continuous Control
    /// Using Generalized Advantage Estimation") over the whole, full buffer, backwards in time and
    /// vectorised over copies.
    ///
    /// `delta_t = r_t + gamma * next_t - V_t`, where `next_t` is `V_{t+1}` of the same copy, or
    /// `lastValues[i]` at `t = T - 1`, or the final observation's value at a truncation, or 0 at a
    /// termination; `A_t = delta_t + gamma * lambda * (1 - ended_t) * A_{t+1}` (with `A_T = 0`), so no
    /// advantage crosses an episode boundary; `R_t = A_t + V_t`. `lastValues` (`N`) are the critic's values
    /// of the observations after the last step. `lambda = 1` gives discounted Monte-Carlo returns,
    /// `lambda = 0` one-step TD errors. May be called again (for example with another `lambda`).
    public func computeAdvantages(lastValues: UnsafeBufferPointer<Float>, gamma: Float, lambda: Float) {
        precondition(isFull, "computeAdvantages needs a full rollout (\(filledSteps) of \(steps) steps)")
        precondition(lastValues.count == copies, "\(lastValues.count) last values for \(copies) copies")
        let n = copies, decay = gamma * lambda
        let values = storage.values.elements, advantages = storage.advantages.elements
        let returns = storage.returns.elements, rewards = rewards.elements
        let ended = ended.elements, endValues = endValues.elements
        for t in stride(from: steps - 1, through: 0, by: -1) {
            let isLast = t == steps - 1
            for i in 0..<n {
                let row = t * n + i
                let nextValue = ended[row] ? endValues[row] : (isLast ? lastValues[i] : values[row + n])
                let nextAdvantage = ended[row] || isLast ? 0 : advantages[row + n]
                let delta = rewards[row] + gamma * nextValue - values[row]
                advantages[row] = delta + decay * nextAdvantage
                returns[row] = advantages[row] + values[row]
            }
        }
        advantagesReady = true
        epochReady = false
    }

    /// `1 - Var(returns - values) / Var(returns)` over the buffer (after `computeAdvantages`): 1 when the
    /// critic predicted every return, 0 when it did no better than a constant, negative when worse.
    ///
    /// When `Var(returns)` is 0 (every return equal) the ratio is undefined; this returns 0 then, so
    /// logged metrics stay finite, rather than NaN.
    public func explainedVariance() -> Float {
        precondition(advantagesReady, "explainedVariance needs computeAdvantages first")
        let returns = storage.returns.elements, values = storage.values.elements
        let returnVariance = Self.variance(count) { Double(returns[$0]) }
        guard returnVariance > 0 else { return 0 }
        let residualVariance = Self.variance(count) { Double(returns[$0]) - Double(values[$0]) }
        return Float(1 - residualVariance / returnVariance)
    }

    /// Population variance of `element(0) ..< element(count)` (two passes, in Double).
    private static func variance(_ count: Int, _ element: (Int) -> Double) -> Double {
        var sum: Double = 0
        for k in 0..<count { sum += element(k) }
        let mean = sum / Double(count)
        var squares: Double = 0
        for k in 0..<count {
            let deviation = element(k) - mean
            squares += deviation * deviation
        }
        return squares / Double(count)
    }

    /// The whole rollout (`T * N` rows) in time order, viewing the buffer's storage without a copy (for
    /// A2C). Needs `computeAdvantages` first.
    public var all: RolloutMinibatch {
        precondition(advantagesReady, "the rollout needs computeAdvantages before it is read")
        return storage.minibatch(0..<count)
    }

    /// Draws a fresh uniform permutation of the `T * N` rows from `generator` and gathers every column
    /// into the epoch copy in that order (one gather per epoch); `minibatch` then slices that copy. Needs
    /// `computeAdvantages` first. The permutation depends only on `generator`'s state.
    public func shuffle(using generator: inout RandomGenerator) {
        precondition(advantagesReady, "shuffle needs computeAdvantages first")
        let order = order.elements
        for k in 0..<order.count { order[k] = k }
        generator.shuffle(order)
        epoch.gather(from: storage, rows: UnsafeBufferPointer(order))
        epochReady = true
    }

    /// Minibatch `index` of `parts` contiguous slices of the last `shuffle`: every slice has
    /// `T * N / parts` rows except the last, which also takes the remainder. Over `index = 0 ..< parts`
    /// every row appears exactly once.
    public func minibatch(_ index: Int, of parts: Int) -> RolloutMinibatch {
        precondition(epochReady, "minibatch needs a shuffle of the current rollout")
        precondition(parts >= 1 && parts <= count, "cannot cut \(count) rows into \(parts) minibatches")
        precondition(index >= 0 && index < parts, "minibatch \(index) of \(parts)")
        let size = count / parts
        let start = index * size
        return epoch.minibatch(start..<(index == parts - 1 ? count : start + size))
    }

    /// The advantages (`T * N`, time-major) of the last `computeAdvantages`.
    public var advantages: UnsafeBufferPointer<Float> { UnsafeBufferPointer(storage.advantages.elements) }

    /// The value targets (`T * N`, time-major) of the last `computeAdvantages`.
    public var returns: UnsafeBufferPointer<Float> { UnsafeBufferPointer(storage.returns.elements) }
}
