import Foundation

/// The report's figures, each an `SVGPlot` built from a `RunReport` (nil where its data is absent).
public enum ReportPlots {
    /// The most points the reward-per-episode plot draws: longer runs are binned (`SeriesDownsampling`).
    public static let maximumEpisodePoints = 1_000

    /// The window of the episode return's moving average: a tenth of the episodes, 1 to 100.
    public static func movingAverageWindow(episodes: Int) -> Int { min(100, max(1, episodes / 10)) }

    /// Return per training episode: each bin's mean, its min-max band, and the moving average.
    public static func episodeReturns(_ report: RunReport) -> SVGPlot? {
        guard !report.episodeReturns.isEmpty else { return nil }
        let bins = SeriesDownsampling.bins(x: report.episodeIndices, y: report.episodeReturns, maximumBins: maximumEpisodePoints)
        let window = movingAverageWindow(episodes: report.episodeReturns.count)
        let average = SeriesDownsampling.bins(x: report.episodeIndices,
                                              y: SeriesDownsampling.movingAverage(report.episodeReturns, window: window),
                                              maximumBins: maximumEpisodePoints)
        let binned = bins.contains { $0.count > 1 }
        var series: [SVGPlot.Series] = []
        if binned {
            series.append(SVGPlot.Series("min to max within a bin of \(bins[0].count)+ episodes", colour: 0,
                                         .band(bins.map { SVGPlot.Interval(x: $0.x, lower: $0.minimum, upper: $0.maximum) })))
        }
        series.append(SVGPlot.Series(binned ? "mean return per bin" : "return", colour: 0,
                                     .line(bins.map { SVGPlot.Point(x: $0.x, y: $0.mean) })))
        series.append(SVGPlot.Series("moving average over \(window) episodes", colour: 3,
                                     .line(average.map { SVGPlot.Point(x: $0.x, y: $0.mean) })))
        return SVGPlot(title: "Reward per episode (training, \(report.episodeReturns.count) episodes)",
                       x: SVGPlot.Axis("episode (index from 0)"), y: SVGPlot.Axis("return per episode (sum of rewards)"),
                       series: series)
    }

    /// Mean max-Q per evaluation against the environment step; nil without evaluations or Q values.
    public static func meanMaxQ(_ report: RunReport) -> SVGPlot? {
        let points = report.evaluations.compactMap { row in row.meanMaxQ.map { SVGPlot.Point(x: row.step, y: $0) } }
        guard !points.isEmpty else { return nil }
        return SVGPlot(title: "Q-value convergence: mean max Q of the greedy policy per evaluation",
                       x: SVGPlot.Axis("environment step (summed over copies)"),
                       y: SVGPlot.Axis("mean max Q (predicted return)"),
                       series: [SVGPlot.Series("mean max Q", colour: 2, .line(points))])
    }

    /// The evaluation's mean return with its 95% confidence band against the environment step.
    public static func evaluationReturns(_ report: RunReport) -> SVGPlot? {
        guard !report.evaluations.isEmpty else { return nil }
        let rows = report.evaluations
        return SVGPlot(title: "Evaluation: mean return of the greedy policy with its 95% interval",
                       x: SVGPlot.Axis("environment step (summed over copies)"),
                       y: SVGPlot.Axis("mean return per episode"),
                       series: [
                        SVGPlot.Series("95% confidence interval", colour: 5, .band(rows.map {
                            SVGPlot.Interval(x: $0.step, lower: $0.meanReturn - $0.confidenceHalfWidth,
                                             upper: $0.meanReturn + $0.confidenceHalfWidth)
                        })),
                        SVGPlot.Series("mean return", colour: 0, .line(rows.map { SVGPlot.Point(x: $0.step, y: $0.meanReturn) })),
                       ])
    }

