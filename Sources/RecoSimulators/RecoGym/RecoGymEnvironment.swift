import RecoEnvironments
import RecoTensor

/// RecoGym's `reco-gym-v1` (recogym 0.1.3.0) as an `Environment`: one user per episode, one step per
/// impression. The action is the recommended product (`.discrete(P)`); the reward is the click (0 or 1);
/// the episode terminates when the user leaves. The observation is encoded as `observation` says
/// (`RecoGymObservation`): by default (`recentViews`, width P) the user's organic view counts per
/// product since the agent's last action (after `reset`, the views of the first organic session);
/// with `viewHistory` (width 2P) the counts since the user arrived and the last viewed product.
/// `eventsSinceLastAction` keeps the raw events (the impression just made, then the views that
/// followed it).
///
/// The static world is drawn at construction from `random_seed`. With `.engine` (the default) users
/// come from the generator passed to `reset`/`step`, so `VectorEnvironment` copies share the world and
/// see independent users; with `.numpy` the environment holds RecoGym's own `NumpyRandomState`, draws
/// users from it in RecoGym's order and ignores the generator passed.
///
/// Departures from RecoGym's `step`, both forced by the interface and documented: a user who leaves
/// during the first organic session offers no decision, so `reset` skips to the next user
/// (`skippedUsers` counts them); and no phantom impression is drawn after `done` (that is a quirk of
/// `generate_logs`, see `RecoGymLogs`).
///
/// `Codable` (the world, the current user, the NumPy stream's state), so `VectorEnvironment` of it is a
/// `ResumableEnvironment` and training runs on it can be snapshotted and resumed.
public struct RecoGymEnvironment: SnapshottableEnvironment, Codable {
    public typealias SavedState = RecoGymEnvironment
    public let configuration: RecoGymConfiguration
    public let stream: RecoGymRandomStream
    public let world: RecoGymWorld
    /// How the observation row is encoded.
    public var observation: RecoGymObservation { encoder.encoding }
    private var encoder: RecoGymObservationEncoder
    /// RecoGym's stream, in `.numpy` mode.
    public private(set) var numpyState: NumpyRandomState?
    /// The current user (nil before the first `reset`).
    public private(set) var user: RecoGymUser?
    /// The current user's events since the agent's last action (after `reset`: since the user arrived).
    public private(set) var eventsSinceLastAction: [RecoGymEvent] = []
    /// The id the next user gets (users are numbered from 0 in the order they arrive).
    public private(set) var nextUserID = 0
    /// Users who left before their first impression and were skipped by `reset`.
    public private(set) var skippedUsers = 0

    /// Validates the configuration and draws the static world.
    public init(configuration: RecoGymConfiguration = RecoGymConfiguration(), stream: RecoGymRandomStream = .engine,
                observation: RecoGymObservation = .recentViews) throws {
        try configuration.validate()
        self.init(validated: configuration, stream: stream, observation: observation)
    }

    /// The default world (RecoGym's defaults, seed 42, engine stream) observed as `observation`; the
    /// defaults are valid, so this cannot fail.
    public init(observation: RecoGymObservation = .recentViews) {
        self.init(validated: RecoGymConfiguration(), stream: .engine, observation: observation)
    }

    /// Draws the static world of a configuration that `validate()` accepts.
    private init(validated configuration: RecoGymConfiguration, stream: RecoGymRandomStream,
                 observation: RecoGymObservation) {
        self.configuration = configuration
        self.stream = stream
        encoder = RecoGymObservationEncoder(encoding: observation, products: configuration.numProducts)
        switch stream {
        case .engine:
            var generator = RandomGenerator(seed: UInt64(configuration.randomSeed))
            world = RecoGymWorld(configuration: configuration, random: &generator)
        case .numpy:
            var state = NumpyRandomState(seed: UInt32(configuration.randomSeed))
            world = RecoGymWorld(configuration: configuration, random: &state)
            state.seed(UInt32(configuration.randomSeed))  // RecoGym re-seeds after the static world
            numpyState = state
        }
    }

    public var observationSpace: Space {
        let p = configuration.numProducts
        let counts = [Float](repeating: .infinity, count: p)
        return .box(lower: [Float](repeating: 0, count: observation.width(products: p)),
                    upper: observation == .recentViews ? counts : counts + [Float](repeating: 1, count: p))
    }

    public var actionSpace: Space { .discrete(configuration.numProducts) }

    /// Runs `body` on the stream of this environment's mode.
    private mutating func withRandom<T>(_ generator: inout RandomGenerator,
                                        _ body: (inout RecoGymUser?, inout [RecoGymEvent], inout any RecoGymRandomSource) -> T) -> T {
        var source: any RecoGymRandomSource
        if stream == .numpy {
            source = numpyState!
            numpyState = nil  // one owner, so the Mersenne Twister's state is not copied on write
        } else {
            source = generator
        }
        let result = body(&user, &eventsSinceLastAction, &source)
        if stream == .numpy { numpyState = (source as! NumpyRandomState) } else { generator = source as! RandomGenerator }
        return result
    }

    public mutating func reset(using generator: inout RandomGenerator, observation: UnsafeMutableBufferPointer<Float>) {
        let configuration = configuration, world = world
        var id = nextUserID, skipped = 0
        withRandom(&generator) { user, events, random in
            while true {
                events.removeAll(keepingCapacity: true)
                var fresh = RecoGymUser(id: id, configuration: configuration, random: &random)
                fresh.organicSession(world: world, configuration: configuration, random: &random, into: &events)
                id += 1
                user = fresh
                if fresh.state != .stop { break }
                skipped += 1
            }
        }
        nextUserID = id
        skippedUsers += skipped
        encoder.startUser()
        recordViews()
        encoder.write(into: observation)
    }

    public mutating func step(_ action: UnsafeBufferPointer<Int32>, using generator: inout RandomGenerator,
                              observation: UnsafeMutableBufferPointer<Float>) -> StepOutcome {
        precondition(user?.state == .bandit, "RecoGymEnvironment.step before reset or after the user left")
        let a = Int(action[0])
        precondition(a >= 0 && a < configuration.numProducts,
                     "RecoGym action \(a) outside 0..<\(configuration.numProducts)")
        let configuration = configuration, world = world
        let clicked = withRandom(&generator) { user, events, random in
            events.removeAll(keepingCapacity: true)
            return user!.recommend(a, world: world, configuration: configuration, random: &random, into: &events)
        }
        encoder.acted()
        recordViews()
        encoder.write(into: observation)
        return StepOutcome(reward: clicked ? 1 : 0, terminated: user!.state == .stop)
    }

    /// The organic view counts per product among `eventsSinceLastAction`.
    public var viewCounts: [Float] {
        var counts = [Float](repeating: 0, count: configuration.numProducts)
        for event in eventsSinceLastAction where event.kind == .organic { counts[event.product] += 1 }
        return counts
    }

    /// Feeds the organic views of `eventsSinceLastAction` to the encoder.
    private mutating func recordViews() {
        for event in eventsSinceLastAction where event.kind == .organic { encoder.view(event.product) }
    }
}
