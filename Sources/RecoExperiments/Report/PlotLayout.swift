import Foundation

/// Where an `SVGPlot` puts things: the frame inside the margins, each axis' domain and ticks, and the
/// mapping from data values to pixels; draws the axes, the series and the legend.
struct PlotLayout {
    /// One axis laid out: its domain in data units, its ticks and labels, and its pixel range.
    struct AxisLayout {
        let axis: SVGPlot.Axis
        let ticks: [Double]
        let labels: [String]
        let domain: ClosedRange<Double>
        let pixels: ClosedRange<Double>
        let flipped: Bool

        init(axis: SVGPlot.Axis, values: [Double], includeZero: Bool, pixels: ClosedRange<Double>, flipped: Bool) {
            self.axis = axis
            self.pixels = pixels
            self.flipped = flipped
            if !axis.categories.isEmpty {
                ticks = axis.categories.indices.map(Double.init)
                labels = axis.categories
                domain = -0.5...(Double(axis.categories.count) - 0.5)
                return
            }
            switch axis.scale {
            case .linear:
                var finite = values.filter(\.isFinite)
                if includeZero { finite.append(0) }
                ticks = AxisTicks.linear(lower: finite.min() ?? 0, upper: finite.max() ?? 1)
                let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
                labels = ticks.map { AxisTicks.label($0, step: step) }
            case .logarithmic:
                let positive = values.filter { $0.isFinite && $0 > 0 }
                ticks = AxisTicks.logarithmic(lower: positive.min() ?? 1, upper: positive.max() ?? 10)
                labels = ticks.map { AxisTicks.label($0, step: $0) }
            }
            domain = ticks.first!...ticks.last!
        }

        /// The value's position along the scale (its logarithm on a log axis).
        func scaled(_ value: Double) -> Double {
            axis.categories.isEmpty && axis.scale == .logarithmic ? log10(max(value, .leastNormalMagnitude)) : value
        }

        /// The pixel of `value`.
        func pixel(_ value: Double) -> Double {
            let low = scaled(domain.lowerBound), high = scaled(domain.upperBound)
            let share = high > low ? (scaled(value) - low) / (high - low) : 0.5
            let clamped = min(max(share, -0.05), 1.05)
            return flipped ? pixels.upperBound - clamped * (pixels.upperBound - pixels.lowerBound)
                : pixels.lowerBound + clamped * (pixels.upperBound - pixels.lowerBound)
        }

        /// Whether `value` can be drawn (a log axis drops values that are not positive).
        func accepts(_ value: Double) -> Bool {
            value.isFinite && (axis.scale == .linear || !axis.categories.isEmpty || value > 0)
        }
    }

    let plot: SVGPlot
    let x: AxisLayout
    let y: AxisLayout
    let height: Double
    static let left = 86.0, right = 24.0, legendRow = 20.0

    init(plot: SVGPlot) {
        self.plot = plot
        var xs: [Double] = [], ys: [Double] = [], hasBars = false
        for series in plot.series {
            switch series.mark {
            case .line(let points, _): xs += points.map(\.x); ys += points.map(\.y)
            case .band(let intervals), .errorBars(let intervals):
                xs += intervals.map(\.x); ys += intervals.flatMap { [$0.lower, $0.upper] }
            case .bars(let bars):
                hasBars = true
                xs += bars.flatMap { [$0.start, $0.end] }; ys += bars.map(\.value)
            }
        }
        let legendRows = Double((PlotLayout.legendPlacement(plot).map(\.row).max() ?? -1) + 1)
        let top = 40 + legendRows * PlotLayout.legendRow
        let rotated = PlotLayout.rotatesCategories(plot.x)
        let bottom = rotated ? 130.0 : 58.0
        height = SVGPlot.height + (rotated ? 70 : 0)
        x = AxisLayout(axis: plot.x, values: xs, includeZero: false,
                       pixels: PlotLayout.left...(SVGPlot.width - PlotLayout.right), flipped: false)
        y = AxisLayout(axis: plot.y, values: ys, includeZero: hasBars, pixels: top...(height - bottom), flipped: true)
    }

    /// Whether category labels are too long to sit side by side, and are drawn slanted.
    static func rotatesCategories(_ axis: SVGPlot.Axis) -> Bool {
        guard !axis.categories.isEmpty else { return false }
        let room = (SVGPlot.width - left - right) / Double(axis.categories.count)
        return axis.categories.contains { Double($0.count) * 6.5 > room }
    }

