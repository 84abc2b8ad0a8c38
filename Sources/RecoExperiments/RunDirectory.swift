import Foundation
import RecoRL

/// The output directory of a training run: `config.json` (the resolved configuration, every field),
/// `metrics.csv` and `metrics.jsonl` (one row per evaluation), `evaluations.csv` (one row per
/// evaluation, the same columns for every algorithm, with the mean max Q of value-based agents),
/// `episodes.csv` (one row per finished training episode), `checkpoint.safetensors`.
public struct RunDirectory {
    /// Checkpoint metadata key recording the environment's name.
    public static let environmentKey = "environment"
    /// Checkpoint metadata key recording the run's seed.
    public static let seedKey = "seed"
    /// Checkpoint metadata key recording the data directory of a data-backed environment.
    public static let datasetKey = "dataset"
    /// Checkpoint metadata key recording a data-backed environment's settings (JSON), when given.
    public static let environmentSettingsKey = "environmentSettings"

    public let url: URL

    /// Creates the directory at `path` (and its parents) if needed; an empty path is refused (it would
    /// mean the current directory).
    public init(creating path: String) throws {
        guard !path.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ExperimentError("--out: \"\(path)\" is not valid; expected a directory path")
        }
        url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw ExperimentError("--out: cannot create directory \(path) (\(error.localizedDescription))")
        }
    }

    public var checkpoint: URL { url.appendingPathComponent("checkpoint.safetensors") }
    public var record: URL { url.appendingPathComponent("run.json") }

    /// The files a run writes here (the snapshot folders included).
    static let runFiles = ["run.json", "config.json", "metrics.csv", "metrics.jsonl", EvaluationLog.fileName,
                           EpisodeLog.fileName, "checkpoint.safetensors", "snapshot", "snapshot.old", "snapshot.partial"]

    /// Whether a run has written here already.
    public var isUsed: Bool {
        RunDirectory.runFiles.contains { FileManager.default.fileExists(atPath: url.appendingPathComponent($0).path) }
    }

    /// Removes what an earlier run wrote here (for `--overwrite`).
    public func removeRunFiles() throws {
        for name in RunDirectory.runFiles {
            let file = url.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: file.path) { try FileManager.default.removeItem(at: file) }
        }
    }

    /// Writes the run's record (what `--resume` rebuilds the run from).
    public func write(record: RunRecord) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(record).write(to: self.record, options: .atomic)
    }

    /// The record of the run that wrote here.
    public func readRecord() throws -> RunRecord {
        do {
            return try JSONDecoder().decode(RunRecord.self, from: Data(contentsOf: record))
        } catch {
            throw ExperimentError("--resume: \(record.path) cannot be read (\(error)); expected the run.json of a run started by recorl train")
        }
    }
    public var metricsCSV: URL { url.appendingPathComponent("metrics.csv") }
    public var episodesCSV: URL { url.appendingPathComponent(EpisodeLog.fileName) }
    public var evaluationsCSV: URL { url.appendingPathComponent(EvaluationLog.fileName) }

    /// Writes `configuration` as pretty-printed JSON to `config.json` (what `--config` reads back).
    public func write(configuration: AlgorithmConfiguration) throws {
        try RunDirectory.json(configuration).write(to: url.appendingPathComponent("config.json"))
    }

    /// A fresh metrics log with a column per metric.
    public func metricsLog(metrics: [Metric], keepingRowsThrough step: Int? = nil) throws -> MetricsLog {
        try MetricsLog(directory: url, metrics: metrics, keepingRowsThrough: step)
    }

    /// `configuration` as pretty-printed, key-sorted JSON.
    public static func json(_ configuration: AlgorithmConfiguration) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(configuration)
    }
}
