import Foundation
import RecoEvaluation

/// Writes `evaluations.csv` in a run directory: one row per periodic evaluation of the greedy policy,
/// `step,mean_return,std_return,ci95_half_width,evaluation_episodes,mean_max_q`, the data of the
/// learning-curve and Q-value convergence plots. Its columns are the same for every algorithm (unlike
/// `metrics.csv`, whose last columns are the algorithm's own), and it holds no timings, so an
/// interrupted and resumed run writes the same file as an uninterrupted one. `mean_max_q` is the mean
/// over the states the greedy policy acted on of its largest Q value
/// (`PolicyEvaluation.evaluateWithMeanMaxQ`), empty for policies whose scores are not Q values. Each
/// row is written at once; a resumed run cuts the rows after its snapshot and appends from there.
public final class EvaluationLog {
    /// The file's name in the run directory.
    public static let fileName = "evaluations.csv"
    /// Its columns.
    public static let columns = ["step", "mean_return", "std_return", "ci95_half_width", "evaluation_episodes",
                                 "mean_max_q"]

    private let file: RunCSVFile

    /// A fresh `evaluations.csv` in `directory`, or, with `keepingRowsThrough`, that of a resumed run
    /// with its rows after that step dropped.
    public init(directory: URL, keepingRowsThrough resumedStep: Int? = nil) throws {
        file = try RunCSVFile(url: directory.appendingPathComponent(EvaluationLog.fileName),
                              header: EvaluationLog.columns.joined(separator: ","), stepColumn: 0, bufferLimit: 0,
                              keepingRowsThrough: resumedStep)
    }

    /// Appends the evaluation at environment step `step`.
    public func append(step: Int, result: PolicyEvaluation.Result, meanMaxQ: Float?) throws {
        try file.append([String(step), String(result.meanReturn), String(result.standardDeviation),
                         String(result.confidenceHalfWidth), String(result.episodes), meanMaxQ.map { String($0) } ?? ""])
    }
}
