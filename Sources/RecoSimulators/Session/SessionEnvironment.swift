import Foundation
import RecoEnvironments
import RecoTensor

/// What happened at one request of the `session` environment (the last step of a copy), for metrics.
public struct SessionStepRecord: Codable, Equatable, Sendable {
    /// The request's index in the episode (0 for the first).
    public var time = 0
    /// Items shown (valid, distinct).
    public var shown = 0
    /// The item clicked, or -1.
    public var clicked: Int32 = -1
    /// Carts and purchases that happened at this step (of earlier clicks).
    public var carts = 0, purchases = 0
    /// Shown items repeating one shown in the previous `recentWindow` steps.
    public var repeats = 0
    /// The diversity penalty (before `lambda`).
    public var penalty: Float = 0
    /// The tiered reward before the penalty, and the reward given (`R - lambda · penalty`).
    public var tieredReward: Float = 0, reward: Float = 0
    /// The user's activity level and whether they arrived new.
    public var highActivity = false, isNewUser = false
    /// Whether the user left (bored) at this step.
    public var left = false

    /// An empty record (nothing shown, no click).
    public init() {}
}

/// A click's pending add-to-cart or purchase.
struct SessionPendingEvent: Codable, Equatable, Sendable {
    var due: Int32
    var kind: UInt8
    var item: Int32
    var clickTime: Int32
}

/// The changing state of one copy (the episode under way): what a snapshot holds.
public struct SessionCopyState: Codable, Equatable, Sendable {
    var user = SessionUser(group: 0, highActivity: false, isNew: true)
    var interest: [Float] = []
    var boredom: Float = 0
    var time = 0
    var device = SessionDevice.mobile
    var hour = 0.0
    var gapBefore: Float = 0
    var windowItems: [Int32] = [], windowKinds: [UInt8] = [], windowGaps: [Float] = []
    var windowNext = 0, windowCount = 0
    var recent: [Int32] = []
    var pending: [SessionPendingEvent] = []
    var shownItems: [Int32] = []
    var utilities: [Float] = []
    var last = SessionStepRecord()
}

/// The `session` environment: shopping sessions of users with drifting interests (docs/session.md).
///
/// An episode is one user's visits: requests grouped into sessions, until the user leaves bored
/// (terminated) or `maxSteps` requests have been served (truncated). At each request the agent shows an
/// item (or a slate of `k` items); the user clicks one of them or none by a multinomial logit with a
/// no-click option; a click may lead to an add-to-cart and a purchase some steps later, credited at the
/// step they happen. The state is a sliding window of the last `T` interactions plus the context
/// (`SessionObservationLayout`). A step scores only the shown items, so its cost does not grow with the
/// catalogue; the catalogue and groups (`SessionWorld`) are shared by all copies.
public struct SessionEnvironment: Environment {
    public let world: SessionWorld
    public let settings: SessionSettings
    public let layout: SessionObservationLayout
    public let observationSpace: Space
    public let actionSpace: Space
    var state = SessionCopyState()

    /// A copy over `world` (build one `SessionWorld` and share it between copies).
    public init(world: SessionWorld) {
        self.world = world
        settings = world.settings
        layout = SessionObservationLayout(windowLength: settings.windowLength, itemCount: settings.items)
        observationSpace = .box(lower: [Float](repeating: -1, count: layout.width),
                                upper: [Float](repeating: Float(settings.items), count: layout.width))
        actionSpace = settings.slateSize == 1 ? .discrete(settings.items) : .slate(k: settings.slateSize, items: settings.items)
        let t = settings.windowLength, k = settings.slateSize
        state.interest = [Float](repeating: 0, count: world.catalogue.width)
        state.windowItems = [Int32](repeating: Int32(settings.items), count: t)
        state.windowKinds = [UInt8](repeating: 0, count: t)
        state.windowGaps = [Float](repeating: 0, count: t)
        state.recent = [Int32](repeating: -1, count: settings.recentWindow * k)
        state.pending.reserveCapacity(settings.cartDelayMax + settings.purchaseDelayMax + 2)
        state.shownItems = [Int32](repeating: -1, count: k)
        state.utilities = [Float](repeating: 0, count: k)
    }

