import Foundation

/// Which policy version answers a request, and the versions' online rewards: the production policy, at
/// most one candidate being rolled out to a share of the users, the fallback (with its holdout share),
/// and the retired versions. Thread-safe.
///
/// Routing is by a stable hash of the user (`TrafficSplit`): a user in the fallback's holdout share gets
/// the fallback; otherwise a user in the candidate's share gets the candidate; everyone else gets
/// production. A candidate is promoted (it becomes production; the old production is kept to roll back
/// to) or rolled back (it retires), on request or automatically when its recent online reward falls
/// below the fallback's by more than `RolloutSettings.rollbackMargin`.
public final class PolicyVersions: @unchecked Sendable {
    /// The policy and role answering one request.
    public struct Route: Sendable {
        public let served: ServedPolicy
        public let role: PolicyRole
    }

    private struct Candidate {
        var served: ServedPolicy
        var share: Double
    }

    private struct Retired {
        var version: String
        var note: String
    }

    /// The traffic and rollback settings.
    public let settings: RolloutSettings
    /// The policy answering the holdout share and for a failing model.
    public let fallback: ServedPolicy
    private let metrics: ServingMetrics?
    private let lock = NSLock()
    private var productionPolicy: ServedPolicy
    private var productionNote: String?
    private var candidate: Candidate?
    private var previousProductions: [ServedPolicy] = []
    private var retired: [Retired] = []
    private var statistics: [String: RewardStatistics] = [:]
    private var roleStatistics: [PolicyRole: RewardStatistics] = [:]

    /// The most former production versions kept to roll back to.
    public static let rollbackDepth = 8
    /// The most retired versions listed (their figures are kept while listed).
    public static let retiredListed = 50

    /// Versions with `production` answering all users but the fallback's holdout; `settings` must be
    /// valid (`RolloutSettings.validate`). Rollbacks are counted in `metrics`.
    public init(production: ServedPolicy, fallback: ServedPolicy, settings: RolloutSettings = RolloutSettings(),
                metrics: ServingMetrics? = nil) {
        productionPolicy = production
        self.fallback = fallback
        self.settings = settings
        self.metrics = metrics
    }

    /// The production policy now.
    public var production: ServedPolicy { lock.withLock { productionPolicy } }

    /// The policy answering the request whose routing key is `key` (`TrafficSplit.key(user:)`, or any
    /// random 64 bits for a request without a user).
    public func route(key: UInt64) -> Route {
        if settings.fallbackShare > 0, TrafficSplit.unit(key, salt: TrafficSplit.holdoutSalt) < settings.fallbackShare {
            return Route(served: fallback, role: .fallback)
        }
        return lock.withLock {
            if let candidate, TrafficSplit.unit(key, salt: TrafficSplit.candidateSalt) < candidate.share {
                return Route(served: candidate.served, role: .candidate)
            }
            return Route(served: productionPolicy, role: .production)
        }
    }

    /// Counts a decision made by `version`.
    public func recordDecision(version: String) {
        lock.withLock { statistics[version, default: RewardStatistics(window: settings.rollbackWindow)].recordDecision() }
    }

    /// Counts `reward` for a decision `version` made in `role`, then rolls the candidate back if it has
    /// fallen behind the fallback (when automatic rollback is on). Returns the mean reward of the role
    /// and of the version so far.
    @discardableResult
    public func recordReward(_ reward: Double, version: String, role: PolicyRole) -> (role: Double, version: Double) {
        lock.withLock {
            statistics[version, default: RewardStatistics(window: settings.rollbackWindow)].record(reward)
            roleStatistics[role, default: RewardStatistics(window: 1)].record(reward)
            let means = (role: roleStatistics[role]?.mean ?? reward, version: statistics[version]?.mean ?? reward)
            guard let margin = settings.rollbackMargin, let candidate,
                  version == candidate.served.version || version == fallback.version,
                  let candidateMean = statistics[candidate.served.version]?.recentMean,
                  let fallbackMean = statistics[fallback.version]?.recentMean,
                  candidateMean < fallbackMean - margin else { return means }
            retireCandidate(note: String(format: "rolled back automatically: mean reward %.4f over its last %d below the fallback's %.4f by more than %g",
                                         candidateMean, settings.rollbackWindow, fallbackMean, margin))
            metrics?.recordRollback(automatic: true)
            return means
        }
    }

    /// Starts rolling `served` out to `share` of the users. Throws a 409 while another candidate is
    /// out or when the version already serves, a 422 for a share outside (0, 1] or another shape.
    @discardableResult
    public func addCandidate(_ served: ServedPolicy, share: Double) throws -> PolicyVersionSummary {
        try Self.checkShare(share)
        guard served.policy.observationWidth == fallback.policy.observationWidth,
              served.policy.actionCount == fallback.policy.actionCount else {
            throw ServingError(.unprocessableContent, field: "checkpoint",
                               value: "\(served.policy.observationWidth) features, \(served.policy.actionCount) actions",
                               expected: "\(fallback.policy.observationWidth) features and \(fallback.policy.actionCount) actions, as the served policy")
        }
        return try lock.withLock {
            if let candidate {
                throw ServingError(.conflict, field: "checkpoint", value: served.version,
                                   expected: "no candidate rolling out (\(candidate.served.version) is; promote or roll it back first)")
            }
            guard served.version != productionPolicy.version, served.version != fallback.version else {
                throw ServingError(.conflict, field: "checkpoint", value: served.version, expected: "a version not already serving")
            }
            candidate = Candidate(served: served, share: share)
            retired.removeAll { $0.version == served.version }
            statistics[served.version] = RewardStatistics(window: settings.rollbackWindow)
            return summaryLocked(.candidate)
        }
    }

