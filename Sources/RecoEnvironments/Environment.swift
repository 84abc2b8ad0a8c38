import RecoTensor

/// What one step of one environment copy returns besides the next observation.
public struct StepOutcome: Equatable, Sendable {
    /// Reward for the action just taken.
    public var reward: Float
    /// The episode reached a terminal state: nothing follows, so the return is not bootstrapped.
    public var terminated: Bool
    /// The episode was cut short (a time limit): the state is not terminal, so the return is
    /// bootstrapped from the final observation.
    public var truncated: Bool

    public init(reward: Float, terminated: Bool = false, truncated: Bool = false) {
        self.reward = reward
        self.terminated = terminated
        self.truncated = truncated
    }
}

/// One copy of a simulated environment, stepped one action at a time. `VectorEnvironment` runs many
/// copies as a batch; implementations only describe a single episode.
///
/// Randomness comes only from the generator passed in, so a copy's episodes are fixed by its seed.
public protocol Environment {
    /// What observations look like (a box).
    var observationSpace: Space { get }
    /// What actions look like (discrete or slate).
    var actionSpace: Space { get }
    /// Whether a step costs enough (tens of microseconds or more) to be worth spreading copies over cores.
    static var isExpensive: Bool { get }
    /// Which leading columns of an observation are ids rather than measurements (nil: none), so that
    /// agents can embed them.
    var observationIds: ObservationIds? { get }
    /// Starts a new episode and writes its first observation.
    mutating func reset(using generator: inout RandomGenerator, observation: UnsafeMutableBufferPointer<Float>)
    /// Applies `action` (an index for a discrete space; slates arrive as `actionSpace.width` indices)
    /// and writes the next observation.
    mutating func step(_ action: UnsafeBufferPointer<Int32>, using generator: inout RandomGenerator,
                       observation: UnsafeMutableBufferPointer<Float>) -> StepOutcome
}

extension Environment {
    public static var isExpensive: Bool { false }
    public var observationIds: ObservationIds? { nil }
}

/// The leading columns of an observation that hold ids (items a user saw, for example) rather than
/// measurements: whole numbers stored as floats, exact up to 2^24. Agents give them learned embeddings
/// instead of reading them as magnitudes.
public struct ObservationIds: Codable, Equatable, Sendable {
    /// Columns `0..<columns` of every observation hold ids.
    public var columns: Int
    /// Every id lies in `0..<vocabulary`.
    public var vocabulary: Int

    public init(columns: Int, vocabulary: Int) {
        self.columns = columns
        self.vocabulary = vocabulary
    }
}
