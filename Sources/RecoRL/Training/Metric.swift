/// A named measurement an algorithm reports for its updates: a column of the metrics files.
///
/// Learners write their measurements keyed by these constants and the algorithm registry lists the
/// ones each algorithm reports, so the metrics files' columns and what the learners write cannot
/// drift apart (a test checks each registered algorithm against its list).
public struct Metric: Hashable, Sendable, CustomStringConvertible {
    /// The column name (`snake_case`).
    public let name: String
    /// What it measures, in a sentence.
    public let summary: String

    public init(_ name: String, _ summary: String) {
        self.name = name
        self.summary = summary
    }

    public static func == (lhs: Metric, rhs: Metric) -> Bool { lhs.name == rhs.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
    public var description: String { name }
}

extension Metric {
    /// Mean entropy of the policy on the update's observations.
    public static let entropy = Metric("entropy", "mean entropy of the policy on the update's observations")
}

/// An update's measurements, one value per metric of a fixed list (the learner's), stored inline so
/// that reporting them allocates nothing in the training loop. At most `capacity` metrics.
public struct MetricValues: Sendable {
    /// Most metrics one report holds.
    public static let capacity = 8
    /// The metrics, in the learner's order (pass a stored list: it is shared, not copied).
    public let metrics: [Metric]
    private var values = SIMD8<Float>(repeating: .nan)
    private var present: SIMD8<Int32> = .zero

    /// No values yet for `metrics` (at most `capacity` of them).
    public init(_ metrics: [Metric]) {
        precondition(metrics.count <= MetricValues.capacity, "at most \(MetricValues.capacity) metrics per update")
        self.metrics = metrics
    }

    /// The value of `metric`, nil when it is not set or not in the list; setting a metric outside the
    /// list is ignored.
    public subscript(metric: Metric) -> Float? {
        get {
            guard let index = metrics.firstIndex(of: metric), present[index] != 0 else { return nil }
            return values[index]
        }
        set {
            guard let index = metrics.firstIndex(of: metric) else { return }
            values[index] = newValue ?? .nan
            present[index] = newValue == nil ? 0 : 1
        }
    }

    /// Whether every value set is finite.
    public var isFinite: Bool { metrics.indices.allSatisfy { present[$0] == 0 || values[$0].isFinite } }

    /// The values set, by metric (for progress reports, built only when a report is due).
    public var dictionary: [Metric: Float] {
        var result: [Metric: Float] = [:]
        for index in metrics.indices where present[index] != 0 { result[metrics[index]] = values[index] }
        return result
    }
}

extension MetricValues: Equatable {
    /// Equal when the same metrics hold the same values (unset values are not compared).
    public static func == (lhs: MetricValues, rhs: MetricValues) -> Bool {
        lhs.metrics == rhs.metrics && lhs.dictionary == rhs.dictionary
    }
}

/// What one update (or one round of updates on a rollout) measured.
public struct UpdateReport: Equatable, Sendable {
    /// The loss minimised, the one that tells whether training diverged.
    public var loss: Float
    /// The algorithm's own measurements, keyed by the metrics its registry entry lists.
    public var metrics: MetricValues

    public init(loss: Float, metrics: MetricValues) {
        self.loss = loss
        self.metrics = metrics
    }

    /// A report from a dictionary (for learners off the hot path; allocates).
    public init(loss: Float, metrics: [Metric: Float]) {
        var values = MetricValues(metrics.keys.sorted { $0.name < $1.name })
        for (metric, value) in metrics { values[metric] = value }
        self.init(loss: loss, metrics: values)
    }

    /// Whether the loss and every measurement are finite (a non-finite one means the networks diverged).
    public var isFinite: Bool { loss.isFinite && metrics.isFinite }

    /// The first non-finite figure (the loss first), for the divergence error.
    var firstNonFinite: Float {
        if !loss.isFinite { return loss }
        return metrics.metrics.compactMap { metrics[$0] }.first { !$0.isFinite } ?? loss
    }
}
