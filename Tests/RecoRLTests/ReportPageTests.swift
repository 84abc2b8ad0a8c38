import Foundation
import Testing
@testable import RecoExperiments

/// `recorl report`'s page for a tiny run directory written here: one `<svg>` per figure with marks and
/// axis labels, nothing fetched from elsewhere, notes where inputs are missing, and malformed files
/// named with their line and field.
@Suite struct ReportPageTests {
    /// A fresh temporary directory holding `files` (name to contents).
    func directory(_ files: [String: String]) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, contents) in files { try Data(contents.utf8).write(to: url.appendingPathComponent(name)) }
        return url.path
    }

    /// A run of `episodes` episodes and three evaluations, with or without mean max-Q values.
    func run(episodes: Int, meanMaxQ: Bool = true) throws -> String {
        let rows = (0..<episodes).map { "\($0),\(10 * ($0 + 1)),\(Double($0 % 17) / 4),10" }
        let evaluations = [(1_000, 3.5, 0.4, 2.1), (2_000, 6.25, 0.3, 4.8), (3_000, 8.5, 0.2, 7.9)].map {
            "\($0.0),\($0.1),0.9,\($0.2),200," + (meanMaxQ ? "\($0.3)" : "")
        }
        return try directory([
            "episodes.csv": (["episode,step,return,length"] + rows).joined(separator: "\n") + "\n",
            "evaluations.csv": (["step,mean_return,std_return,ci95_half_width,evaluation_episodes,mean_max_q"] + evaluations)
                .joined(separator: "\n") + "\n",
        ])
    }

    func data() throws -> String {
        try directory([
            "sentiment.csv": "bin_lower,bin_upper,count\n-1.0,-0.5,3\n-0.5,0.0,10\n0.0,0.5,25\n0.5,1.0,60\n",
            "ratings.csv": "rating,count\n0,0\n1,4\n2,6\n3,12\n4,30\n5,46\n",
        ])
    }

    func comparison() throws -> String {
        func summary(_ algorithm: String, _ mean: Double) -> String {
            """
            {"algorithm": "\(algorithm)", "seeds": 3, "meanReturn": \(mean), "returnStandardDeviation": 0.2,
             "returnConfidenceHalfWidth": 0.23, "minimumReturn": \(mean - 0.3), "maximumReturn": \(mean + 0.2),
             "meanSeconds": 2.5, "environmentStepsPerSecond": 24000, "updatesPerSecond": 3000}
            """
        }
        func result(_ mean: Double) -> String {
            "{\"meanReturn\": \(mean), \"standardDeviation\": 2.2, \"episodes\": 200, \"confidenceHalfWidth\": 0.31}"
        }
        return try directory(["compare.json": """
            {"summaries": [\(summary("dqn", 9.2)), \(summary("ppo", 8.1))], "runs": [],
             "baselines": {"random": \(result(3.4)), "bestFixedAction": "no offer via email", "bestFixed": \(result(4.5))}}
            """, "compare.csv": "policy\n"])
    }

    func bench() throws -> String {
        let directory = try directory(["bench.json": """
            {"environment": {"threads": 2},
             "mlpStep": [{"actions": 10, "stepsPerSecond": 2263}, {"actions": 1000, "stepsPerSecond": 642},
                         {"actions": 100000, "stepsPerSecond": 7.6}],
             "dqnUpdate": [{"actions": 10, "updateSeconds": 0.0016, "peerSeconds": 0.0028},
                           {"actions": 1000, "updateSeconds": 0.0051, "peerSeconds": 0.008}],
             "actorCriticUpdate": [{"algorithm": "a2c", "actions": 10, "updateSeconds": 0.002},
                                   {"algorithm": "ppo", "actions": 10, "updateSeconds": 0.0025},
                                   {"algorithm": "a2c", "actions": 1000, "updateSeconds": 0.004}]}
            """])
        return directory + "/bench.json"
    }

    /// The `<svg>` elements of `page`, in order.
    func svgs(_ page: String) -> [String] {
        page.components(separatedBy: "<svg").dropFirst().map { "<svg" + ($0.components(separatedBy: "</svg>").first ?? "") }
    }

    @Test func thePageHasAFigurePerPlotWithMarksAndAxisLabels() throws {
        let inputs = RunReport.Inputs(run: try run(episodes: 2_500), bench: try bench(), compare: try comparison(), data: try data())
        let report = try RunReport.load(inputs)
        #expect(report.episodeReturns.count == 2_500 && report.evaluations.count == 3)
        #expect(report.bench?.series.map(\.name) == ["MLP training step", "DQN update", "DQN update (PyTorch)", "A2C update", "PPO update"])
        let page = ReportPage.html(report)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(!page.lowercased().contains("http") && !page.lowercased().contains("<script"))
        #expect(!page.contains("<img") && !page.contains("<link") && !page.contains("url("))

        let figures = svgs(page)
        // Episodes, max Q, evaluation return, sentiment, ratings, comparison, throughput.
        #expect(figures.count == 7)
        let labels = ["return per episode (sum of rewards)", "mean max Q (predicted return)", "mean return per episode",
                      "reviews (count)", "rating (stars)", "policy", "catalogue size: actions A (log scale)"]
        for (figure, label) in zip(figures, labels) {
            #expect(figure.contains(">\(label)<"), "axis label \(label)")
            #expect(figure.contains("<title>") && figure.contains("class=\"tick\""))
            let marks = figure.contains("<path class=\"line\" d=\"M") || figure.contains("<rect class=\"bar\"")
            #expect(marks, "a figure with lines or bars: \(label)")
        }
        // 2,500 episodes are binned: at most 1,000 points per line, with the min-max band.
        let episodeLine = try #require(figures[0].components(separatedBy: "<path class=\"line\" d=\"").dropFirst().first)
        #expect(episodeLine.prefix { $0 != "\"" }.filter { $0 == "L" }.count < ReportPlots.maximumEpisodePoints)
        #expect(figures[0].contains("<path class=\"band\" d=\"M"))
        #expect(figures[2].contains("<path class=\"band\" d=\"M"), "the 95% band of the evaluation return")
        #expect(figures[3].components(separatedBy: "<rect class=\"bar\"").count - 1 == 4)
        #expect(figures[4].components(separatedBy: "<rect class=\"bar\"").count - 1 == 6)
        #expect(figures[5].contains("<path class=\"error-bars\" d=\"M"))
        // The comparison table lists the algorithms and baselines.
        for cell in ["<td>dqn</td>", "<td>ppo</td>", "<td>uniform random</td>", "<td>best fixed: no offer via email</td>",
                     "<td>9.200 ± 0.230</td>"] {
            #expect(page.contains(cell))
        }
        // The throughput plot: log ticks and a legend (several series), the peer dashed.
        #expect(figures[6].contains(">100<") && figures[6].contains("class=\"legend\"") && figures[6].contains("stroke-dasharray"))
    }

    @Test func aHundredThousandEpisodesMakeASmallPage() throws {
        let report = try RunReport.load(RunReport.Inputs(run: try run(episodes: 100_000)))
        #expect(report.episodeReturns.count == 100_000)
        let page = ReportPage.html(report)
        let episodes = try #require(svgs(page).first)
        // The two lines (mean per bin, moving average), not the legend's swatches.
        let lines = episodes.components(separatedBy: "<path class=\"line\" d=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
            .filter { !$0.hasSuffix("h22") }
        #expect(lines.count == 2 && lines.allSatisfy { $0.filter { $0 == "L" }.count == ReportPlots.maximumEpisodePoints - 1 })
        #expect(episodes.contains("min to max within a bin of 100+ episodes"))
        #expect(page.utf8.count < 200_000, "\(page.utf8.count) bytes")
    }

    @Test func missingInputsAndQValuesAreSaidInThePage() throws {
        let page = ReportPage.html(try RunReport.load(RunReport.Inputs(run: try run(episodes: 5, meanMaxQ: false))))
        // Episodes and evaluation return only.
        #expect(svgs(page).count == 2)
        #expect(page.contains("scores are not Q values"))
        #expect(page.contains("No prepared dataset given (--data DIR"))
        #expect(page.contains("No comparison given (--compare DIR"))
        #expect(page.contains("No benchmark report given (--bench FILE.json"))
        let empty = try directory(["episodes.csv": "episode,step,return,length\n",
                                   "evaluations.csv": EvaluationLog.columns.joined(separator: ",") + "\n"])
        let emptyPage = ReportPage.html(try RunReport.load(RunReport.Inputs(run: empty)))
        #expect(svgs(emptyPage).isEmpty && emptyPage.contains("holds no episodes yet") && emptyPage.contains("holds no evaluations yet"))
    }

    /// The description of the error `load` throws for `inputs`.
    func failure(_ inputs: RunReport.Inputs) -> String {
        do {
            _ = try RunReport.load(inputs)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func malformedFilesAreNamedWithLineAndField() throws {
        let good = try run(episodes: 3)
        let badNumber = try directory(["episodes.csv": "episode,step,return,length\n0,10,1.5,10\n1,20,abc,10\n",
                                       "evaluations.csv": EvaluationLog.columns.joined(separator: ",") + "\n"])
        let message = failure(RunReport.Inputs(run: badNumber))
        #expect(message.contains("\(badNumber)/episodes.csv line 3, field return: \"abc\" is not valid; expected a finite number"), "\(message)")
        #expect(!message.contains("\n"))

        let shortRow = try directory(["episodes.csv": "episode,step,return,length\n0,10,1.5\n"])
        #expect(failure(RunReport.Inputs(run: shortRow)).contains("episodes.csv line 2: 3 fields; expected 4"))

        let badHeader = try directory(["episodes.csv": "episode,step,reward,length\n"])
        #expect(failure(RunReport.Inputs(run: badHeader)).contains("episodes.csv line 1: the header \"episode,step,reward,length\" has no column \"return\""))

        let missing = try directory([:])
        #expect(failure(RunReport.Inputs(run: missing)).contains("--run: \(missing)/episodes.csv does not exist"))
        #expect(failure(RunReport.Inputs(run: missing + "/nothing")).contains("is not a directory"))

        let infinite = try directory(["episodes.csv": "episode,step,return,length\n0,10,1.5,10\n",
                                      "evaluations.csv": EvaluationLog.columns.joined(separator: ",") + "\n1000,inf,0,0,200,\n"])
        #expect(failure(RunReport.Inputs(run: infinite)).contains("evaluations.csv line 2, field mean_return: \"inf\" is not valid"))

        let negativeCount = try directory(["sentiment.csv": "bin_lower,bin_upper,count\n-1,0,-3\n", "ratings.csv": "rating,count\n"])
        #expect(failure(RunReport.Inputs(run: good, data: negativeCount)).contains("sentiment.csv line 2, field count: -3 is not valid"))

        let bench = try directory(["bench.json": "{\"dqnUpdate\": [{\"actions\": 10, \"updateSeconds\": \"fast\"}]}",
                                   "broken.json": "{\"mlpStep\": [", "zero.json": "{\"mlpStep\": [{\"actions\": 10, \"stepsPerSecond\": 0}]}"])
        let typed = failure(RunReport.Inputs(run: good, bench: bench + "/bench.json"))
        #expect(typed.contains("bench.json, field dqnUpdate[0].updateSeconds:"), "\(typed)")
        #expect(failure(RunReport.Inputs(run: good, bench: bench + "/broken.json")).contains("broken.json: not valid JSON"))
        #expect(failure(RunReport.Inputs(run: good, bench: bench + "/zero.json")).contains("zero.json, field mlpStep[0]: actions 10"))

        let compare = try directory(["compare.json": "{\"summaries\": [], \"runs\": []}"])
        #expect(failure(RunReport.Inputs(run: good, compare: compare)).contains("compare.json, field baselines: missing"))
        #expect(failure(RunReport.Inputs(run: good, compare: missing)).contains("--compare: \(missing)/compare.json does not exist"))
    }
}
