import Foundation
import RecoEnvironments
import RecoEvaluation
import RecoRL

/// One training run of `recorl compare`.
public struct ComparisonRun: Codable {
    public var algorithm: String
    public var seed: UInt64
    public var environmentSteps: Int
    public var seconds: Double
    public var gradientSteps: Int
    /// Mean return of the greedy policy on the fixed evaluation episodes.
    public var finalReturn: Float

    public init(algorithm: String, seed: UInt64, environmentSteps: Int, seconds: Double, gradientSteps: Int,
                finalReturn: Float) {
        self.algorithm = algorithm
        self.seed = seed
        self.environmentSteps = environmentSteps
        self.seconds = seconds
        self.gradientSteps = gradientSteps
        self.finalReturn = finalReturn
    }

    public var environmentStepsPerSecond: Double { Double(environmentSteps) / max(seconds, 1e-9) }
    public var updatesPerSecond: Double { Double(gradientSteps) / max(seconds, 1e-9) }
}

/// An algorithm's runs over all seeds, summarised.
public struct ComparisonSummary: Codable {
    public var algorithm: String
    public var seeds: Int
    /// Mean of the runs' final returns (each on the same evaluation episodes).
    public var meanReturn: Float
    /// Sample standard deviation of the final return over seeds (divisor `seeds - 1`; 0 for one seed).
    public var returnStandardDeviation: Float
    /// Half-width of the 95% confidence interval for `meanReturn` over seeds, by the normal
    /// approximation: `1.96 * returnStandardDeviation / sqrt(seeds)` (with few seeds, a rough guide).
    public var returnConfidenceHalfWidth: Float
    public var minimumReturn: Float
    public var maximumReturn: Float
    public var meanSeconds: Double
    public var environmentStepsPerSecond: Double
    public var updatesPerSecond: Double

    /// The summary of `runs` (at least one).
    public init(algorithm: String, runs: [ComparisonRun]) {
        self.algorithm = algorithm
        seeds = runs.count
        let returns = runs.map(\.finalReturn)
        let statistics = PolicyEvaluation.Result(returns: returns.isEmpty ? [0] : returns)
        meanReturn = statistics.meanReturn
        returnStandardDeviation = statistics.standardDeviation
        returnConfidenceHalfWidth = statistics.confidenceHalfWidth
        minimumReturn = returns.min() ?? 0
        maximumReturn = returns.max() ?? 0
        let seconds = runs.reduce(0) { $0 + $1.seconds }
        meanSeconds = seconds / Double(runs.count)
        environmentStepsPerSecond = Double(runs.reduce(0) { $0 + $1.environmentSteps }) / max(seconds, 1e-9)
        updatesPerSecond = Double(runs.reduce(0) { $0 + $1.gradientSteps }) / max(seconds, 1e-9)
    }
}

/// The uniform-random policy and the best fixed action on the evaluation episodes.
public struct Baselines: Codable {
    public var random: PolicyEvaluation.Result
    public var bestFixedAction: String
    public var bestFixed: PolicyEvaluation.Result

    /// Both baselines of `environment` on `episodes` episodes of `evaluationEnvironment`.
    public init(environment: EnvironmentEntry, evaluationEnvironment: BatchedEnvironment, episodes: Int) throws {
        random = try PolicyEvaluation.uniformRandom(evaluationEnvironment, episodes: episodes, seed: EvaluationSettings.seed,
                                                    policySeed: 7)
        let fixed = try PolicyEvaluation.bestFixedAction(evaluationEnvironment, episodes: episodes, seed: EvaluationSettings.seed)
        bestFixedAction = environment.actionNames[fixed.action]
        bestFixed = fixed.result
    }
}

/// The comparison as a text table, CSV and JSON.
///
/// Every policy is evaluated on the same episodes (the same users in the same order). An algorithm's
/// row gives the mean of its seeds' final returns with the 95% confidence interval over seeds and the
/// standard deviation over seeds; a baseline's row gives its mean return with the 95% confidence
/// interval over the episodes and the standard deviation over the episodes. Both intervals are
/// `1.96 * sd / sqrt(n)` with the sample standard deviation.
public enum ComparisonReport {
    static let widths = [30, 16, 7, 17, 9, 12, 11]

    public static func table(_ summaries: [ComparisonSummary], baselines: Baselines, episodes: Int) -> String {
        var lines = ["final greedy return over \(episodes) evaluation episodes (seed \(EvaluationSettings.seed)), "
                     + "the same users in the same order for every policy;",
                     "algorithms: mean over seeds ± 95% interval over seeds, std and range over seeds; "
                     + "baselines: mean ± 95% interval over the \(episodes) episodes, std over the episodes",
                     Table.row(["policy", "return ± 95%", "std", "min..max", "wall s", "env steps/s", "updates/s"], widths: widths)]
        for summary in summaries {
            lines.append(Table.row([
                "\(summary.algorithm) (\(summary.seeds) seeds)",
                PolicyEvaluation.format(summary.meanReturn, plusMinus: summary.returnConfidenceHalfWidth),
                String(format: "%.3f", summary.returnStandardDeviation),
                String(format: "%.3f..%.3f", summary.minimumReturn, summary.maximumReturn),
                String(format: "%.1f", summary.meanSeconds), String(format: "%.0f", summary.environmentStepsPerSecond),
                String(format: "%.0f", summary.updatesPerSecond)], widths: widths))
        }
        for (label, result) in [("uniform random", baselines.random), ("best fixed: \(baselines.bestFixedAction)", baselines.bestFixed)] {
            lines.append(Table.row([label, result.formatted(), String(format: "%.3f", result.standardDeviation),
                                    "", "", "", ""], widths: widths))
        }
        return lines.joined(separator: "\n")
    }

    /// Writes `compare.csv` (one row per algorithm and baseline; `return_ci95` is the half-width of the
    /// row's 95% interval, over seeds for an algorithm and over the episodes for a baseline) and
    /// `compare.json` (summaries, every run and the baselines) into `directory`.
    public static func write(runs: [ComparisonRun], summaries: [ComparisonSummary], baselines: Baselines, to directory: URL) throws {
        // The columns of earlier versions first; the interval's half-width and the episode count follow.
        var csv = "policy,seeds,mean_return,return_std,min_return,max_return,mean_seconds,env_steps_per_second,"
            + "updates_per_second,return_ci95,episodes\n"
        let episodes = baselines.random.episodes
        for s in summaries {
            csv += "\(s.algorithm),\(s.seeds),\(s.meanReturn),\(s.returnStandardDeviation),\(s.minimumReturn),\(s.maximumReturn),"
                + String(format: "%.3f,%.1f,%.1f,", s.meanSeconds, s.environmentStepsPerSecond, s.updatesPerSecond)
                + "\(s.returnConfidenceHalfWidth),\(episodes)\n"
        }
        for (label, result) in [("uniform random", baselines.random), ("\"best fixed: \(baselines.bestFixedAction)\"", baselines.bestFixed)] {
            csv += "\(label),,\(result.meanReturn),\(result.standardDeviation),,,,,,\(result.confidenceHalfWidth),\(result.episodes)\n"
        }
        struct Report: Encodable {
            var summaries: [ComparisonSummary]
            var runs: [ComparisonRun]
            var baselines: Baselines
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try Data(csv.utf8).write(to: directory.appendingPathComponent("compare.csv"))
            try encoder.encode(Report(summaries: summaries, runs: runs, baselines: baselines))
                .write(to: directory.appendingPathComponent("compare.json"))
        } catch {
            throw ExperimentError("--out: cannot write the comparison into \(directory.path) (\(error.localizedDescription))")
        }
    }
}
