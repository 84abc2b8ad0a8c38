import Foundation

/// A chart as inline SVG (no scripts, fonts or external references): a title, two labelled axes with
/// tick labels, and series drawn as lines, shaded bands, bars or error bars, with a legend when more
/// than one series is named. The report's plots are all built from it.
public struct SVGPlot {
    /// How an axis maps values to positions.
    public enum Scale: Sendable {
        case linear
        /// Powers of ten equally spaced; only positive values are drawn.
        case logarithmic
    }

    /// One axis: its label (with the unit) and scale; with `categories`, positions `0..<count` are
    /// labelled by them instead of by numbers (bar charts of named groups).
    public struct Axis {
        public var label: String
        public var scale: Scale
        public var categories: [String]

        /// An axis labelled `label` (name and unit, e.g. "environment step (summed over copies)").
        public init(_ label: String, scale: Scale = .linear, categories: [String] = []) {
            self.label = label
            self.scale = scale
            self.categories = categories
        }
    }

    /// A point of a line.
    public struct Point: Equatable {
        public var x: Double
        public var y: Double
        /// The point at (`x`, `y`) in data units.
        public init(x: Double, y: Double) { self.x = x; self.y = y }
    }

    /// A vertical interval at `x` (a band's cross-section or an error bar).
    public struct Interval: Equatable {
        public var x: Double
        public var lower: Double
        public var upper: Double
        /// The interval from `lower` to `upper` (data units) at `x`.
        public init(x: Double, lower: Double, upper: Double) { self.x = x; self.lower = lower; self.upper = upper }
    }

    /// A bar over `start...end` on the x axis, from the axis' baseline up to `value`.
    public struct Bar: Equatable {
        public var start: Double
        public var end: Double
        public var value: Double
        /// The bar over `start...end` of height `value` (data units).
        public init(start: Double, end: Double, value: Double) { self.start = start; self.end = end; self.value = value }
    }

    /// What a series draws.
    public enum Mark {
        case line([Point], dashed: Bool = false)
        /// The area between the intervals' lower and upper ends, shaded.
        case band([Interval])
        case bars([Bar])
        case errorBars([Interval])
    }

    /// One series: its legend name (nil: not in the legend), its colour (an index into the palette)
    /// and its mark.
    public struct Series {
        public var name: String?
        public var colour: Int
        public var mark: Mark
        /// A series named `name` in the legend, drawn in palette colour `colour` as `mark`.
        public init(_ name: String?, colour: Int, _ mark: Mark) {
            self.name = name
            self.colour = colour
            self.mark = mark
        }
    }

    public var title: String
    public var x: Axis
    public var y: Axis
    /// Drawn in order, later ones on top.
    public var series: [Series]

    /// A chart titled `title` of `series` over the axes `x` and `y`, whose ranges cover every series.
    public init(title: String, x: Axis, y: Axis, series: [Series]) {
        self.title = title
        self.x = x
        self.y = y
        self.series = series
    }

    /// The colours series pick from (colour-blind-safe, after Okabe and Ito).
    static let palette = ["#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#000000", "#f0e442"]

    static let width = 880.0, height = 380.0

    /// The chart as one `<svg>` element.
    public func svg() -> String {
        let layout = PlotLayout(plot: self)
        var parts = ["<svg class=\"plot\" width=\"\(Int(SVGPlot.width))\" height=\"\(Int(layout.height))\" "
                     + "viewBox=\"0 0 \(Int(SVGPlot.width)) \(Int(layout.height))\" role=\"img\" "
                     + "aria-label=\"\(MarkupText.escaped(title))\">",
                     "<title>\(MarkupText.escaped(title))</title>",
                     "<text class=\"plot-title\" x=\"\(MarkupText.coordinate(SVGPlot.width / 2))\" y=\"22\" "
                     + "text-anchor=\"middle\">\(MarkupText.escaped(title))</text>"]
        parts += layout.axes()
        for item in series { parts.append(layout.draw(item)) }
        parts += layout.legend()
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }
}
