import Foundation
import Prometheus

/// The service's Prometheus metrics, in a registry of its own (so several services in one process,
/// as in tests, keep separate counts), written out by `GET /metrics`.
///
/// - `recorl_serve_requests_total{endpoint, status}`: requests answered.
/// - `recorl_serve_request_duration_seconds{endpoint}`: a histogram of the time to answer.
/// - `recorl_serve_fallbacks_total{reason}`: decisions the fallback made (`model_error`, `latency_budget`).
/// - `recorl_serve_feedback_total{outcome}`: decisions closed by feedback (`joined`) or by the window
///   (`expired`, given the default reward).
/// - `recorl_serve_rewards_total{policy}` and `recorl_serve_mean_reward{policy}`: rewards counted per
///   answering role (`production`, `candidate`, `fallback`), joined or defaulted, and their mean.
/// - `recorl_serve_version_rewards_total{version}` and `recorl_serve_version_mean_reward{version}`: the
///   same per policy version.
/// - `recorl_serve_rollbacks_total{trigger}`: candidates (or productions) rolled back, `automatic` or
///   on `request`.
/// - `recorl_serve_published_versions_total`: versions published by online learning.
public final class ServingMetrics: @unchecked Sendable {
    /// The registry every metric of this service is in.
    public let registry = PrometheusCollectorRegistry()
    /// The request counter of each endpoint and status, and the latency histogram of each endpoint,
    /// looked up once: the registry checks names and help texts on every `make` call, which a request
    /// path should not pay for.
    private let lock = NSLock()
    private var requestCounters: [RequestKey: Counter] = [:]
    private var durationHistograms: [String: DurationHistogram] = [:]

    private struct RequestKey: Hashable {
        var endpoint: String
        var status: Int
    }

    private static let buckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1),
    ]

    /// A set of metrics whose fallback and feedback counters start at 0 (so they are scraped before the
    /// first event).
    public init() {
        for reason in [FallbackReason.modelError, .latencyBudget] { fallbackCounter(reason) }
        for outcome in ["joined", "expired"] { feedbackCounter(outcome) }
        for trigger in ["automatic", "request"] { rollbackCounter(trigger) }
        publishedCounter()
    }

    /// Counts a rollback, `automatic` (a candidate behind the fallback) or on request.
    func recordRollback(automatic: Bool) {
        rollbackCounter(automatic ? "automatic" : "request").increment()
    }

    /// Counts a version published by online learning.
    func recordPublished() {
        publishedCounter().increment()
    }

    @discardableResult
    private func rollbackCounter(_ trigger: String) -> Counter {
        registry.makeCounter(descriptor: .init(metricName: "recorl_serve_rollbacks", unitName: "total",
                                               helpText: "Policy versions rolled back, automatically or on request."),
                             labels: [("trigger", trigger)])
    }

    @discardableResult
    private func publishedCounter() -> Counter {
        registry.makeCounter(descriptor: .init(metricName: "recorl_serve_published_versions", unitName: "total",
                                               helpText: "Policy versions published by online learning."))
    }

    /// Counts a request to `endpoint` answered with `status` after `duration`.
    func recordRequest(endpoint: String, status: Int, duration: Duration) {
        let (counter, histogram) = lock.withLock { () -> (Counter, DurationHistogram) in
            let key = RequestKey(endpoint: endpoint, status: status)
            let counter = requestCounters[key] ?? registry.makeCounter(
                descriptor: .init(metricName: "recorl_serve_requests", unitName: "total", helpText: "Requests answered, by endpoint and status."),
                labels: [("endpoint", endpoint), ("status", "\(status)")])
            requestCounters[key] = counter
            let histogram = durationHistograms[endpoint] ?? registry.makeDurationHistogram(
                descriptor: .init(metricName: "recorl_serve_request_duration", unitName: "seconds",
                                  helpText: "Time to answer a request, by endpoint."),
                labels: [("endpoint", endpoint)], buckets: Self.buckets)
            durationHistograms[endpoint] = histogram
            return (counter, histogram)
        }
        counter.increment()
        histogram.record(duration)
    }

    /// Counts a decision the fallback made for `reason`.
    func recordFallback(_ reason: FallbackReason) {
        fallbackCounter(reason).increment()
    }

    @discardableResult
    private func fallbackCounter(_ reason: FallbackReason) -> Counter {
        registry.makeCounter(descriptor: .init(metricName: "recorl_serve_fallbacks", unitName: "total",
                                               helpText: "Decisions made by the fallback policy, by reason."),
                             labels: [("reason", reason.rawValue)])
    }

    @discardableResult
    private func feedbackCounter(_ outcome: String) -> Counter {
        registry.makeCounter(descriptor: .init(metricName: "recorl_serve_feedback", unitName: "total",
                                               helpText: "Decisions closed by feedback (joined) or by their window (expired, default reward)."),
                             labels: [("outcome", outcome)])
    }

    /// Counts a decision closed by feedback (`joined`) or by its window (`expired`), and the mean reward
    /// of its role `policy` (`mean`) and of its `version` (`versionMean`) after it.
    func recordClosed(outcome: String, policy: String, mean: Double, version: String, versionMean: Double) {
        feedbackCounter(outcome).increment()
        registry.makeCounter(descriptor: .init(metricName: "recorl_serve_rewards", unitName: "total",
                                               helpText: "Rewards counted (joined or defaulted), by policy."),
                             labels: [("policy", policy)]).increment()
        registry.makeGauge(descriptor: .init(metricName: "recorl_serve_mean", unitName: "reward",
                                             helpText: "Mean reward of the decisions closed so far, by policy."),
                           labels: [("policy", policy)]).set(to: mean)
        registry.makeCounter(descriptor: .init(metricName: "recorl_serve_version_rewards", unitName: "total",
                                               helpText: "Rewards counted (joined or defaulted), by policy version."),
                             labels: [("version", version)]).increment()
        registry.makeGauge(descriptor: .init(metricName: "recorl_serve_version_mean", unitName: "reward",
                                             helpText: "Mean reward of the decisions closed so far, by policy version."),
                           labels: [("version", version)]).set(to: versionMean)
    }

    /// Every metric in Prometheus' text exposition format.
    public func exposition() -> String { registry.emitToString() }
}
