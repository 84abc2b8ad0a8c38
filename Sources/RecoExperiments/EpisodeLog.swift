import Foundation
import RecoEnvironments
import RecoRL

/// Writes `episodes.csv` in a run directory: one row per finished training episode,
/// `episode,step,return,length` (the episode's index from 0, the environment step summed over copies
/// at which it finished, its undiscounted return and its length), the data of the reward-per-episode
/// plot. Rows are streamed as the episodes finish through a 64 KiB buffer, written at every snapshot
/// (`flush`, which `RunSnapshots` calls first, so a snapshot's episodes are on disk before it) and at
/// the end of the run; a resumed run cuts the rows after its snapshot and appends from there.
public final class EpisodeLog: EpisodeCallback {
    /// The file's name in the run directory.
    public static let fileName = "episodes.csv"
    /// Its columns.
    public static let columns = ["episode", "step", "return", "length"]

    /// Called only at the end of the run (to write what is pending).
    public let interval = Int.max
    private let file: RunCSVFile

    /// A fresh `episodes.csv` in `directory`, or, with `keepingRowsThrough`, that of a resumed run with
    /// its rows after that step dropped.
    public init(directory: URL, keepingRowsThrough resumedStep: Int? = nil) throws {
        file = try RunCSVFile(url: directory.appendingPathComponent(EpisodeLog.fileName),
                              header: EpisodeLog.columns.joined(separator: ","), stepColumn: 1, bufferLimit: 1 << 16,
                              keepingRowsThrough: resumedStep)
    }

    public func episodeFinished(_ episode: EpisodeSummary, index: Int, step: Int) throws {
        try file.append([String(index), String(step), String(episode.totalReward), String(episode.length)])
    }

    public func trainingProgressed(_ progress: TrainingProgress, agent: Agent) throws -> TrainingDecision {
        try flush()
        return .proceed
    }

    /// Writes the pending rows.
    public func flush() throws { try file.flush() }
}
