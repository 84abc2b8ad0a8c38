import Foundation
import RecoEnvironments
@testable import RecoServing
import Testing

/// A served test policy of `width` features and actions under `version`.
func served(_ policy: Policy, _ version: String) throws -> ServedPolicy {
    try ServedPolicy(policy: policy, version: version, actionNames: (0..<policy.actionCount).map { "a\($0)" })
}

@Suite("PolicyVersions: routing, promotion and rollback")
struct PolicyVersionsTests {
    let production: ServedPolicy
    let fallback: ServedPolicy

    init() throws {
        production = try served(ArgmaxPolicy(width: 3), "prod-1")
        fallback = try served(UniformRandomPolicy(observationWidth: 3, actionCount: 3), "uniform-random")
    }

    @Test("users split by stable hash: each share within 2 points of its setting, every user always on the same version")
    func shares() throws {
        let versions = PolicyVersions(production: production, fallback: fallback,
                                      settings: RolloutSettings(fallbackShare: 0.1))
        try versions.addCandidate(try served(ArgmaxPolicy(width: 3), "cand-1"), share: 0.3)
        let users = (0..<10_000).map { "user-\($0)" }
        var counts: [PolicyRole: Int] = [:]
        for user in users {
            let route = versions.route(key: TrafficSplit.key(user: user))
            counts[route.role, default: 0] += 1
            #expect(versions.route(key: TrafficSplit.key(user: user)).served.version == route.served.version)
        }
        // Holdout 10%; the candidate 30% of the other 90% (27%); production the remaining 63%.
        #expect(abs(Double(counts[.fallback] ?? 0) / 10_000 - 0.10) < 0.02)
        #expect(abs(Double(counts[.candidate] ?? 0) / 10_000 - 0.27) < 0.02)
        #expect(abs(Double(counts[.production] ?? 0) / 10_000 - 0.63) < 0.02)
        let listed = versions.summaries()
        #expect(listed.map(\.role) == [.production, .candidate, .fallback])
        #expect(abs(listed.map(\.share).reduce(0, +) - 1) < 1e-12)
        #expect(abs(listed[1].share - 0.27) < 1e-12)

        // Raising the share keeps every user already on the candidate there.
        let before = Set(users.filter { versions.route(key: TrafficSplit.key(user: $0)).role == .candidate })
        try versions.setShare(0.6, of: "cand-1")
        let after = Set(users.filter { versions.route(key: TrafficSplit.key(user: $0)).role == .candidate })
        #expect(before.isSubset(of: after))
        #expect(abs(Double(after.count) / 10_000 - 0.54) < 0.02)
    }

    @Test("promotion makes the candidate production; rolling production back restores the version it replaced")
    func promoteAndRollBack() throws {
        let versions = PolicyVersions(production: production, fallback: fallback)
        try versions.addCandidate(try served(ArgmaxPolicy(width: 3), "cand-1"), share: 0.5)
        let promoted = try versions.promote("cand-1")
        #expect(promoted.role == .production && promoted.share == 1)
        #expect(versions.production.version == "cand-1")
        #expect(versions.summaries().map { "\($0.version):\($0.role)" } == ["cand-1:production", "uniform-random:fallback", "prod-1:retired"])
        #expect(versions.summaries().last?.note == "replaced by cand-1")

        let rolledBack = try versions.rollback("cand-1")
        #expect(rolledBack.role == .retired)
        #expect(versions.production.version == "prod-1")
        #expect(versions.route(key: 42).served.version == "prod-1")
        // Nothing left to return to.
        #expect(throws: ServingError.self) { try versions.rollback("prod-1") }
    }

