import RecoTensor

/// Finished transitions on their way from a collector to a sink (replay, later a broker stream):
/// `count` rows of `(observation, action, reward, next observation, done, discount)`.
///
/// For an n-step transition the reward is already the discounted sum over the `k <= n` steps it covers
/// and `discount` is `gamma^k`; `done` is 1 when the episode terminated within those steps (no
/// bootstrap), 0 otherwise (including truncation, which bootstraps from the next observation).
/// Storage is allocated once for `capacity` rows and reused.
public final class TransitionBatch {
    /// Most rows the batch holds.
    public let capacity: Int
    /// Width `D` of each observation.
    public let observationWidth: Int
    /// Rows filled.
    public private(set) var count = 0
    private let observationStorage, nextObservationStorage: Matrix
    private let actionStorage: OwnedBuffer<Int32>
    private let rewardStorage, doneStorage, discountStorage: OwnedBuffer<Float>

    public init(capacity: Int, observationWidth: Int) {
        self.capacity = capacity
        self.observationWidth = observationWidth
        observationStorage = Matrix(rows: capacity, columns: observationWidth)
        nextObservationStorage = Matrix(rows: capacity, columns: observationWidth)
        actionStorage = OwnedBuffer(repeating: 0, count: capacity)
        rewardStorage = OwnedBuffer(repeating: 0, count: capacity)
        doneStorage = OwnedBuffer(repeating: 0, count: capacity)
        discountStorage = OwnedBuffer(repeating: 0, count: capacity)
    }

    /// Empties the batch (keeps its storage).
    public func removeAll() { count = 0 }

    /// Appends one transition; the caller keeps `count < capacity`.
    public func append(observation: UnsafePointer<Float>, action: Int32, reward: Float,
                       nextObservation: UnsafePointer<Float>, terminated: Bool, discount: Float) {
        precondition(count < capacity, "transition batch of \(capacity) rows is full")
        observationStorage.view.rowPointer(count).update(from: observation, count: observationWidth)
        nextObservationStorage.view.rowPointer(count).update(from: nextObservation, count: observationWidth)
        actionStorage.elements[count] = action
        rewardStorage.elements[count] = reward
        doneStorage.elements[count] = terminated ? 1 : 0
        discountStorage.elements[count] = discount
        count += 1
    }

    /// `count x D`: the observations the actions were taken in.
    public var observations: MatrixView { observationStorage.view.rows(0..<count) }
    /// `count x D`: the observations each transition bootstraps from.
    public var nextObservations: MatrixView { nextObservationStorage.view.rows(0..<count) }
    public var actions: UnsafeBufferPointer<Int32> { UnsafeBufferPointer(rebasing: actionStorage.elements[0..<count]) }
    /// Discounted rewards of the steps covered.
    public var rewards: UnsafeBufferPointer<Float> { UnsafeBufferPointer(rebasing: rewardStorage.elements[0..<count]) }
    /// 1 where the episode terminated within the steps covered, else 0.
    public var dones: UnsafeBufferPointer<Float> { UnsafeBufferPointer(rebasing: doneStorage.elements[0..<count]) }
    /// `gamma^k` for the `k` steps covered.
    public var discounts: UnsafeBufferPointer<Float> { UnsafeBufferPointer(rebasing: discountStorage.elements[0..<count]) }
}

/// Where a collector delivers finished transitions.
public protocol TransitionSink: AnyObject {
    /// Width `D` of the observations it stores.
    var observationWidth: Int { get }
    /// Stores every transition of `batch` (in order).
    func add(_ batch: TransitionBatch)
}
