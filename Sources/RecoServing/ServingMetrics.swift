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
///   policy (`model`, `fallback`), joined or defaulted, and their mean.
public final class ServingMetrics: Sendable {
    /// The registry every metric of this service is in.
    public let registry = PrometheusCollectorRegistry()

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
    }

    /// Counts a request to `endpoint` answered with `status` after `duration`.
    func recordRequest(endpoint: String, status: Int, duration: Duration) {
        registry.makeCounter(descriptor: .init(metricName: "recorl_serve_requests", unitName: "total",
                                               helpText: "Requests answered, by endpoint and status."),
                             labels: [("endpoint", endpoint), ("status", "\(status)")]).increment()
        registry.makeDurationHistogram(descriptor: .init(metricName: "recorl_serve_request_duration", unitName: "seconds",
                                                         helpText: "Time to answer a request, by endpoint."),
                                       labels: [("endpoint", endpoint)], buckets: Self.buckets).record(duration)
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
    /// of `policy` (`mean`) after it.
    func recordClosed(outcome: String, policy: String, mean: Double) {
        feedbackCounter(outcome).increment()
        registry.makeCounter(descriptor: .init(metricName: "recorl_serve_rewards", unitName: "total",
                                               helpText: "Rewards counted (joined or defaulted), by policy."),
                             labels: [("policy", policy)]).increment()
        registry.makeGauge(descriptor: .init(metricName: "recorl_serve_mean", unitName: "reward",
                                             helpText: "Mean reward of the decisions closed so far, by policy."),
                           labels: [("policy", policy)]).set(to: mean)
    }

    /// Every metric in Prometheus' text exposition format.
    public func exposition() -> String { registry.emitToString() }
}
