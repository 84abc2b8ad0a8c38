import ArgumentParser
import Foundation
import RecoExperiments

/// `recorl report`: one self-contained HTML page with the source paper's plots of a run (reward per
/// episode, Q-value convergence, evaluation return) and, when given, of a prepared dataset's sentiment
/// and ratings, a comparison's table and a benchmark's throughput curves.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the plots of a run (and optionally of data, a comparison and a benchmark) as one HTML page.")

    @Option(name: .customLong("run"), help: "Run directory written by recorl train (episodes.csv, evaluations.csv).")
    var runDirectory: String
    @Option(help: "JSON written by recorl-bench --json, for the throughput curves.") var bench: String?
    @Option(help: "Directory written by recorl compare --out (compare.json).") var compare: String?
    @Option(help: "Directory written by recorl data prepare (sentiment.csv, ratings.csv).") var data: String?
    @Option(help: "HTML file to write.") var out: String

    mutating func validate() throws {
        try Bounds.requirePath(runDirectory, flag: "--run")
        try Bounds.requirePath(out, flag: "--out")
        for (value, flag) in [(bench, "--bench"), (compare, "--compare"), (data, "--data")] {
            if let value { try Bounds.requirePath(value, flag: flag) }
        }
    }

    func run() throws {
        let report = try RunReport.load(RunReport.Inputs(run: runDirectory, bench: bench, compare: compare, data: data))
        let html = ReportPage.html(report)
        do {
            try Data(html.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
        } catch {
            throw ExperimentError("--out: cannot write \(out) (\(error.localizedDescription)); expected a writable file path")
        }
        print("wrote \(out): \(report.episodeReturns.count) episodes, \(report.evaluations.count) evaluations"
              + (report.dataset != nil ? ", dataset" : "") + (report.comparison != nil ? ", comparison" : "")
              + (report.bench != nil ? ", benchmark" : ""))
    }
}