    /// A copy over a new world built from `settings`.
    public init(settings: SessionSettings = SessionSettings()) throws {
        self.init(world: try SessionWorld(settings: settings))
    }

    public var observationIds: ObservationIds? { layout.ids }

    /// The user of the running episode.
    public var user: SessionUser { state.user }
    /// Their interest vector now (`E` values, unit length).
    public var interest: [Float] { state.interest }
    /// Their boredom now.
    public var boredom: Float { state.boredom }
    /// What happened at the last step (kept through the automatic reset that follows an episode's end).
    public var lastStep: SessionStepRecord { state.last }
    /// The items shown at the last step (`slateSize` entries, -1 for invalid or repeated slate entries).
    public var lastShown: [Int32] { state.shownItems }
    /// Requests served in the running episode.
    public var time: Int { state.time }

    public mutating func reset(using generator: inout RandomGenerator, observation: UnsafeMutableBufferPointer<Float>) {
        let world = world, settings = settings
        state.user = state.interest.withUnsafeMutableBufferPointer { world.population.drawUser(into: $0, using: &generator) }
        state.boredom = 0
        state.time = 0
        (state.device, state.hour) = world.population.drawContext(group: state.user.group, using: &generator)
        state.windowNext = 0
        state.windowCount = 0
        for j in state.recent.indices { state.recent[j] = -1 }
        state.pending.removeAll(keepingCapacity: true)
        state.gapBefore = 0
        if !state.user.isNew {
            // A returning user brings T organic clicks: items drawn from the organic demand, each kept
            // with the user's click probability (at most 100 draws per click; the last draw otherwise).
            let noClick = SessionDynamics.noClickUtility(highActivity: state.user.highActivity, settings: settings)
            for _ in 0..<settings.windowLength {
                var item = 0
                for _ in 0..<100 {
                    item = world.catalogue.sampleOrganic(using: &generator)
                    let v = state.interest.withUnsafeBufferPointer {
                        SessionDynamics.utility(of: item, interest: $0.baseAddress!, catalogue: world.catalogue, settings: settings)
                    }
                    if generator.uniform() < 1 / (1 + Foundation.exp(noClick - v)) { break }
                }
                let gap = Float(SessionDynamics.exponential(mean: settings.requestGapSeconds, using: &generator))
                push(item: Int32(item), kind: .click, gap: gap)
            }
            state.gapBefore = Float(SessionDynamics.exponential(mean: settings.sessionGapHours * 3600, using: &generator))
        }
        encode(into: observation)
    }

