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
    /// Every counter, gauge and histogram made so far, by name and label values: the registry checks
    /// names and help texts on every `make` call, which the request and feedback paths should not pay
    /// for (the feedback path runs under the pending decisions' lock).
    private let lock = NSLock()
    private var counters: [MetricKey: Counter] = [:]
    private var gauges: [MetricKey: Gauge] = [:]
    private var histograms: [MetricKey: DurationHistogram] = [:]

    private struct MetricKey: Hashable {
        var name: String
        var labels: [String]
    }

    private static let buckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1),
    ]

    /// A set of metrics whose fallback, feedback, rollback and publication counters start at 0 (so they
    /// are scraped before the first event).
    public init() {
        for reason in [FallbackReason.modelError, .latencyBudget] { _ = fallbackCounter(reason) }
        for outcome in ["joined", "expired"] { _ = feedbackCounter(outcome) }
        for trigger in ["automatic", "request"] { _ = rollbackCounter(trigger) }
        _ = publishedCounter()
    }

    /// The counter `name_unit` with `labels`, made on first use.
    private func counter(_ name: String, _ unit: String, help: String, _ labels: [(String, String)] = []) -> Counter {
        lock.withLock {
            let key = MetricKey(name: name, labels: labels.map(\.1))
            if let counter = counters[key] { return counter }
            let counter = registry.makeCounter(descriptor: .init(metricName: name, unitName: unit, helpText: help), labels: labels)
            counters[key] = counter
            return counter
        }
    }

    /// The gauge `name_unit` with `labels`, made on first use.
    private func gauge(_ name: String, _ unit: String, help: String, _ labels: [(String, String)]) -> Gauge {
        lock.withLock {
            let key = MetricKey(name: name, labels: labels.map(\.1))
            if let gauge = gauges[key] { return gauge }
            let gauge = registry.makeGauge(descriptor: .init(metricName: name, unitName: unit, helpText: help), labels: labels)
            gauges[key] = gauge
            return gauge
        }
    }

    /// Counts a rollback, `automatic` (a candidate behind the fallback) or on request.
    func recordRollback(automatic: Bool) {
        rollbackCounter(automatic ? "automatic" : "request").increment()
    }

    /// Counts a version published by online learning.
    func recordPublished() {
        publishedCounter().increment()
    }

    private func rollbackCounter(_ trigger: String) -> Counter {
        counter("recorl_serve_rollbacks", "total", help: "Policy versions rolled back, automatically or on request.",
                [("trigger", trigger)])
    }

    private func publishedCounter() -> Counter {
        counter("recorl_serve_published_versions", "total", help: "Policy versions published by online learning.")
    }

    /// Counts a request to `endpoint` answered with `status` after `duration`.
    func recordRequest(endpoint: String, status: Int, duration: Duration) {
        counter("recorl_serve_requests", "total", help: "Requests answered, by endpoint and status.",
                [("endpoint", endpoint), ("status", "\(status)")]).increment()
        let histogram = lock.withLock { () -> DurationHistogram in
            let key = MetricKey(name: "recorl_serve_request_duration", labels: [endpoint])
            if let histogram = histograms[key] { return histogram }
            let histogram = registry.makeDurationHistogram(
                descriptor: .init(metricName: key.name, unitName: "seconds", helpText: "Time to answer a request, by endpoint."),
                labels: [("endpoint", endpoint)], buckets: Self.buckets)
            histograms[key] = histogram
            return histogram
        }
        histogram.record(duration)
    }

    /// Counts a decision the fallback made for `reason`.
    func recordFallback(_ reason: FallbackReason) {
        fallbackCounter(reason).increment()
    }

    private func fallbackCounter(_ reason: FallbackReason) -> Counter {
        counter("recorl_serve_fallbacks", "total", help: "Decisions made by the fallback policy, by reason.",
                [("reason", reason.rawValue)])
    }

    private func feedbackCounter(_ outcome: String) -> Counter {
        counter("recorl_serve_feedback", "total",
                help: "Decisions closed by feedback (joined) or by their window (expired, default reward).", [("outcome", outcome)])
    }

    /// Counts a decision closed by feedback (`joined`) or by its window (`expired`), and the mean reward
    /// of its role `policy` (`mean`) and of its `version` (`versionMean`) after it.
    func recordClosed(outcome: String, policy: String, mean: Double, version: String, versionMean: Double) {
        feedbackCounter(outcome).increment()
        counter("recorl_serve_rewards", "total", help: "Rewards counted (joined or defaulted), by policy.",
                [("policy", policy)]).increment()
        gauge("recorl_serve_mean", "reward", help: "Mean reward of the decisions closed so far, by policy.",
              [("policy", policy)]).set(to: mean)
        counter("recorl_serve_version_rewards", "total", help: "Rewards counted (joined or defaulted), by policy version.",
                [("version", version)]).increment()
        gauge("recorl_serve_version_mean", "reward", help: "Mean reward of the decisions closed so far, by policy version.",
              [("version", version)]).set(to: versionMean)
    }

    /// Every metric in Prometheus' text exposition format.
    public func exposition() -> String { registry.emitToString() }
}
