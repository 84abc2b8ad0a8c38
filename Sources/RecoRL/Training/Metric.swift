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

/// What one update (or one round of updates on a rollout) measured.
public struct UpdateReport: Equatable, Sendable {
    /// The loss minimised, the one that tells whether training diverged.
    public var loss: Float
    /// The algorithm's own measurements, keyed by the metrics its registry entry lists.
    public var metrics: [Metric: Float]

    public init(loss: Float, metrics: [Metric: Float] = [:]) {
        self.loss = loss
        self.metrics = metrics
    }

    /// Whether the loss and every measurement are finite (a non-finite one means the networks diverged).
    public var isFinite: Bool { loss.isFinite && metrics.values.allSatisfy(\.isFinite) }

    /// The first non-finite figure (the loss first), for the divergence error.
    var firstNonFinite: Float {
        if !loss.isFinite { return loss }
        return metrics.sorted { $0.key.name < $1.key.name }.first { !$0.value.isFinite }?.value ?? loss
    }
}