    /// The frame, grid lines, tick labels and axis labels.
    func axes() -> [String] {
        let frameLeft = x.pixels.lowerBound, frameRight = x.pixels.upperBound
        let frameTop = y.pixels.lowerBound, frameBottom = y.pixels.upperBound
        var grid = "", parts: [String] = []
        for tick in y.ticks {
            let p = MarkupText.coordinate(y.pixel(tick))
            grid += "M\(MarkupText.coordinate(frameLeft)) \(p)H\(MarkupText.coordinate(frameRight))"
        }
        if plot.x.categories.isEmpty {
            for tick in x.ticks {
                let p = MarkupText.coordinate(x.pixel(tick))
                grid += "M\(p) \(MarkupText.coordinate(frameTop))V\(MarkupText.coordinate(frameBottom))"
            }
        }
        parts.append("<path class=\"grid\" d=\"\(grid)\"/>")
        parts.append("<rect class=\"frame\" x=\"\(MarkupText.coordinate(frameLeft))\" y=\"\(MarkupText.coordinate(frameTop))\" "
                     + "width=\"\(MarkupText.coordinate(frameRight - frameLeft))\" height=\"\(MarkupText.coordinate(frameBottom - frameTop))\"/>")
        let rotated = PlotLayout.rotatesCategories(plot.x)
        for (tick, label) in zip(x.ticks, x.labels) {
            let px = MarkupText.coordinate(x.pixel(tick)), py = MarkupText.coordinate(frameBottom + 16)
            let transform = rotated ? " transform=\"rotate(-30 \(px) \(py))\" text-anchor=\"end\"" : " text-anchor=\"middle\""
            parts.append("<text class=\"tick\" x=\"\(px)\" y=\"\(py)\"\(transform)>\(MarkupText.escaped(label))</text>")
        }
        for (tick, label) in zip(y.ticks, y.labels) {
            parts.append("<text class=\"tick\" x=\"\(MarkupText.coordinate(frameLeft - 6))\" "
                         + "y=\"\(MarkupText.coordinate(y.pixel(tick) + 4))\" text-anchor=\"end\">\(MarkupText.escaped(label))</text>")
        }
        let xLabelY = height - 12, yLabelX = 18.0, yLabelMid = (frameTop + frameBottom) / 2
        parts.append("<text class=\"axis-label\" x=\"\(MarkupText.coordinate((frameLeft + frameRight) / 2))\" "
                     + "y=\"\(MarkupText.coordinate(xLabelY))\" text-anchor=\"middle\">\(MarkupText.escaped(plot.x.label))</text>")
        parts.append("<text class=\"axis-label\" x=\"\(MarkupText.coordinate(yLabelX))\" y=\"\(MarkupText.coordinate(yLabelMid))\" "
                     + "text-anchor=\"middle\" transform=\"rotate(-90 \(MarkupText.coordinate(yLabelX)) "
                     + "\(MarkupText.coordinate(yLabelMid)))\">\(MarkupText.escaped(plot.y.label))</text>")
        return parts
    }

    func colour(_ index: Int) -> String { SVGPlot.palette[abs(index) % SVGPlot.palette.count] }