    @Test("bad requests: a second candidate, an unknown version, a non-candidate, a share out of range, another shape")
    func refusals() throws {
        let versions = PolicyVersions(production: production, fallback: fallback)
        func status(_ body: () throws -> Void) -> Int? {
            do { try body() } catch let error as ServingError { return error.status.code } catch { return -1 }
            return nil
        }
        #expect(status { try versions.addCandidate(try served(ArgmaxPolicy(width: 3), "cand-1"), share: 0) } == 422)
        #expect(status { try versions.addCandidate(try served(ArgmaxPolicy(width: 4), "wide"), share: 0.5) } == 422)
        #expect(status { try versions.addCandidate(try served(ArgmaxPolicy(width: 3), "prod-1"), share: 0.5) } == 409)
        #expect(status { try versions.promote("cand-1") } == 404)
        #expect(status { try versions.promote("prod-1") } == 409)
        try versions.addCandidate(try served(ArgmaxPolicy(width: 3), "cand-1"), share: 0.5)
        #expect(status { try versions.addCandidate(try served(ArgmaxPolicy(width: 3), "cand-2"), share: 0.5) } == 409)
        #expect(status { try versions.setShare(.nan, of: "cand-1") } == 422)
        #expect(status { try versions.setShare(0.5, of: "nope") } == 404)
        #expect(status { try versions.setShare(0.5, of: "prod-1") } == 409)
        #expect(status { try versions.rollback("nope") } == 404)
    }

    @Test("a candidate whose recent reward falls behind the fallback's by more than the margin is rolled back by itself")
    func automaticRollback() throws {
        let metrics = ServingMetrics()
        let settings = RolloutSettings(fallbackShare: 0.2, rollbackMargin: 0.1, rollbackWindow: 20)
        let versions = PolicyVersions(production: production, fallback: fallback, settings: settings, metrics: metrics)
        try versions.addCandidate(try served(ArgmaxPolicy(width: 3), "good"), share: 0.5)
        for _ in 0..<50 {
            versions.recordReward(0.5, version: "uniform-random", role: .fallback)
            versions.recordReward(0.45, version: "good", role: .candidate)   // behind, but within the margin
        }
        #expect(versions.summaries()[1].version == "good")
        try versions.rollback("good")
        try versions.addCandidate(try served(ArgmaxPolicy(width: 3), "bad"), share: 0.5)
        for i in 0..<19 { versions.recordReward(i % 2 == 0 ? 0.5 : 0.2, version: "bad", role: .candidate) }
        #expect(versions.summaries()[1].version == "bad", "19 rewards are fewer than the window")
        versions.recordReward(0.2, version: "bad", role: .candidate)
        let bad = try #require(versions.summaries().first { $0.version == "bad" })
        #expect(bad.role == .retired)
        #expect(bad.note?.hasPrefix("rolled back automatically: mean reward 0.3500 over its last 20 below the fallback's 0.5000") == true)
        #expect(versions.route(key: 7).role != .candidate)
        #expect(sample(metrics.exposition(), "recorl_serve_rollbacks_total", #"trigger="automatic""#) == 1)
        #expect(sample(metrics.exposition(), "recorl_serve_rollbacks_total", #"trigger="request""#) == 1)
    }

    @Test("online figures: counts, mean and the 95% normal interval by hand")
    func figures() throws {
        let versions = PolicyVersions(production: production, fallback: fallback)
        for _ in 0..<4 { versions.recordDecision(version: "prod-1") }
        for reward in [1.0, 0.0, 1.0, 1.0] { versions.recordReward(reward, version: "prod-1", role: .production) }
        let summary = versions.summaries()[0]
        #expect(summary.decisions == 4 && summary.rewards == 4)
        #expect(summary.meanReward == 0.75)
        // s^2 = ((0.25^2) * 3 + 0.75^2) / 3 = 0.25; half-width 1.96 * 0.5 / 2 = 0.49.
        let interval = try #require(summary.interval)
        #expect(abs(interval[0] - 0.26) < 1e-12 && abs(interval[1] - 1.24) < 1e-12)
        #expect(versions.summaries()[1].meanReward == nil && versions.summaries()[1].interval == nil)
    }

    @Test("invalid rollout settings name the setting")
    func settings() {
        #expect(throws: ServingError.self) { try RolloutSettings(fallbackShare: 1).validate() }
        #expect(throws: ServingError.self) { try RolloutSettings(rollbackMargin: 0.1).validate() }
        #expect(throws: ServingError.self) { try RolloutSettings(fallbackShare: 0.1, rollbackMargin: -1).validate() }
        #expect(throws: ServingError.self) { try RolloutSettings(rollbackWindow: 0).validate() }
        #expect(throws: Never.self) { try RolloutSettings(fallbackShare: 0.1, rollbackMargin: 0).validate() }
    }
}
