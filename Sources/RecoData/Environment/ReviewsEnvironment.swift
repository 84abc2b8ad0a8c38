import RecoEnvironments
import RecoTensor

/// The `reviews` environment: an episode walks forward through one user's review timeline.
///
/// At each step the agent sees the user's recent history (`ReviewObservationLayout`) and recommends an
/// item (or a slate of `k` distinct items); each recommended item earns the gain of its review when
/// the user reviews it among their next `M` reviews (1, or weighted by rating or sentiment as the
/// settings say). Then the user's actual next review joins the history, whatever was recommended: the
/// log is replayed, not changed. The episode starts with one review in the history and ends after the
/// user's last review; that end is a truncation, not a terminal state (the user did not leave, the
/// log stops), so returns bootstrap through it.
///
/// Each reset picks a user uniformly from `users` with the copy's generator, so episode `k` of a
/// fixed set (`FixedEpisodes`) is always the same user.
public struct ReviewsEnvironment: Environment {
    public let timelines: ReviewTimelines
    public let layout: ReviewObservationLayout
    public let settings: ReviewsSettings
    /// The users episodes are drawn from.
    public let users: [Int32]
    public let observationSpace: Space
    public let actionSpace: Space
    /// The user of the running episode, and the position in their timeline of the review to predict.
    public private(set) var user = 0, position = 1

    /// An environment over `users` of `timelines`; throws `ReviewDataError` for invalid settings, an
    /// empty user list or a user without two reviews.
    public init(timelines: ReviewTimelines, users: [Int], settings: ReviewsSettings = ReviewsSettings()) throws {
        try settings.validate(items: timelines.itemCount)
        guard !users.isEmpty else {
            throw ReviewDataError("reviews environment users: none given; expected at least one user with two reviews")
        }
        if let bad = users.first(where: { $0 < 0 || $0 >= timelines.userCount || timelines.userRows[$0].count < 2 }) {
            throw ReviewDataError("reviews environment user \(bad): not valid; expected a user of the dataset with at least two reviews")
        }
        self.timelines = timelines
        self.settings = settings
        self.users = users.map { Int32($0) }
        layout = ReviewObservationLayout(historyLength: settings.historyLength, itemCount: timelines.itemCount)
        observationSpace = .box(lower: [Float](repeating: -1, count: layout.width),
                                upper: [Float](repeating: Float(timelines.itemCount), count: layout.width))
        actionSpace = settings.slateSize == 1 ? .discrete(timelines.itemCount)
            : .slate(k: settings.slateSize, items: timelines.itemCount)
    }

    public var observationIds: ObservationIds? { layout.ids }

    public mutating func reset(using generator: inout RandomGenerator, observation: UnsafeMutableBufferPointer<Float>) {
        user = Int(users[generator.index(below: users.count)])
        position = 1
        layout.encode(timelines, user: user, position: position, into: observation)
    }

    public mutating func step(_ action: UnsafeBufferPointer<Int32>, using generator: inout RandomGenerator,
                              observation: UnsafeMutableBufferPointer<Float>) -> StepOutcome {
        var reward: Float = 0
        for (index, item) in action.enumerated() where item >= 0 && Int(item) < timelines.itemCount {
            // A slate's repeated item earns once.
            if action[..<index].contains(item) { continue }
            reward += timelines.reward(of: item, user: user, position: position, horizon: settings.horizon,
                                       weight: settings.rewardWeight)
        }
        position += 1
        layout.encode(timelines, user: user, position: position, into: observation)
        return StepOutcome(reward: reward, truncated: position >= timelines.userRows[user].count)
    }
}

// Resumable runs save only where each copy is (the dataset is loaded again from its directory).
extension ReviewsEnvironment: SnapshottableEnvironment {
    /// Where a copy is: its user and position, with the sizes that tie it to one dataset and settings.
    public struct SavedState: Codable, Equatable, Sendable {
        public var user: Int, position: Int
        public var userCount: Int, itemCount: Int, reviewCount: Int, settings: ReviewsSettings
    }

    public var savedState: SavedState {
        SavedState(user: user, position: position, userCount: timelines.userCount, itemCount: timelines.itemCount,
                   reviewCount: timelines.item.count, settings: settings)
    }

    public mutating func restore(_ state: SavedState) throws {
        let here = "\(timelines.userCount) users, \(timelines.itemCount) items, \(timelines.item.count) reviews"
        guard state.userCount == timelines.userCount, state.itemCount == timelines.itemCount,
              state.reviewCount == timelines.item.count else {
            throw EnvironmentError.snapshotMismatch(
                field: "dataset", value: "\(state.userCount) users, \(state.itemCount) items, \(state.reviewCount) reviews",
                expected: "the run's dataset (\(here))")
        }
        guard state.settings == settings else {
            throw EnvironmentError.snapshotMismatch(field: "settings", value: "\(state.settings)", expected: "\(settings)")
        }
        guard state.user >= 0, state.user < timelines.userCount,
              state.position >= 1, state.position < timelines.userRows[state.user].count else {
            throw EnvironmentError.snapshotMismatch(field: "position", value: "user \(state.user) at \(state.position)",
                                                    expected: "a position within that user's timeline")
        }
        user = state.user
        position = state.position
    }
}