    /// Sets the candidate `version`'s share of the users.
    @discardableResult
    public func setShare(_ share: Double, of version: String) throws -> PolicyVersionSummary {
        try Self.checkShare(share)
        return try lock.withLock {
            try requireCandidate(version)
            candidate?.share = share
            return summaryLocked(.candidate)
        }
    }

    /// Makes the candidate `version` production (the former production is kept to roll back to).
    @discardableResult
    public func promote(_ version: String) throws -> PolicyVersionSummary {
        try lock.withLock {
            let promoted = try requireCandidate(version)
            candidate = nil
            replaceProduction(with: promoted.served, note: "promoted over \(productionPolicy.version)",
                              retiring: "replaced by \(promoted.served.version)")
            return summaryLocked(.production)
        }
    }

    /// Rolls `version` back: the candidate retires, or production returns to the version it replaced.
    /// Throws a 404 for a version that is neither, a 409 when production has nothing to return to.
    @discardableResult
    public func rollback(_ version: String) throws -> PolicyVersionSummary {
        try lock.withLock {
            if candidate?.served.version == version {
                retireCandidate(note: "rolled back by request")
                metrics?.recordRollback(automatic: false)
                return summaryLocked(version: version)
            }
            guard productionPolicy.version == version else { throw unknownVersion(version) }
            guard let previous = previousProductions.popLast() else {
                throw ServingError(.conflict, field: "version", value: version,
                                   expected: "a production version that replaced another (this one has nothing to roll back to)")
            }
            retired.insert(Retired(version: version, note: "rolled back to \(previous.version) by request"), at: 0)
            productionPolicy = previous
            productionNote = "restored by rollback of \(version)"
            metrics?.recordRollback(automatic: false)
            trimRetired()
            return summaryLocked(version: version)
        }
    }

    /// Makes `served` production at once (a version published by online learning), keeping the former
    /// one to roll back to.
    public func publish(_ served: ServedPolicy, note: String) {
        lock.withLock {
            replaceProduction(with: served, note: note, retiring: "superseded by \(served.version)")
        }
    }

    /// Every version: production, the candidate, the fallback, then the retired ones, latest first.
    public func summaries() -> [PolicyVersionSummary] {
        lock.withLock {
            var list = [summaryLocked(.production)]
            if candidate != nil { list.append(summaryLocked(.candidate)) }
            list.append(summaryLocked(.fallback))
            for entry in retired { list.append(summaryLocked(version: entry.version)) }
            return list
        }
    }

    // MARK: - Under the lock

    @discardableResult
    private func requireCandidate(_ version: String) throws -> Candidate {
        let known = version == productionPolicy.version || version == fallback.version
            || version == candidate?.served.version || retired.contains { $0.version == version }
        guard known else { throw unknownVersion(version) }
        guard let candidate, candidate.served.version == version else {
            throw ServingError(.conflict, field: "version", value: version,
                               expected: candidate.map { "the candidate's version, \($0.served.version)" } ?? "the candidate's version (no candidate is rolling out)")
        }
        return candidate
    }

    private func unknownVersion(_ version: String) -> ServingError {
        ServingError(.notFound, field: "version", value: version, expected: "a version listed by GET /v1/policies")
    }

    private func replaceProduction(with served: ServedPolicy, note: String, retiring: String) {
        let former = productionPolicy
        previousProductions.append(former)
        if previousProductions.count > Self.rollbackDepth { previousProductions.removeFirst() }
        retired.removeAll { $0.version == served.version }
        retired.insert(Retired(version: former.version, note: retiring), at: 0)
        productionPolicy = served
        productionNote = note
        trimRetired()
    }

    private func retireCandidate(note: String) {
        guard let version = candidate?.served.version else { return }
        candidate = nil
        retired.insert(Retired(version: version, note: note), at: 0)
        trimRetired()
    }

    private func trimRetired() {
        while retired.count > Self.retiredListed {
            let dropped = retired.removeLast()
            let stillServing = dropped.version == productionPolicy.version || dropped.version == candidate?.served.version
                || previousProductions.contains { $0.version == dropped.version }
            if !stillServing { statistics[dropped.version] = nil }
        }
    }

    private func summaryLocked(_ role: PolicyRole) -> PolicyVersionSummary {
        let answering = 1 - settings.fallbackShare
        switch role {
        case .production:
            return summary(productionPolicy.version, role, share: answering * (1 - (candidate?.share ?? 0)), note: productionNote)
        case .candidate:
            return summary(candidate?.served.version ?? "", role, share: answering * (candidate?.share ?? 0), note: nil)
        case .fallback:
            return summary(fallback.version, role, share: settings.fallbackShare, note: nil)
        case .retired:
            preconditionFailure("a retired version is summarised by name")
        }
    }

    private func summaryLocked(version: String) -> PolicyVersionSummary {
        if version == productionPolicy.version { return summaryLocked(.production) }
        if version == candidate?.served.version { return summaryLocked(.candidate) }
        return summary(version, .retired, share: 0, note: retired.first { $0.version == version }?.note)
    }

    private func summary(_ version: String, _ role: PolicyRole, share: Double, note: String?) -> PolicyVersionSummary {
        let stats = statistics[version]
        return PolicyVersionSummary(
            version: version, role: role, share: share, decisions: stats?.decisions ?? 0, rewards: stats?.count ?? 0,
            meanReward: (stats?.count ?? 0) > 0 ? stats?.mean : nil,
            interval: stats?.interval.map { [$0.lowerBound, $0.upperBound] }, note: note)
    }

    private static func checkShare(_ share: Double) throws {
        guard share.isFinite, share > 0, share <= 1 else {
            throw ServingError(.unprocessableContent, field: "share", value: "\(share)", expected: "a share in (0, 1]")
        }
    }
}
