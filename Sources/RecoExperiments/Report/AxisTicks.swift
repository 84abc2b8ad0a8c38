import Foundation

/// Tick positions for a plot axis: round numbers that cover the data, so tick labels read as 0, 20,
/// 40 rather than 3.7, 21.1, 38.5.
public enum AxisTicks {
    /// Ticks at "nice numbers" (1, 2 or 5 times a power of ten apart) covering `lower...upper`, about
    /// `count` of them (after Heckbert, Graphics Gems 1990): the step is the nice number nearest
    /// `span / (count - 1)`, and the ticks run from the step's multiple at or below `lower` to the one at
    /// or above `upper` (Heckbert rounds the span up to a nice number first, which can leave half the
    /// axis empty: 0 to 3,000 for data up to 2,095). An empty range is widened
    /// around its value first, so every axis has at least two ticks.
    public static func linear(lower: Double, upper: Double, count: Int = 5) -> [Double] {
        var (low, high) = (min(lower, upper), max(lower, upper))
        if high - low <= Swift.max(abs(high), 1) * 1e-12 {
            let pad = Swift.max(abs(low) * 0.1, 0.5)
            low -= pad
            high += pad
        }
        let step = niceNumber((high - low) / Double(Swift.max(count - 1, 1)))
        let first = (low / step).rounded(.down), last = (high / step).rounded(.up)
        // Multiples of the step, each computed afresh, so no rounding error accumulates.
        return stride(from: first, through: last, by: 1).map { $0 * step }
    }

    /// Ticks at the powers of ten covering `lower...upper` (both positive), for a logarithmic axis; a
    /// range within one decade gets the powers on either side.
    public static func logarithmic(lower: Double, upper: Double) -> [Double] {
        let low = log10(Swift.max(Swift.min(lower, upper), .leastNormalMagnitude)).rounded(.down)
        var high = log10(Swift.max(Swift.max(lower, upper), .leastNormalMagnitude)).rounded(.up)
        if high <= low { high = low + 1 }
        return stride(from: low, through: high, by: 1).map { pow(10, $0) }
    }

    /// The nice number (1, 2, 5 or 10 times a power of ten) nearest `value` (on Heckbert's thresholds:
    /// a leading fraction below 1.5 rounds to 1, below 3 to 2, below 7 to 5, else to 10).
    static func niceNumber(_ value: Double) -> Double {
        let power = pow(10, log10(value).rounded(.down))
        let fraction = value / power
        return (fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10) * power
    }

    /// `value` as a tick label for ticks `step` apart: as many decimals as the step needs, thousands
    /// grouped by thin spaces (1 000, 20 000), a true minus sign, and no "-0".
    public static func label(_ value: Double, step: Double) -> String {
        let decimals = step > 0 ? Swift.max(0, Int((-log10(step)).rounded(.up))) : 0
        let text = String(format: "%.\(Swift.min(decimals, 10))f", value)
        let negative = text.hasPrefix("-") && text.contains(where: { $0 != "-" && $0 != "0" && $0 != "." })
        let digits = text.hasPrefix("-") ? String(text.dropFirst()) : text
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        var whole = String(parts[0])
        if whole.count > 3 {
            var grouped = ""
            for (index, character) in whole.enumerated() {
                if index > 0 && (whole.count - index) % 3 == 0 { grouped += "\u{2009}" }
                grouped.append(character)
            }
            whole = grouped
        }
        return (negative ? "\u{2212}" : "") + whole + (parts.count > 1 ? "." + parts[1] : "")
    }
}
