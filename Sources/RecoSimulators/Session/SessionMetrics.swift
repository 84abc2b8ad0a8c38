import Foundation
import RecoEnvironments
import RecoTensor

/// The episode metrics of the `session` environment (docs/session.md, "Metrics"):
///
/// - **CTR**: clicks / requests;
/// - **conversion**: purchases / requests, over all users and over low-activity users' requests;
/// - **tail coverage**: distinct long-tail items ever shown / long-tail items in the catalogue;
/// - **repetition**: shown items repeating one shown in the previous `recentWindow` steps / items shown;
/// - **session length**: mean requests per episode (until the user leaves or the episode is cut);
/// - **new-user CTR@5**: clicks / requests over the first five requests of users who arrived new;
/// - **return**: mean undiscounted reward per episode (penalty included).
public struct SessionMetricsReport: Codable, Equatable, Sendable {
    public var episodes = 0, requests = 0, clicks = 0, carts = 0, purchases = 0
    public var lowActivityRequests = 0, lowActivityPurchases = 0
    public var shownItems = 0, repeatedItems = 0
    public var tailItems = 0, tailItemsShown = 0
    public var newUserEarlyRequests = 0, newUserEarlyClicks = 0
    public var totalReward = 0.0

    public var clickThroughRate: Double { ratio(clicks, requests) }
    public var conversionRate: Double { ratio(purchases, requests) }
    public var lowActivityConversionRate: Double { ratio(lowActivityPurchases, lowActivityRequests) }
    public var tailCoverage: Double { ratio(tailItemsShown, tailItems) }
    public var repetitionRate: Double { ratio(repeatedItems, shownItems) }
    public var sessionLength: Double { ratio(requests, episodes) }
    public var newUserClickThroughRate: Double { ratio(newUserEarlyClicks, newUserEarlyRequests) }
    public var meanReturn: Double { episodes > 0 ? totalReward / Double(episodes) : 0 }

    private func ratio(_ a: Int, _ b: Int) -> Double { b > 0 ? Double(a) / Double(b) : 0 }
}

/// Adds up `SessionStepRecord`s into a `SessionMetricsReport`: the definitions, apart from the loop.
public struct SessionMetricsAccumulator {
    /// Requests of a new user counted by the new-user CTR.
    public static let earlyRequests = 5
    public private(set) var report = SessionMetricsReport()
    private let catalogue: SessionCatalogue
    private var tailSeen: [UInt64]

    public init(catalogue: SessionCatalogue) {
        self.catalogue = catalogue
        report.tailItems = catalogue.items - catalogue.headItems
        tailSeen = [UInt64](repeating: 0, count: (catalogue.items + 63) / 64)
    }

    /// Counts one request: its record and the items it showed (negative entries ignored); `done` when
    /// the episode ended with it.
    public mutating func add(_ record: SessionStepRecord, shown: [Int32], done: Bool) {
        report.requests += 1
        if record.clicked >= 0 { report.clicks += 1 }
        report.carts += record.carts
        report.purchases += record.purchases
        if !record.highActivity {
            report.lowActivityRequests += 1
            report.lowActivityPurchases += record.purchases
        }
        report.shownItems += record.shown
        report.repeatedItems += record.repeats
        for item in shown where item >= 0 && catalogue.isTail(Int(item)) {
            let (word, bit) = (Int(item) / 64, UInt64(1) << UInt64(Int(item) % 64))
            if tailSeen[word] & bit == 0 {
                tailSeen[word] |= bit
                report.tailItemsShown += 1
            }
        }
        if record.isNewUser, record.time < Self.earlyRequests {
            report.newUserEarlyRequests += 1
            if record.clicked >= 0 { report.newUserEarlyClicks += 1 }
        }
        report.totalReward += Double(record.reward)
        if done { report.episodes += 1 }
    }
}

/// Runs a policy on fixed episodes of the `session` environment and reports `SessionMetricsReport`.
public enum SessionMetrics {
    /// Episodes `0..<episodes` of the set `seed` (the same users for every policy, `FixedEpisodes`)
    /// with `policy` on `environment`; exploring policies draw from `generator`. Throws for a slate
    /// action space (policies act one item at a time) and whatever `FixedEpisodes.run` throws.
    public static func evaluate(_ environment: VectorEnvironment<SessionEnvironment>, episodes: Int, seed: UInt64,
                                policy: Policy, generator: inout RandomGenerator) throws -> SessionMetricsReport {
        var accumulator = SessionMetricsAccumulator(catalogue: environment.copy(0).world.catalogue)
        try FixedEpisodes.run(environment, episodes: episodes, seed: seed, policy: policy, generator: &generator) { step in
            let copy = environment.copy(step.copy)
            accumulator.add(copy.lastStep, shown: copy.lastShown, done: step.done)
        }
        return accumulator.report
    }

    /// `evaluate` with a generator seeded `seed`.
    public static func evaluate(_ environment: VectorEnvironment<SessionEnvironment>, episodes: Int, seed: UInt64,
                                policy: Policy) throws -> SessionMetricsReport {
        var generator = RandomGenerator(seed: seed)
        return try evaluate(environment, episodes: episodes, seed: seed, policy: policy, generator: &generator)
    }
}
