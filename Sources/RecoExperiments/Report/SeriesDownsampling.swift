/// One bin of a downsampled series: the points of consecutive indices it holds, summarised.
public struct SeriesBin: Equatable, Sendable {
    /// Mean of the points' x values.
    public var x: Double
    /// Mean, smallest and largest of the points' y values.
    public var mean: Double
    public var minimum: Double
    public var maximum: Double
    /// Points in the bin (at least one).
    public var count: Int
}

/// Shrinks a long series (a run may log 100,000 episodes) to a few hundred points for a plot without
/// hiding its spread: consecutive points are binned, and each bin keeps its mean, minimum and maximum.
public enum SeriesDownsampling {
    /// `y` against `x` (the same length) in at most `maximumBins` bins of consecutive points, as equal
    /// in size as the count allows (sizes differ by at most one, in order); each point is its own bin
    /// when there are no more points than bins.
    public static func bins(x: [Double], y: [Double], maximumBins: Int) -> [SeriesBin] {
        let count = min(x.count, y.count)
        guard count > 0, maximumBins > 0 else { return [] }
        let binCount = min(count, maximumBins)
        return (0..<binCount).map { bin in
            let range = (bin * count / binCount)..<((bin + 1) * count / binCount)
            var sumX = 0.0, sumY = 0.0, low = Double.infinity, high = -Double.infinity
            for index in range {
                sumX += x[index]
                sumY += y[index]
                low = min(low, y[index])
                high = max(high, y[index])
            }
            let n = Double(range.count)
            return SeriesBin(x: sumX / n, mean: sumY / n, minimum: low, maximum: high, count: range.count)
        }
    }

    /// The trailing moving average of `values` over `window` points (fewer at the start, where fewer
    /// exist): entry `i` is the mean of `values[max(0, i - window + 1)...i]`.
    public static func movingAverage(_ values: [Double], window: Int) -> [Double] {
        let window = max(window, 1)
        var result: [Double] = [], sum = 0.0
        result.reserveCapacity(values.count)
        for (index, value) in values.enumerated() {
            sum += value
            if index >= window { sum -= values[index - window] }
            result.append(sum / Double(min(index + 1, window)))
        }
        return result
    }
}
