import Foundation
import RecoTensor

/// The sampling distributions the simulators draw users from, on top of the engine's generator.
extension RandomGenerator {
    /// An exponential sample with the given mean (inversion of a uniform).
    mutating func exponential(mean: Double) -> Double {
        -mean * log(1 - uniformDouble())
    }

    /// A Gamma(`shape`, 1) sample for a whole-number shape: the sum of `shape` unit exponentials.
    mutating func gamma(shape: Int) -> Double {
        precondition(shape >= 1, "gamma(shape:) takes a positive whole-number shape, got \(shape)")
        var sum = 0.0
        for _ in 0..<shape { sum += exponential(mean: 1) }
        return sum
    }

    /// A Beta(`alpha`, `beta`) sample for whole-number shapes, as X / (X + Y) with X ~ Gamma(alpha) and
    /// Y ~ Gamma(beta).
    mutating func beta(_ alpha: Int, _ beta: Int) -> Double {
        let x = gamma(shape: alpha), y = gamma(shape: beta)
        return x / (x + y)
    }

    /// A Poisson sample with the given mean (Knuth's multiplication method; for small means).
    mutating func poisson(mean: Double) -> Int {
        let limit = exp(-mean)
        var count = 0
        var product = uniformDouble()
        while product > limit {
            count += 1
            product *= uniformDouble()
        }
        return count
    }

    /// A log-normal sample: `median * exp(sigma * z)` with z standard normal.
    mutating func logNormal(median: Double, sigma: Double) -> Double {
        median * exp(sigma * Double(normal()))
    }
}
