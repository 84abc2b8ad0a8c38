import Foundation
import RecoRL

/// One row of training metrics, written at each evaluation.
public struct MetricsRow: Encodable {
    public var step: Int
    public var seconds: Double
    public var stepsPerSecond: Double
    public var episodes: Int
    public var trainingMeanReturn: Float?
    public var evaluationMeanReturn: Float
    /// Epsilon-greedy agents only.
    public var epsilon: Float?
    public var gradientSteps: Int
    public var loss: Float?
    /// The algorithm's own measurements of its last update, by metric name.
    public var statistics: [String: Float]

    public init(progress: TrainingProgress, evaluationMeanReturn: Float) {
        step = progress.step
        seconds = progress.seconds
        stepsPerSecond = progress.stepsPerSecond
        episodes = progress.episodes
        trainingMeanReturn = progress.recentMeanReturn
        self.evaluationMeanReturn = evaluationMeanReturn
        epsilon = progress.epsilon
        gradientSteps = progress.gradientSteps
        loss = progress.loss
        statistics = Dictionary(uniqueKeysWithValues: progress.metrics.map { ($0.key.name, $0.value) })
    }
}

/// Appends metrics rows to `metrics.csv` and `metrics.jsonl` in an output directory. The CSV has a
/// column per metric of the algorithm (its registry entry's list), named up front so every row has
/// the same columns.
public final class MetricsLog {
    private let csv: FileHandle
    private let jsonLines: FileHandle
    /// The algorithm's metrics, in column order.
    public let metrics: [Metric]

    /// The columns every run has, before the algorithm's own.
    public static let commonColumns = ["step", "seconds", "steps_per_second", "episodes", "training_mean_return",
                                       "evaluation_mean_return", "epsilon", "gradient_steps", "loss"]

    public init(directory: URL, metrics: [Metric]) throws {
        self.metrics = metrics
        func create(_ name: String, header: String?) throws -> FileHandle {
            let url = directory.appendingPathComponent(name)
            guard FileManager.default.createFile(atPath: url.path, contents: header.map { Data($0.utf8) }) else {
                throw ExperimentError("--out: cannot create \(url.path); expected a writable directory")
            }
            let handle = try FileHandle(forWritingTo: url)
            handle.seekToEndOfFile()
            return handle
        }
        let columns = MetricsLog.commonColumns + metrics.map(\.name)
        csv = try create("metrics.csv", header: columns.joined(separator: ",") + "\n")
        jsonLines = try create("metrics.jsonl", header: nil)
    }

    deinit {
        try? csv.close()
        try? jsonLines.close()
    }

    public func append(_ row: MetricsRow) throws {
        let optional: (Float?) -> String = { $0.map { String($0) } ?? "" }
        let cells = [String(row.step), String(format: "%.3f", row.seconds), String(format: "%.1f", row.stepsPerSecond),
                     String(row.episodes), optional(row.trainingMeanReturn), String(row.evaluationMeanReturn),
                     optional(row.epsilon), String(row.gradientSteps), optional(row.loss)]
            + metrics.map { optional(row.statistics[$0.name]) }
        csv.write(Data((cells.joined(separator: ",") + "\n").utf8))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        jsonLines.write(try encoder.encode(row) + Data("\n".utf8))
    }
}