    public mutating func step(_ action: UnsafeBufferPointer<Int32>, using generator: inout RandomGenerator,
                              observation: UnsafeMutableBufferPointer<Float>) -> StepOutcome {
        let settings = settings, catalogue = world.catalogue
        let now = state.time
        var record = SessionStepRecord()
        record.time = now
        record.highActivity = state.user.highActivity
        record.isNewUser = state.user.isNew

        // The shown items: valid ids, each once.
        var shown = 0
        for (index, item) in action.enumerated() where index < settings.slateSize {
            guard item >= 0, Int(item) < settings.items else { continue }
            var duplicate = false
            for j in 0..<shown where state.shownItems[j] == item { duplicate = true }
            if duplicate { continue }
            state.shownItems[shown] = item
            shown += 1
        }
        for j in shown..<settings.slateSize { state.shownItems[j] = -1 }
        record.shown = shown

        // Penalty and repeats against the items of the previous `recentWindow` steps.
        var repeats = 0
        state.shownItems.withUnsafeBufferPointer { shownItems in
            state.recent.withUnsafeBufferPointer { recent in
                let items = UnsafeBufferPointer(rebasing: shownItems[0..<shown])
                record.penalty = SessionDynamics.penalty(shown: items, recent: recent, kind: settings.similarity, catalogue: catalogue)
                for item in items where recent.contains(item) { repeats += 1 }
            }
        }
        record.repeats = repeats

        // The choice.
        let noClick = SessionDynamics.noClickUtility(highActivity: state.user.highActivity, settings: settings)
        var chosen = -1
        state.interest.withUnsafeBufferPointer { interest in
            for j in 0..<shown {
                state.utilities[j] = SessionDynamics.utility(of: Int(state.shownItems[j]), interest: interest.baseAddress!,
                                                             catalogue: catalogue, settings: settings)
            }
        }
        if shown > 0 {
            chosen = state.utilities.withUnsafeMutableBufferPointer {
                SessionDynamics.choose($0, count: shown, noClick: noClick, using: &generator)
            }
        }
        var reward: Float = 0

        // Delayed events due now, then the window: the shown items, then the carts and purchases.
        for j in 0..<shown {
            let kind: SessionEventKind = j == chosen ? .click : .impression
            push(item: state.shownItems[j], kind: kind, gap: j == 0 ? state.gapBefore : 0)
        }
        var e = 0
        while e < state.pending.count {
            let event = state.pending[e]
            guard Int(event.due) == now else { e += 1; continue }
            state.pending.swapAt(e, state.pending.count - 1)
            state.pending.removeLast()
            let discount = Float(Foundation.pow(settings.delayDiscount, Double(now - Int(event.clickTime))))
            if event.kind == UInt8(SessionEventKind.cart.rawValue) {
                record.carts += 1
                reward += Float(settings.cartReward) * discount
                push(item: event.item, kind: .cart, gap: 0)
                if generator.uniformDouble() < settings.purchaseProbability {
                    let d = SessionDynamics.delay(settings.purchaseDelayMin, settings.purchaseDelayMax, using: &generator)
                    state.pending.append(SessionPendingEvent(due: Int32(now + d), kind: UInt8(SessionEventKind.purchase.rawValue),
                                                             item: event.item, clickTime: event.clickTime))
                }
            } else {
                record.purchases += 1
                reward += Float(settings.purchaseReward) * discount
                push(item: event.item, kind: .purchase, gap: 0)
            }
        }
        if chosen >= 0 {
            let item = state.shownItems[chosen]
            record.clicked = item
            reward += Float(settings.clickReward)
            if generator.uniformDouble() < settings.cartProbability {
                let d = SessionDynamics.delay(settings.cartDelayMin, settings.cartDelayMax, using: &generator)
                state.pending.append(SessionPendingEvent(due: Int32(now + d), kind: UInt8(SessionEventKind.cart.rawValue),
                                                         item: item, clickTime: Int32(now)))
            }
        }
        record.tieredReward = reward
        reward -= Float(settings.diversityPenalty) * record.penalty
        record.reward = reward

        // Recent items: this step's slate replaces the oldest step's.
        let k = settings.slateSize, slot = now % settings.recentWindow
        for j in 0..<k { state.recent[slot * k + j] = state.shownItems[j] }

        // Boredom and leaving.
        state.boredom = SessionDynamics.boredom(after: state.boredom, clicked: chosen >= 0,
                                                repeatedShare: shown > 0 ? Float(repeats) / Float(shown) : 0, settings: settings)
        let patience = Float(state.user.highActivity ? settings.highActivityPatience : settings.lowActivityPatience)
        let left = state.boredom >= patience
        record.left = left
        state.time = now + 1

        // Drift, and the next request: in this session or, with sessionEndProbability, a new one.
        if !left {
            if generator.uniformDouble() < settings.sessionEndProbability {
                (state.device, state.hour) = world.population.drawContext(group: state.user.group, using: &generator)
                state.interest.withUnsafeMutableBufferPointer {
                    SessionDynamics.drift($0, sigma: settings.betweenSessionDrift, using: &generator)
                }
                state.boredom = 0
                state.gapBefore = Float(SessionDynamics.exponential(mean: settings.sessionGapHours * 3600, using: &generator))
            } else {
                state.interest.withUnsafeMutableBufferPointer {
                    SessionDynamics.drift($0, sigma: settings.withinSessionDrift, using: &generator)
                }
                let gap = SessionDynamics.exponential(mean: settings.requestGapSeconds, using: &generator)
                state.gapBefore = Float(gap)
                state.hour = (state.hour + gap / 3600).truncatingRemainder(dividingBy: 24)
            }
        }
        state.last = record
        encode(into: observation)
        // Pending carts and purchases of a finished episode are dropped (docs/session.md).
        return StepOutcome(reward: reward, terminated: left, truncated: !left && state.time >= settings.maxSteps)
    }

