import Foundation
import Testing
@testable import RecoExperiments

/// The report's plot primitives: nice-number ticks worked out by hand, downsampling that keeps each
/// bin's extremes and mean, and SVG marks for every kind of series.
struct ReportPlotTests {
    func close(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) < 1e-9 * max(1, abs($1)) }
    }

    @Test func linearTicksAreNiceNumbers() {
        // Step nice(100 / 4 = 25) = 20 (fraction 2.5 < 3: 2).
        #expect(close(AxisTicks.linear(lower: 0, upper: 100), [0, 20, 40, 60, 80, 100]))
        // Step nice(0.25) = 0.2.
        #expect(close(AxisTicks.linear(lower: 0, upper: 1), [0, 0.2, 0.4, 0.6, 0.8, 1]))
        // Step nice(12.9 / 4 = 3.225) = 5 (3 <= 3.225 < 7); from -5 (at or below -3.7) to 10 (at or above 9.2).
        #expect(close(AxisTicks.linear(lower: -3.7, upper: 9.2), [-5, 0, 5, 10]))
        // Step nice(0.0858 / 4 = 0.02145) = 0.02.
        #expect(close(AxisTicks.linear(lower: 0.0013, upper: 0.0871), [0, 0.02, 0.04, 0.06, 0.08, 0.1]))
        // Step nice(87,000 / 4 = 21,750) = 20,000.
        #expect(close(AxisTicks.linear(lower: 13_000, upper: 100_000), [0, 20_000, 40_000, 60_000, 80_000, 100_000]))
        // Step nice(2,095 / 4 = 523.75) = 500: the axis ends at 2,500, not at 3,000.
        #expect(close(AxisTicks.linear(lower: 0, upper: 2_095), [0, 500, 1_000, 1_500, 2_000, 2_500]))
        // Step nice(8.6 / 4 = 2.15) = 2, from 0 (at or below 1.3) to 10.
        #expect(close(AxisTicks.linear(lower: 1.3, upper: 9.9), [0, 2, 4, 6, 8, 10]))
        // An empty range is widened around its value: 5 +- 0.5, step 0.2.
        let flat = AxisTicks.linear(lower: 5, upper: 5)
        #expect(close(flat, [4.4, 4.6, 4.8, 5, 5.2, 5.4, 5.6]))
    }

    @Test func logarithmicTicksArePowersOfTen() {
        #expect(close(AxisTicks.logarithmic(lower: 10, upper: 100_000), [10, 100, 1_000, 10_000, 100_000]))
        #expect(close(AxisTicks.logarithmic(lower: 0.7, upper: 2_263), [0.1, 1, 10, 100, 1_000, 10_000]))
        #expect(close(AxisTicks.logarithmic(lower: 3, upper: 7), [1, 10]))
    }

    @Test func tickLabelsUseTheStepsDecimals() {
        #expect(AxisTicks.label(0.6000000000000001, step: 0.2) == "0.6")
        #expect(AxisTicks.label(20_000, step: 20_000) == "20\u{2009}000")
        #expect(AxisTicks.label(1_000, step: 1_000) == "1\u{2009}000")
        #expect(AxisTicks.label(500, step: 500) == "500")
        #expect(AxisTicks.label(-5, step: 5) == "\u{2212}5")
        #expect(AxisTicks.label(-0.0, step: 1) == "0")
        #expect(AxisTicks.label(0.02, step: 0.02) == "0.02")
    }

    @Test func downsamplingKeepsEachBinsMinimumMaximumAndMean() {
        let x = (0..<10).map(Double.init)
        let y: [Double] = [3, -1, 4, 1, 5, 9, 2, -6, 5, 3]
        let bins = SeriesDownsampling.bins(x: x, y: y, maximumBins: 3)
        // 10 points in 3 bins: indices 0..<3, 3..<6, 6..<10.
        #expect(bins.map(\.count) == [3, 3, 4])
        #expect(bins.map(\.minimum) == [-1, 1, -6])
        #expect(bins.map(\.maximum) == [4, 9, 5])
        #expect(close(bins.map(\.mean), [2, 5, 1]))
        #expect(close(bins.map(\.x), [1, 4, 7.5]))
        // Every point counted once.
        #expect(bins.reduce(0) { $0 + $1.count } == 10)
        // No more points than bins: each point its own bin.
        let identity = SeriesDownsampling.bins(x: x, y: y, maximumBins: 1_000)
        #expect(identity.map(\.mean) == y && identity.map(\.minimum) == y && identity.map(\.maximum) == y)
        #expect(SeriesDownsampling.bins(x: [], y: [], maximumBins: 5).isEmpty)
    }

    @Test func downsamplingAHundredThousandPointsKeepsTheExtremes() {
        let count = 100_000
        let x = (0..<count).map(Double.init)
        let y = (0..<count).map { Double(($0 * 7_919) % 1_001) }
        let bins = SeriesDownsampling.bins(x: x, y: y, maximumBins: ReportPlots.maximumEpisodePoints)
        #expect(bins.count == 1_000 && bins.allSatisfy { $0.count == 100 })
        #expect(bins.map(\.minimum).min() == y.min() && bins.map(\.maximum).max() == y.max())
        for (index, bin) in bins.enumerated() {
            let slice = y[(index * 100)..<((index + 1) * 100)]
            #expect(bin.minimum == slice.min() && bin.maximum == slice.max())
            #expect(abs(bin.mean - slice.reduce(0, +) / 100) < 1e-9)
        }
    }

    @Test func movingAverageIsTrailing() {
        #expect(close(SeriesDownsampling.movingAverage([1, 2, 3, 4, 5], window: 2), [1, 1.5, 2.5, 3.5, 4.5]))
        #expect(close(SeriesDownsampling.movingAverage([2, 4, 6], window: 10), [2, 3, 4]))
    }

    @Test func everyMarkDrawsIntoTheSVG() {
        let plot = SVGPlot(title: "A <title> & more", x: SVGPlot.Axis("x (units)", scale: .logarithmic),
                           y: SVGPlot.Axis("y (units)"), series: [
                            SVGPlot.Series("line", colour: 0, .line([SVGPlot.Point(x: 10, y: 1), SVGPlot.Point(x: 1_000, y: 3)])),
                            SVGPlot.Series("band", colour: 1, .band([SVGPlot.Interval(x: 10, lower: 0, upper: 2),
                                                                     SVGPlot.Interval(x: 1_000, lower: 2, upper: 4)])),
                            SVGPlot.Series("bars", colour: 2, .bars([SVGPlot.Bar(start: 10, end: 20, value: 2)])),
                            SVGPlot.Series("errors", colour: 3, .errorBars([SVGPlot.Interval(x: 100, lower: 1, upper: 2)])),
                            // Not positive: dropped from the log axis, not drawn off the chart.
                            SVGPlot.Series(nil, colour: 4, .line([SVGPlot.Point(x: 0, y: 1)])),
                           ])
        let svg = plot.svg()
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>"))
        #expect(svg.contains("A &lt;title&gt; &amp; more"))
        #expect(svg.contains(">x (units)<") && svg.contains(">y (units)<"))
        #expect(svg.contains("<path class=\"line\" d=\"M"))
        #expect(svg.contains("<path class=\"band\" d=\"M"))
        #expect(svg.contains("<rect class=\"bar\""))
        #expect(svg.contains("<path class=\"error-bars\" d=\"M"))
        #expect(svg.contains("<path class=\"line\" d=\"\""), "the series of a non-positive x draws nothing")
        // Log ticks 10, 100, 1000 labelled; four named series in the legend.
        for label in [">10<", ">100<", ">1\u{2009}000<"] { #expect(svg.contains(label)) }
        #expect(svg.components(separatedBy: "<g class=\"legend\">").count - 1 == 4)
        #expect(!svg.contains("nan") && !svg.contains("inf"))
    }

    @Test func aLongLegendWrapsIntoRowsInsideThePlot() {
        let series = (0..<9).map { index in
            SVGPlot.Series("series number \(index) (PyTorch)", colour: index,
                           .line([SVGPlot.Point(x: 1, y: Double(index)), SVGPlot.Point(x: 2, y: Double(index + 1))]))
        }
        let svg = SVGPlot(title: "many", x: SVGPlot.Axis("x"), y: SVGPlot.Axis("y"), series: series).svg()
        let entries = svg.components(separatedBy: "<g class=\"legend\">").dropFirst()
        #expect(entries.count == 9)
        // Each entry's text: its x and y.
        let texts = entries.map { entry -> (x: Double, y: Double) in
            let text = entry.components(separatedBy: "<text x=\"")[1]
            let x = Double(text.prefix { $0 != "\"" })!
            let y = Double(text.components(separatedBy: "y=\"")[1].prefix { $0 != "\"" })!
            return (x, y)
        }
        #expect(Set(texts.map(\.y)).count >= 2, "the legend takes more than one row")
        // Every name (about 6.6 px a character) ends inside the chart.
        #expect(texts.allSatisfy { $0.x + 6.6 * 26 <= SVGPlot.width })
        // A single series needs no legend.
        #expect(!SVGPlot(title: "one", x: SVGPlot.Axis("x"), y: SVGPlot.Axis("y"), series: [series[0]]).svg().contains("legend"))
    }
}
