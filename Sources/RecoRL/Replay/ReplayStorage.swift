import RecoTensor

/// The transitions of a replay buffer: a ring of `capacity` slots kept as a structure of arrays.
///
/// Observations and next observations are two `capacity x D` Float32 matrices; actions (`Int32`),
/// rewards, dones and discounts are one column each. Everything is allocated once, lazily zeroed (see
/// `ReplayColumn`), so a transition is a handful of copies into preallocated memory and a batch is a
/// bulk row gather. Slots fill in order `0, 1, ...`; once the ring is full the oldest is overwritten.
final class ReplayStorage {
    let capacity: Int
    let observationWidth: Int
    /// Number of transitions stored (at most `capacity`); they occupy slots `0..<count`.
    private(set) var count = 0
    /// The slot the next transition goes to (the oldest stored one once the ring is full).
    private(set) var nextSlot = 0

    private let observationColumn: ReplayColumn<Float>
    private let nextObservationColumn: ReplayColumn<Float>
    /// `capacity x D`: the observation each transition starts from.
    let observations: MatrixView
    /// `capacity x D`: the observation it bootstraps from.
    let nextObservations: MatrixView
    let actions: ReplayColumn<Int32>
    /// The discounted reward of the steps the transition covers.
    let rewards: ReplayColumn<Float>
    /// 1 when the episode terminated within those steps, else 0.
    let dones: ReplayColumn<Float>
    /// `gamma^k` for the `k` steps covered.
    let discounts: ReplayColumn<Float>

    init(capacity: Int, observationWidth dimension: Int) throws {
        precondition(capacity >= 1, "replay capacity must be positive, got \(capacity)")
        precondition(dimension >= 1, "observation width must be positive, got \(dimension)")
        let (elements, overflow) = capacity.multipliedReportingOverflow(by: dimension)
        precondition(!overflow, "replay of \(capacity) x \(dimension) observations overflows")
        self.capacity = capacity
        self.observationWidth = dimension
        observationColumn = try ReplayColumn(count: elements)
        nextObservationColumn = try ReplayColumn(count: elements)
        observations = MatrixView(base: observationColumn.base, rows: capacity, columns: dimension)
        nextObservations = MatrixView(base: nextObservationColumn.base, rows: capacity, columns: dimension)
        actions = try ReplayColumn(count: capacity)
        rewards = try ReplayColumn(count: capacity)
        dones = try ReplayColumn(count: capacity)
        discounts = try ReplayColumn(count: capacity)
    }

    /// Writes one transition into `nextSlot` and advances the ring; returns the slot written.
    @discardableResult
    func append(observation: UnsafePointer<Float>, action: Int32, reward: Float,
                nextObservation: UnsafePointer<Float>, terminated: Bool, discount: Float) -> Int {
        let slot = nextSlot
        observations.rowPointer(slot).update(from: observation, count: observationWidth)
        nextObservations.rowPointer(slot).update(from: nextObservation, count: observationWidth)
        actions.base[slot] = action
        rewards.base[slot] = reward
        dones.base[slot] = terminated ? 1 : 0
        discounts.base[slot] = discount
        nextSlot = slot + 1 == capacity ? 0 : slot + 1
        count = Swift.min(count + 1, capacity)
        return slot
    }

    /// Sets the fill counters after a restore (`ReplayStorage+File.swift`).
    func restoreCounters(count: Int, nextSlot: Int) {
        self.count = count
        self.nextSlot = nextSlot
    }

    /// Writes every transition of `batch`, in order.
    func append(_ batch: TransitionBatch) {
        let observations = batch.observations, next = batch.nextObservations
        for i in 0..<batch.count {
            append(observation: observations.rowPointer(i), action: batch.actions[i], reward: batch.rewards[i],
                   nextObservation: next.rowPointer(i), terminated: batch.dones[i] != 0, discount: batch.discounts[i])
        }
    }

    /// Fills `batch` with the transitions in the slots `batch.indices` names (all below `count`).
    func gather(into batch: ReplayBatch) {
        precondition(batch.observations.columns == observationWidth,
                     "replay batch of width \(batch.observations.columns) for observations of \(observationWidth)")
        let slots = UnsafeBufferPointer(batch.indices)
        Kernels.gatherRows(observations.rows(0..<count), rows: slots, into: batch.observations.view)
        Kernels.gatherRows(nextObservations.rows(0..<count), rows: slots, into: batch.nextObservations.view)
        let actions = actions.base, rewards = rewards.base, dones = dones.base, discounts = discounts.base
        for (i, slot) in slots.enumerated() {
            batch.actions[i] = actions[slot]
            batch.rewards[i] = rewards[slot]
            batch.dones[i] = dones[slot]
            batch.discounts[i] = discounts[slot]
        }
    }
}
