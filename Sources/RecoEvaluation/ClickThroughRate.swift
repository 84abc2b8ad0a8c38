import Foundation
import RecoEnvironments

/// Clicks over impressions, with RecoGym's interval: the 2.5 %, 50 % and 97.5 % quantiles of the
/// Beta(clicks + 1, impressions - clicks + 1) posterior of the click rate under a uniform prior.
public struct ClickThroughRate: Equatable, Sendable, Codable {
    public var clicks: Int
    public var impressions: Int
    /// clicks / impressions (0 without impressions).
    public var rate: Double
    /// The posterior median (RecoGym reports this one as "the" CTR).
    public var median: Double
    /// 2.5 % quantile of the posterior.
    public var lower: Double
    /// 97.5 % quantile of the posterior.
    public var upper: Double

    /// Throws `LoggedDataError.invalid` unless `0 <= clicks <= impressions`.
    public init(clicks: Int, impressions: Int) throws {
        guard impressions >= 0, clicks >= 0, clicks <= impressions else {
            throw LoggedDataError.invalid(field: "clicks", value: "\(clicks) of \(impressions) impressions",
                                          expected: "between 0 and the number of impressions")
        }
        self.clicks = clicks
        self.impressions = impressions
        rate = impressions == 0 ? 0 : Double(clicks) / Double(impressions)
        let a = Double(clicks + 1), b = Double(impressions - clicks + 1)
        median = BetaDistribution.quantile(0.5, a, b)
        lower = BetaDistribution.quantile(0.025, a, b)
        upper = BetaDistribution.quantile(0.975, a, b)
    }

    /// Whether the two 95 % intervals share no point.
    public func separated(from other: ClickThroughRate) -> Bool { upper < other.lower || other.upper < lower }

    /// `0.01234 [0.01200, 0.01270]`, in percent when `percent`.
    public func formatted(percent: Bool = true) -> String {
        let scale = percent ? 100.0 : 1.0, unit = percent ? "%" : ""
        return String(format: "%.3f%@ [%.3f, %.3f]", median * scale, unit, lower * scale, upper * scale)
    }
}

/// The Beta distribution's cumulative distribution (the regularised incomplete beta function) and its
/// inverse, in Double.
public enum BetaDistribution {
    /// `I_x(a, b)`, the probability that a Beta(a, b) variable is at most `x` (a, b > 0).
    ///
    /// Continued fraction of the incomplete beta function, evaluated by the modified Lentz method,
    /// on whichever side of the mean `(a + 1) / (a + b + 2)` converges fast, with the symmetry
    /// `I_x(a, b) = 1 - I_{1-x}(b, a)` for the other.
    public static func cdf(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * continuedFraction(x, a, b) / a
        }
        return 1 - exp(logFront) * continuedFraction(1 - x, b, a) / b
    }

    /// The `p`-quantile of Beta(a, b): the `x` with `cdf(x, a, b) = p`, by bisection to 1e-12.
    public static func quantile(_ p: Double, _ a: Double, _ b: Double) -> Double {
        if p <= 0 { return 0 }
        if p >= 1 { return 1 }
        var low = 0.0, high = 1.0
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if cdf(middle, a, b) < p { low = middle } else { high = middle }
            if high - low < 1e-12 * max(middle, 1e-300) || high - low < 1e-300 { break }
        }
        return (low + high) / 2
    }

    /// The continued fraction of `I_x(a, b)` (converges for `x < (a + 1) / (a + b + 2)`).
    private static func continuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300, epsilon = 1e-15
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var result = d
        for m in 1...100_000 {
            let m = Double(m), m2 = 2 * m
            // Even step.
            var term = m * (b - m) * x / ((a + m2 - 1) * (a + m2))
            d = 1 + term * d
            if abs(d) < tiny { d = tiny }
            c = 1 + term / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            result *= d * c
            // Odd step.
            term = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))
            d = 1 + term * d
            if abs(d) < tiny { d = tiny }
            c = 1 + term / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            result *= delta
            if abs(delta - 1) < epsilon { break }
        }
        return result
    }
}