    private mutating func push(item: Int32, kind: SessionEventKind, gap: Float) {
        let t = settings.windowLength
        state.windowItems[state.windowNext] = item
        state.windowKinds[state.windowNext] = UInt8(kind.rawValue)
        state.windowGaps[state.windowNext] = gap
        state.windowNext = (state.windowNext + 1) % t
        state.windowCount = min(t, state.windowCount + 1)
    }

    private func encode(into observation: UnsafeMutableBufferPointer<Float>) {
        let t = settings.windowLength, f = SessionObservationLayout.slotFeatures
        let empty = t - state.windowCount
        for slot in 0..<t {
            let features = layout.slotFeatureOffset(slot)
            for j in 0..<f { observation[features + j] = 0 }
            guard slot >= empty else {
                observation[slot] = Float(layout.paddingId)
                continue
            }
            let entry = (state.windowNext - state.windowCount + (slot - empty) + t) % t
            observation[slot] = Float(state.windowItems[entry])
            observation[features + Int(state.windowKinds[entry])] = 1
            observation[features + 4] = SessionObservationLayout.gapFeature(state.windowGaps[entry])
        }
        let c = layout.contextOffset
        for j in 0..<3 { observation[c + j] = state.device.rawValue == j ? 1 : 0 }
        let angle = 2 * Double.pi * state.hour / 24
        observation[layout.timeOffset] = Float(Foundation.sin(angle))
        observation[layout.timeOffset + 1] = Float(Foundation.cos(angle))
        observation[layout.activityOffset] = settings.observeActivity && state.user.highActivity ? 1 : 0
        observation[layout.progressOffset] = Float(state.time) / Float(settings.maxSteps)
    }
}

// Resumable runs save each copy's episode state; the world is rebuilt from the settings.
extension SessionEnvironment: SnapshottableEnvironment {
    /// A copy's state with the settings that tie it to one world.
    public struct SavedState: Codable, Equatable, Sendable {
        public var settings: SessionSettings
        public var state: SessionCopyState
    }

    public var savedState: SavedState { SavedState(settings: settings, state: state) }

    public mutating func restore(_ saved: SavedState) throws {
        guard saved.settings == settings else {
            throw EnvironmentError.snapshotMismatch(field: "settings", value: "\(saved.settings)", expected: "\(settings)")
        }
        let s = saved.state
        guard s.interest.count == state.interest.count, s.windowItems.count == settings.windowLength,
              s.windowKinds.count == settings.windowLength, s.windowGaps.count == settings.windowLength,
              s.recent.count == state.recent.count, s.shownItems.count == settings.slateSize,
              s.utilities.count == settings.slateSize, s.windowNext >= 0, s.windowNext < settings.windowLength,
              s.windowCount >= 0, s.windowCount <= settings.windowLength, s.user.group >= 0, s.user.group < settings.groups,
              s.windowItems.allSatisfy({ $0 >= 0 && Int($0) <= settings.items }),
              s.windowKinds.allSatisfy({ $0 < 4 }) else {
            throw EnvironmentError.snapshotMismatch(field: "state", value: "a copy of other shapes", expected: "a session copy of these settings")
        }
        state = s
        state.pending.reserveCapacity(settings.cartDelayMax + settings.purchaseDelayMax + 2)
    }
}
