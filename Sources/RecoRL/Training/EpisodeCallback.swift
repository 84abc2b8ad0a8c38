import Foundation
import RecoEnvironments

/// A training callback that also hears of every training episode as it finishes: for per-episode logs
/// (the reward-per-episode plot) without the run holding its episodes in memory.
///
/// The trainer calls `episodeFinished` right after the vector step in which the episode ended, before
/// that step's updates, callbacks and snapshot, in the order the environment reports them
/// (`drainCompletedEpisodes`). What it throws ends the run at the trainer's next callback or snapshot
/// check (the acting loop itself does not throw).
public protocol EpisodeCallback: TrainingCallback {
    /// `episode` (undiscounted return, length) is the run's episode `index`, counted from 0 and on
    /// across a resume; `step` is the environment step (summed over copies) at which it finished.
    func episodeFinished(_ episode: EpisodeSummary, index: Int, step: Int) throws
}
