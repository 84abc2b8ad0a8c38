import Foundation

/// The report as one self-contained HTML page: inline CSS and SVG, no scripts, fonts, images or
/// links to fetch, so it opens offline and can be mailed or archived as one file. Each section holds a
/// figure of the source paper, or says which input was not given or held no rows.
public enum ReportPage {
    /// The whole page for `report`.
    public static func html(_ report: RunReport) -> String {
        let inputs = report.inputs
        var body: [String] = []
        var heading = "Run \(inputs.run)"
        if let record = report.record {
            heading += ": \(record.algorithm) on \(record.environment), \(record.steps) steps, \(record.copies) copies, seed \(record.seed)"
        }
        body.append("<h1>RecoRL report</h1>")
        body.append(paragraph(heading))

        body.append("<h2>1. Reward per episode</h2>")
        body.append(figure(ReportPlots.episodeReturns(report),
                           otherwise: "\(inputs.run)/\(EpisodeLog.fileName) holds no episodes yet."))

        body.append("<h2>2. Q-value convergence and evaluation return</h2>")
        if report.evaluations.isEmpty {
            body.append(paragraph("\(inputs.run)/\(EvaluationLog.fileName) holds no evaluations yet."))
        } else {
            body.append(figure(ReportPlots.meanMaxQ(report),
                               otherwise: "No mean max-Q values in \(EvaluationLog.fileName): this policy's scores are not Q values "
                               + "(as for A2C, PPO and SAC), so there is no Q-value convergence curve."))
            body.append(figure(ReportPlots.evaluationReturns(report), otherwise: ""))
        }

        body.append("<h2>3. Review data: sentiment and ratings</h2>")
        if let dataset = report.dataset {
            body.append(paragraph("Prepared dataset \(dataset.directory)."))
            body.append(figure(ReportPlots.sentiment(dataset), otherwise: "\(dataset.directory)/sentiment.csv holds no bins."))
            body.append(figure(ReportPlots.ratings(dataset), otherwise: "\(dataset.directory)/ratings.csv holds no ratings."))
        } else {
            body.append(paragraph("No prepared dataset given (--data DIR, a recorl data prepare output directory)."))
        }

        body.append("<h2>4. Comparison of algorithms</h2>")
        if let comparison = report.comparison {
            body.append(comparisonTable(comparison))
            body.append(figure(ReportPlots.comparison(comparison), otherwise: ""))
        } else {
            body.append(paragraph("No comparison given (--compare DIR, the --out directory of recorl compare)."))
        }

        body.append("<h2>5. Throughput against catalogue size</h2>")
        if let bench = report.bench {
            body.append(figure(ReportPlots.throughput(bench),
                               otherwise: "\(inputs.bench ?? "") holds no MLP, DQN or actor-critic measurements."))
        } else {
            body.append(paragraph("No benchmark report given (--bench FILE.json, written by recorl-bench --json)."))
        }

        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>RecoRL report: \(MarkupText.escaped(inputs.run))</title>
        <style>\(style)</style>
        </head>
        <body>
        \(body.joined(separator: "\n"))
        </body>
        </html>

        """
    }

    static let style = """
    body { font-family: sans-serif; margin: 24px auto; max-width: 920px; color: #222; background: #fff; }
    h1 { font-size: 24px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ccc; }
    p.note { color: #555; }
    figure { margin: 0; }
    svg.plot { display: block; max-width: 100%; height: auto; margin: 12px 0; font-family: sans-serif; }
    svg.plot .plot-title { font-size: 15px; font-weight: bold; }
    svg.plot .tick { font-size: 11px; fill: #444; }
    svg.plot .axis-label { font-size: 13px; fill: #222; }
    svg.plot .legend text { font-size: 12px; fill: #222; }
    svg.plot .grid { stroke: #e4e4e4; stroke-width: 1; fill: none; }
    svg.plot .frame { stroke: #888; fill: none; }
    svg.plot .line { fill: none; stroke-width: 2; }
    svg.plot .band { opacity: 0.3; stroke: none; }
    svg.plot .error-bars { fill: none; stroke-width: 1.5; }
    table { border-collapse: collapse; font-size: 13px; margin: 12px 0; }
    th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
    th:first-child, td:first-child { text-align: left; }
    """

    static func paragraph(_ text: String) -> String { "<p class=\"note\">\(MarkupText.escaped(text))</p>" }

    static func figure(_ plot: SVGPlot?, otherwise note: String) -> String {
        plot.map { "<figure>\n\($0.svg())\n</figure>" } ?? paragraph(note)
    }

    /// The comparison as an HTML table: algorithms with their spread over seeds, then the baselines with
    /// their spread over the evaluation episodes.
    static func comparisonTable(_ comparison: ComparisonFile) -> String {
        func cells(_ values: [String], tag: String = "td") -> String {
            "<tr>" + values.map { "<\(tag)>\(MarkupText.escaped($0))</\(tag)>" }.joined() + "</tr>"
        }
        func number(_ value: Float) -> String { String(format: "%.3f", Double(value)) }
        var rows = [cells(["policy", "seeds", "return ± 95%", "std", "min..max", "wall s", "env steps/s", "updates/s"], tag: "th")]
        for s in comparison.summaries {
            rows.append(cells([s.algorithm, String(s.seeds), "\(number(s.meanReturn)) ± \(number(s.returnConfidenceHalfWidth))",
                               number(s.returnStandardDeviation), "\(number(s.minimumReturn))..\(number(s.maximumReturn))",
                               String(format: "%.1f", s.meanSeconds), String(format: "%.0f", s.environmentStepsPerSecond),
                               String(format: "%.0f", s.updatesPerSecond)]))
        }
        let baselines = comparison.baselines
        for (label, result) in [("uniform random", baselines.random), ("best fixed: \(baselines.bestFixedAction)", baselines.bestFixed)] {
            rows.append(cells([label, "", "\(number(result.meanReturn)) ± \(number(result.confidenceHalfWidth))",
                               number(result.standardDeviation), "", "", "", ""]))
        }
        return "<p class=\"note\">Algorithms: mean final greedy return over seeds, 95% interval and std over seeds; "
            + "baselines: over the \(baselines.random.episodes) evaluation episodes.</p>\n<table>\n"
            + rows.joined(separator: "\n") + "\n</table>"
    }
}
