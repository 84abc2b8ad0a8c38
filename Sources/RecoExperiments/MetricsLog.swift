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

    /// A fresh log in `directory`, or, with `keepingRowsThrough`, the existing log of a resumed run with
    /// its rows after that step dropped (they were written after the snapshot the run resumes from).
    public init(directory: URL, metrics: [Metric], keepingRowsThrough resumedStep: Int? = nil) throws {
        self.metrics = metrics
        func kept(_ name: String, _ step: (Substring) -> Int?) -> String? {
            guard let resumedStep,
                  let text = try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8) else { return nil }
            let lines = text.split(separator: "\n")
            return lines.filter { line in step(line).map { $0 <= resumedStep } ?? false }.map { $0 + "\n" }.joined()
        }
        let keptCSV = kept("metrics.csv") { Int($0.prefix { $0 != "," }) }
        let keptJSON = kept("metrics.jsonl") { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["step"] as? Int
        }
        func create(_ name: String, header: String?, rows: String?) throws -> FileHandle {
            let url = directory.appendingPathComponent(name)
            let contents = (header ?? "") + (rows ?? "")
            guard FileManager.default.createFile(atPath: url.path, contents: Data(contents.utf8)) else {
                throw ExperimentError("--out: cannot create \(url.path); expected a writable directory")
            }
            let handle = try FileHandle(forWritingTo: url)
            handle.seekToEndOfFile()
            return handle
        }
        let columns = MetricsLog.commonColumns + metrics.map(\.name)
        csv = try create("metrics.csv", header: columns.joined(separator: ",") + "\n", rows: keptCSV)
        jsonLines = try create("metrics.jsonl", header: nil, rows: keptJSON)
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
