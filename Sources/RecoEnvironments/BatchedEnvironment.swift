import RecoTensor

/// `N` copies of an environment stepped together: the interface agents train against.
///
/// After `reset` or `step`, `observations` (`N x D`) holds what each copy shows now. A copy whose
/// episode ended in the last step (`terminated` or `truncated`) has already been reset: its row of
/// `observations` is the first observation of the next episode, and the last observation of the
/// finished episode is in the same row of `finalObservations`, for bootstrapping truncated episodes.
/// All buffers belong to the environment and are overwritten by the next call.
public protocol BatchedEnvironment: AnyObject {
    /// Number of copies `N`.
    var copies: Int { get }
    /// What one observation looks like (a box of dimension `D`).
    var observationSpace: Space { get }
    /// What one action looks like.
    var actionSpace: Space { get }
    /// The leading observation columns that hold ids (nil: none).
    var observationIds: ObservationIds? { get }
    /// Current observations, `N x D`.
    var observations: MatrixView { get }
    /// For copies whose episode just ended, its last observation (`N x D`; other rows are stale).
    var finalObservations: MatrixView { get }
    /// Rewards of the last step, `N` values.
    var rewards: UnsafeBufferPointer<Float> { get }
    /// Which copies reached a terminal state in the last step.
    var terminated: UnsafeBufferPointer<Bool> { get }
    /// Which copies were cut short (time limit) in the last step.
    var truncated: UnsafeBufferPointer<Bool> { get }
    /// Starts every copy afresh; copy `i` draws from stream `i` of `seed`.
    func reset(seed: UInt64)
    /// Steps every copy with its action (`N * actionSpace.width` indices, row-major).
    func step(_ actions: UnsafeBufferPointer<Int32>)
    /// Returns and forgets the episodes completed since the last call (undiscounted return, length).
    func drainCompletedEpisodes() -> [EpisodeSummary]
}

extension BatchedEnvironment {
    public var observationIds: ObservationIds? { nil }
}

/// The undiscounted return and length of one finished episode.
public struct EpisodeSummary: Equatable, Sendable {
    public var totalReward: Float
    public var length: Int

    public init(totalReward: Float, length: Int) {
        self.totalReward = totalReward
        self.length = length
    }
}

/// A batched environment whose copies can each be set to the start of a numbered episode.
///
/// Episode `k` of the set `seed` is one fixed episode: whichever copy runs it, whenever, and whatever
/// the other copies do, it starts from the same initial state (the same user) and draws its dynamics
/// from its own stream, so its outcome depends only on `(seed, k)` and the actions taken. Evaluations
/// use this to give every policy the same episodes, each run to its end (`PolicyEvaluation`).
public protocol EpisodeIndexedEnvironment: BatchedEnvironment {
    /// Abandons the episode copy `copy` is in (it is not reported as completed) and starts episode
    /// `episode` of the set `seed` there: the copy's generator becomes
    /// `RandomGenerator(seed: seed, stream: UInt64(episode))`, the copy is reset with it, and its row of
    /// `observations` holds the episode's first observation; its reward and flags read zero and false.
    func startEpisode(_ episode: Int, seed: UInt64, inCopy copy: Int)
}
