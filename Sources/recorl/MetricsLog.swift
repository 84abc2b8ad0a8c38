import Foundation

/// One row of training metrics, written at each evaluation.
struct MetricsRow: Codable {
    var step: Int
    var seconds: Double
    var stepsPerSecond: Double
    var episodes: Int
    var trainingMeanReturn: Float?
    var evaluationMeanReturn: Float
    var epsilon: Float
    var gradientSteps: Int
    var loss: Float?
}

/// Appends metrics rows to `metrics.csv` and `metrics.jsonl` in an output directory.
final class MetricsLog {
    let csv: FileHandle
    let jsonLines: FileHandle
    let directory: URL

    init(directory: URL) throws {
        self.directory = directory
        func create(_ name: String, header: String?) throws -> FileHandle {
            let url = directory.appendingPathComponent(name)
            guard FileManager.default.createFile(atPath: url.path, contents: header.map { Data($0.utf8) }) else {
                throw CommandError("--out: cannot create \(url.path); expected a writable directory")
            }
            let handle = try FileHandle(forWritingTo: url)
            handle.seekToEndOfFile()
            return handle
        }
        csv = try create("metrics.csv", header: "step,seconds,steps_per_second,episodes,training_mean_return,evaluation_mean_return,epsilon,gradient_steps,loss\n")
        jsonLines = try create("metrics.jsonl", header: nil)
    }

    deinit {
        try? csv.close()
        try? jsonLines.close()
    }

    func append(_ row: MetricsRow) throws {
        let optional: (Float?) -> String = { $0.map { String($0) } ?? "" }
        let line = [String(row.step), String(format: "%.3f", row.seconds), String(format: "%.1f", row.stepsPerSecond),
                    String(row.episodes), optional(row.trainingMeanReturn), String(row.evaluationMeanReturn),
                    String(row.epsilon), String(row.gradientSteps), optional(row.loss)].joined(separator: ",") + "\n"
        csv.write(Data(line.utf8))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        jsonLines.write(try encoder.encode(row) + Data("\n".utf8))
    }
}