    /// One series as SVG.
    func draw(_ series: SVGPlot.Series) -> String {
        let colour = colour(series.colour)
        switch series.mark {
        case .line(let points, let dashed):
            let kept = points.filter { x.accepts($0.x) && y.accepts($0.y) }
            let d = kept.enumerated().map { index, point in
                (index == 0 ? "M" : "L") + MarkupText.coordinate(x.pixel(point.x)) + " " + MarkupText.coordinate(y.pixel(point.y))
            }.joined()
            let dash = (dashed ? " stroke-dasharray=\"6 4\"" : "") + (kept.count > 200 ? " stroke-width=\"1.25\"" : "")
            let dots = kept.count <= 12 ? kept.map { point in
                "<circle cx=\"\(MarkupText.coordinate(x.pixel(point.x)))\" cy=\"\(MarkupText.coordinate(y.pixel(point.y)))\" "
                    + "r=\"3\" fill=\"\(colour)\"/>"
            }.joined() : ""
            return "<path class=\"line\" d=\"\(d)\" stroke=\"\(colour)\"\(dash)/>" + dots
        case .band(let intervals):
            let kept = intervals.filter { x.accepts($0.x) && y.accepts($0.lower) && y.accepts($0.upper) }
            guard !kept.isEmpty else { return "" }
            let upper = kept.map { MarkupText.coordinate(x.pixel($0.x)) + " " + MarkupText.coordinate(y.pixel($0.upper)) }
            let lower = kept.reversed().map { MarkupText.coordinate(x.pixel($0.x)) + " " + MarkupText.coordinate(y.pixel($0.lower)) }
            return "<path class=\"band\" d=\"M\((upper + lower).joined(separator: "L"))Z\" fill=\"\(colour)\"/>"
        case .bars(let bars):
            let base = y.accepts(0) && y.domain.contains(0) ? y.pixel(0) : y.pixel(y.domain.lowerBound)
            return bars.filter { x.accepts($0.start) && x.accepts($0.end) && y.accepts($0.value) }.map { bar in
                let left = x.pixel(bar.start), right = x.pixel(bar.end), top = y.pixel(bar.value)
                let gap = min(1, (right - left) / 4)
                return "<rect class=\"bar\" x=\"\(MarkupText.coordinate(left + gap))\" y=\"\(MarkupText.coordinate(min(top, base)))\" "
                    + "width=\"\(MarkupText.coordinate(max(right - left - 2 * gap, 0.5)))\" "
                    + "height=\"\(MarkupText.coordinate(abs(base - top)))\" fill=\"\(colour)\"/>"
            }.joined()
        case .errorBars(let intervals):
            let d = intervals.filter { x.accepts($0.x) && y.accepts($0.lower) && y.accepts($0.upper) }.map { interval in
                let px = x.pixel(interval.x), low = y.pixel(interval.lower), high = y.pixel(interval.upper)
                return "M\(MarkupText.coordinate(px)) \(MarkupText.coordinate(low))V\(MarkupText.coordinate(high))"
                    + "M\(MarkupText.coordinate(px - 6)) \(MarkupText.coordinate(low))h12"
                    + "M\(MarkupText.coordinate(px - 6)) \(MarkupText.coordinate(high))h12"
            }.joined()
            return "<path class=\"error-bars\" d=\"\(d)\" stroke=\"\(colour)\"/>"
        }
    }

    /// The named series, when there are several (one series needs no legend: the title names it), each
    /// with its left edge and row: rows under the title, filled left to right, wrapped at the frame's width.
    static func legendPlacement(_ plot: SVGPlot) -> [(series: SVGPlot.Series, left: Double, row: Int)] {
        let named = plot.series.filter { $0.name != nil }
        guard named.count > 1 else { return [] }
        var placed: [(series: SVGPlot.Series, left: Double, row: Int)] = [], position = left, row = 0
        for series in named {
            let width = 40 + Double(series.name?.count ?? 0) * 6.6
            if position > left && position + width - 12 > SVGPlot.width - right {
                position = left
                row += 1
            }
            placed.append((series, position, row))
            position += width
        }
        return placed
    }

    /// The legend: a swatch and the name of each named series.
    func legend() -> [String] {
        PlotLayout.legendPlacement(plot).map { series, position, index in
            let row = 40.0 + PlotLayout.legendRow * (Double(index) + 0.5)
            let colour = colour(series.colour), name = series.name ?? ""
            let swatch: String
            switch series.mark {
            case .line(_, let dashed):
                swatch = "<path class=\"line\" d=\"M\(MarkupText.coordinate(position)) \(MarkupText.coordinate(row))h22\" "
                    + "stroke=\"\(colour)\"\(dashed ? " stroke-dasharray=\"6 4\"" : "")/>"
            case .errorBars:
                swatch = "<path class=\"error-bars\" d=\"M\(MarkupText.coordinate(position + 11)) \(MarkupText.coordinate(row - 6))v12"
                    + "m-6 0h12m-12 -12h12\" stroke=\"\(colour)\"/>"
            case .band, .bars:
                let opacity: String
                if case .band = series.mark { opacity = " class=\"band\"" } else { opacity = "" }
                swatch = "<rect\(opacity) x=\"\(MarkupText.coordinate(position))\" y=\"\(MarkupText.coordinate(row - 6))\" "
                    + "width=\"22\" height=\"12\" fill=\"\(colour)\"/>"
            }
            return "<g class=\"legend\">" + swatch + "<text x=\"\(MarkupText.coordinate(position + 28))\" "
                + "y=\"\(MarkupText.coordinate(row + 4))\">\(MarkupText.escaped(name))</text></g>"
        }
    }
}
