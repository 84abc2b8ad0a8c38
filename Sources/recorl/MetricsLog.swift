import Foundation
import RecoRL

/// One row of training metrics, written at each evaluation.
struct MetricsRow: Encodable {
    var step: Int
    var seconds: Double
    var stepsPerSecond: Double
    var episodes: Int
    var trainingMeanReturn: Float?
    var evaluationMeanReturn: Float
    /// Epsilon-greedy agents only.
    var epsilon: Float?
    var gradientSteps: Int
    var loss: Float?
    /// The algorithm's own measurements of its last update, by name.
    var statistics: [String: Float]

    init(progress: TrainingProgress, evaluationMeanReturn: Float) {
        step = progress.step
        seconds = progress.seconds
        stepsPerSecond = progress.stepsPerSecond
        episodes = progress.episodes
        trainingMeanReturn = progress.recentMeanReturn
        self.evaluationMeanReturn = evaluationMeanReturn
        epsilon = progress.epsilon
        gradientSteps = progress.gradientSteps
        loss = progress.loss
        statistics = progress.statistics
    }
}

/// Appends metrics rows to `metrics.csv` and `metrics.jsonl` in an output directory. The CSV has a
/// column per algorithm statistic, named up front so every row has the same columns.
final class MetricsLog {
    let csv: FileHandle
    let jsonLines: FileHandle
    let directory: URL
    let statisticNames: [String]

    init(directory: URL, statisticNames: [String]) throws {
        self.directory = directory
        self.statisticNames = statisticNames
        func create(_ name: String, header: String?) throws -> FileHandle {
            let url = directory.appendingPathComponent(name)
            guard FileManager.default.createFile(atPath: url.path, contents: header.map { Data($0.utf8) }) else {
                throw CommandError("--out: cannot create \(url.path); expected a writable directory")
            }
            let handle = try FileHandle(forWritingTo: url)
            handle.seekToEndOfFile()
            return handle
        }
        let columns = ["step", "seconds", "steps_per_second", "episodes", "training_mean_return", "evaluation_mean_return",
                       "epsilon", "gradient_steps", "loss"] + statisticNames
        csv = try create("metrics.csv", header: columns.joined(separator: ",") + "\n")
        jsonLines = try create("metrics.jsonl", header: nil)
    }

    deinit {
        try? csv.close()
        try? jsonLines.close()
    }

    func append(_ row: MetricsRow) throws {
        let optional: (Float?) -> String = { $0.map { String($0) } ?? "" }
        let cells = [String(row.step), String(format: "%.3f", row.seconds), String(format: "%.1f", row.stepsPerSecond),
                     String(row.episodes), optional(row.trainingMeanReturn), String(row.evaluationMeanReturn),
                     optional(row.epsilon), String(row.gradientSteps), optional(row.loss)]
            + statisticNames.map { optional(row.statistics[$0]) }
        csv.write(Data((cells.joined(separator: ",") + "\n").utf8))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        jsonLines.write(try encoder.encode(row) + Data("\n".utf8))
    }
}