    /// The sentiment histogram of a prepared dataset.
    public static func sentiment(_ dataset: RunReport.Dataset) -> SVGPlot? {
        guard !dataset.sentiment.isEmpty else { return nil }
        return SVGPlot(title: "Sentiment distribution of the reviews (VADER compound score)",
                       x: SVGPlot.Axis("VADER compound score (−1 negative to 1 positive)"), y: SVGPlot.Axis("reviews (count)"),
                       series: [SVGPlot.Series("reviews", colour: 0,
                                               .bars(dataset.sentiment.map { SVGPlot.Bar(start: $0.lower, end: $0.upper, value: $0.count) }))])
    }

    /// Reviews per star rating of a prepared dataset.
    public static func ratings(_ dataset: RunReport.Dataset) -> SVGPlot? {
        guard !dataset.ratings.isEmpty else { return nil }
        return SVGPlot(title: "Reviews per star rating",
                       x: SVGPlot.Axis("rating (stars)", categories: dataset.ratings.map { AxisTicks.label($0.rating, step: 1) }),
                       y: SVGPlot.Axis("reviews (count)"),
                       series: [SVGPlot.Series("reviews", colour: 1, .bars(dataset.ratings.indices.map {
                           SVGPlot.Bar(start: Double($0) - 0.4, end: Double($0) + 0.4, value: dataset.ratings[$0].count)
                       }))])
    }

    /// The rows of the comparison: each algorithm's mean final return over seeds and the baselines', with
    /// the half-width of their 95% intervals.
    public static func comparisonRows(_ comparison: ComparisonFile) -> [(label: String, mean: Double, halfWidth: Double, isBaseline: Bool)] {
        comparison.summaries.map { ("\($0.algorithm) (\($0.seeds) seeds)", Double($0.meanReturn), Double($0.returnConfidenceHalfWidth), false) }
            + [("uniform random", comparison.baselines.random), ("best fixed: \(comparison.baselines.bestFixedAction)", comparison.baselines.bestFixed)]
            .map { ($0.0, Double($0.1.meanReturn), Double($0.1.confidenceHalfWidth), true) }
    }

    /// The comparison as bars of mean final return with 95% error bars.
    public static func comparison(_ comparison: ComparisonFile) -> SVGPlot {
        let rows = comparisonRows(comparison)
        func bars(_ baseline: Bool) -> [SVGPlot.Bar] {
            rows.indices.filter { rows[$0].isBaseline == baseline }.map {
                SVGPlot.Bar(start: Double($0) - 0.35, end: Double($0) + 0.35, value: rows[$0].mean)
            }
        }
        return SVGPlot(title: "Final greedy return per policy, with 95% intervals",
                       x: SVGPlot.Axis("policy", categories: rows.map(\.label)),
                       y: SVGPlot.Axis("mean return per episode"),
                       series: [SVGPlot.Series("algorithm (mean over seeds)", colour: 0, .bars(bars(false))),
                                SVGPlot.Series("baseline (mean over episodes)", colour: 1, .bars(bars(true))),
                                SVGPlot.Series("95% interval", colour: 6, .errorBars(rows.indices.map {
                                    SVGPlot.Interval(x: Double($0), lower: rows[$0].mean - rows[$0].halfWidth,
                                                     upper: rows[$0].mean + rows[$0].halfWidth)
                                }))])
    }

    /// Throughput against catalogue size, both on log axes, one line per measured part (peer dashed).
    public static func throughput(_ bench: BenchThroughput) -> SVGPlot? {
        guard !bench.series.isEmpty else { return nil }
        var colours: [String: Int] = [:]
        let series = bench.series.map { curve -> SVGPlot.Series in
            let base = curve.isPeer ? String(curve.name.dropLast(" (PyTorch)".count)) : curve.name
            let colour = colours[base] ?? colours.count
            colours[base] = colour
            return SVGPlot.Series(curve.name, colour: colour, .line(curve.points, dashed: curve.isPeer))
        }
        return SVGPlot(title: "Throughput against catalogue size (recorl-bench)",
                       x: SVGPlot.Axis("catalogue size: actions A (log scale)", scale: .logarithmic),
                       y: SVGPlot.Axis("updates per second (log scale)", scale: .logarithmic),
                       series: series)
    }
}
