import Foundation

/// Everything `recorl report` plots, read from a run directory and the optional inputs: the training
/// episodes and evaluations of the run, a prepared dataset's sentiment and rating counts, a
/// comparison's summaries and a benchmark's throughput. Reading checks every file; a malformed one
/// throws an `ExperimentError` naming the file, the line (or JSON field) and what was expected.
public struct RunReport {
    /// One periodic evaluation of the greedy policy (a row of `evaluations.csv`).
    public struct Evaluation: Equatable {
        /// Environment step (summed over copies) of the evaluation.
        public var step: Double
        /// Mean return over the evaluation episodes.
        public var meanReturn: Double
        /// Half-width of the mean's 95% confidence interval.
        public var confidenceHalfWidth: Double
        /// Mean over the visited states of the largest Q value; nil when the policy's scores are not Q values.
        public var meanMaxQ: Double?
    }

    /// One bin of the sentiment histogram (a row of `sentiment.csv`).
    public struct SentimentBin: Equatable {
        /// The bin's bounds on the VADER compound score, in [-1, 1].
        public var lower: Double
        public var upper: Double
        /// Reviews in the bin.
        public var count: Double
    }

    /// The distributions of a dataset prepared by `recorl data prepare`.
    public struct Dataset {
        /// The prepared dataset's directory.
        public var directory: String
        public var sentiment: [SentimentBin]
        /// Reviews per star, `(rating, count)` in file order.
        public var ratings: [(rating: Double, count: Double)]
    }

    /// Where the inputs are; nil for an optional input that was not given.
    public struct Inputs {
        /// A `recorl train --out` directory.
        public var run: String
        /// A `recorl-bench --json` file.
        public var bench: String?
        /// A `recorl compare --out` directory.
        public var compare: String?
        /// A `recorl data prepare --out` directory.
        public var data: String?
        /// The inputs of one report.
        public init(run: String, bench: String? = nil, compare: String? = nil, data: String? = nil) {
            self.run = run
            self.bench = bench
            self.compare = compare
            self.data = data
        }
    }

    /// Where the data came from (named in the page).
    public var inputs: Inputs
    /// The run's environment and algorithm from `run.json` (nil when the file is missing or unreadable:
    /// the plots do not need it).
    public var record: RunRecord?
    /// Training episodes in file order: their indices and returns.
    public var episodeIndices: [Double]
    public var episodeReturns: [Double]
    /// The run's evaluations in file order.
    public var evaluations: [Evaluation]
    /// The optional inputs, nil when not given.
    public var dataset: Dataset?
    public var comparison: ComparisonFile?
    public var bench: BenchThroughput?

    /// Reads the run directory's `episodes.csv` and `evaluations.csv` and whichever optional inputs are given.
    public static func load(_ inputs: Inputs) throws -> RunReport {
        let run = URL(fileURLWithPath: inputs.run)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: run.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ExperimentError("--run: \(inputs.run) is not a directory; expected the --out directory of recorl train")
        }
        let record = (try? Data(contentsOf: run.appendingPathComponent("run.json")))
            .flatMap { try? JSONDecoder().decode(RunRecord.self, from: $0) }

        let episodes = try ReportCSV(run.appendingPathComponent(EpisodeLog.fileName), columns: EpisodeLog.columns, flag: "--run")
        var indices: [Double] = [], returns: [Double] = []
        indices.reserveCapacity(episodes.rows.count)
        returns.reserveCapacity(episodes.rows.count)
        for row in episodes.rows.indices {
            indices.append(try episodes.number("episode", row: row, atLeast: 0))
            returns.append(try episodes.number("return", row: row))
        }

        let evaluationFile = try ReportCSV(run.appendingPathComponent(EvaluationLog.fileName), columns: EvaluationLog.columns,
                                           flag: "--run")
        let evaluations = try evaluationFile.rows.indices.map { row in
            Evaluation(step: try evaluationFile.number("step", row: row, atLeast: 0),
                       meanReturn: try evaluationFile.number("mean_return", row: row),
                       confidenceHalfWidth: try evaluationFile.number("ci95_half_width", row: row, atLeast: 0),
                       meanMaxQ: try evaluationFile.optionalNumber("mean_max_q", row: row))
        }

        return RunReport(inputs: inputs, record: record, episodeIndices: indices, episodeReturns: returns,
                         evaluations: evaluations, dataset: try inputs.data.map(readDataset),
                         comparison: try inputs.compare.map(ComparisonFile.read),
                         bench: try inputs.bench.map(BenchThroughput.read))
    }

    /// `sentiment.csv` and `ratings.csv` of a prepared dataset's directory.
    static func readDataset(_ directory: String) throws -> Dataset {
        let url = URL(fileURLWithPath: directory)
        let sentimentFile = try ReportCSV(url.appendingPathComponent("sentiment.csv"), columns: ["bin_lower", "bin_upper", "count"],
                                          flag: "--data")
        let sentiment = try sentimentFile.rows.indices.map { row in
            SentimentBin(lower: try sentimentFile.number("bin_lower", row: row), upper: try sentimentFile.number("bin_upper", row: row),
                         count: try sentimentFile.number("count", row: row, atLeast: 0))
        }
        let ratingsFile = try ReportCSV(url.appendingPathComponent("ratings.csv"), columns: ["rating", "count"], flag: "--data")
        let ratings = try ratingsFile.rows.indices.map { row in
            (rating: try ratingsFile.number("rating", row: row), count: try ratingsFile.number("count", row: row, atLeast: 0))
        }
        return Dataset(directory: directory, sentiment: sentiment, ratings: ratings)
    }
}
