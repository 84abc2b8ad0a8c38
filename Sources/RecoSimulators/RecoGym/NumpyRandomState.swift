import Foundation

/// NumPy's legacy `numpy.random.RandomState` over MT19937, bit for bit, for the draws RecoGym makes
/// (MODEL.md section 9). Only for reproducing RecoGym: the engine's own streams are `RandomGenerator`s.
///
/// * seeding an integer seed is `init_genrand` (`mt19937_seed` in NumPy): no `init_by_array`;
/// * `randomSample()` is `random_sample`: `(a >> 5, b >> 6)` of two 32-bit outputs, 53 bits;
/// * `gauss()` is `legacy_gauss`: the polar (Marsaglia) method, the second value cached and returned by
///   the next call, the cache cleared by `seed(_:)`;
/// * `choice(cumulative:)` is `choice(n, p=p)`: one `random_sample`, index of the first entry of the
///   normalised cumulative sum strictly greater than it (`searchsorted(side='right')`);
/// * `randint(below:)` is `randint(0, n)` (and `choice(n)` without `p`): masked rejection sampling on
///   32-bit outputs.
public struct NumpyRandomState: Codable, Sendable, Equatable {
    static let stateLength = 624
    private var key: [UInt32]
    private var position: Int
    private var hasGauss = false
    private var cachedGauss = 0.0

    /// A stream seeded as `numpy.random.RandomState(seed)`; the seed must fit in 32 bits as NumPy demands.
    public init(seed: UInt32) {
        key = [UInt32](repeating: 0, count: Self.stateLength)
        position = Self.stateLength
        self.seed(seed)
    }

    /// Re-seeds in place, as `RandomState.seed(seed)` (which also drops the cached Gaussian).
    public mutating func seed(_ seed: UInt32) {
        var s = seed
        for i in 0..<Self.stateLength {
            key[i] = s
            s = 1_812_433_253 &* (s ^ (s >> 30)) &+ UInt32(i + 1)
        }
        position = Self.stateLength
        hasGauss = false
        cachedGauss = 0
    }

    private mutating func generate() {
        let n = Self.stateLength, m = 397
        let upper: UInt32 = 0x8000_0000, lower: UInt32 = 0x7fff_ffff, matrix: UInt32 = 0x9908_b0df
        for i in 0..<n {
            let y = (key[i] & upper) | (key[(i + 1) % n] & lower)
            key[i] = key[(i + m) % n] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : matrix)
        }
        position = 0
    }

    /// The next 32-bit output (`genrand_int32`, tempered).
    public mutating func nextUInt32() -> UInt32 {
        if position >= Self.stateLength { generate() }
        var y = key[position]
        position += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        return y
    }

    /// `random_sample()`: a double in [0, 1) from 53 bits of two 32-bit outputs.
    public mutating func randomSample() -> Double {
        let a = Double(nextUInt32() >> 5), b = Double(nextUInt32() >> 6)
        return (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    /// `standard_normal()`: NumPy's legacy polar Gaussian with the cached spare value.
    public mutating func gauss() -> Double {
        if hasGauss {
            hasGauss = false
            let value = cachedGauss
            cachedGauss = 0
            return value
        }
        var x1 = 0.0, x2 = 0.0, r2 = 0.0
        repeat {
            x1 = 2 * randomSample() - 1
            x2 = 2 * randomSample() - 1
            r2 = x1 * x1 + x2 * x2
        } while r2 >= 1 || r2 == 0
        let f = (-2 * Foundation.log(r2) / r2).squareRoot()
        cachedGauss = f * x1
        hasGauss = true
        return f * x2
    }

    /// `normal(loc, scale)`: `loc + scale * gauss()`.
    public mutating func normal(mean: Double, standardDeviation: Double) -> Double {
        mean + standardDeviation * gauss()
    }

    /// `randint(0, bound)`: masked rejection on 32-bit outputs (`bound` between 1 and 2^32).
    public mutating func randint(below bound: Int) -> Int {
        precondition(bound > 0 && UInt64(bound) <= 1 << 32, "randint(below:) needs 1...2^32, got \(bound)")
        let range = UInt32(truncatingIfNeeded: bound - 1)
        if range == 0 { return 0 }
        var mask = range
        mask |= mask >> 1; mask |= mask >> 2; mask |= mask >> 4; mask |= mask >> 8; mask |= mask >> 16
        while true {
            let value = nextUInt32() & mask
            if value <= range { return Int(value) }
        }
    }

    /// `choice(n, p=p)` given `cumulative` = `p.cumsum()` (NumPy's sequential sum); it is divided by
    /// its last entry as NumPy does before the search.
    public mutating func choice(cumulative: [Double]) -> Int {
        let u = randomSample()
        return NumpyChoice.index(cumulative: cumulative, uniform: u)
    }
}

/// NumPy's arithmetic around `choice(n, p=p)`, shared by both random streams so they differ only in
/// where the uniform comes from.
enum NumpyChoice {
    /// `p.cumsum()`: a sequential running sum.
    static func cumulativeSum(_ p: [Double]) -> [Double] {
        var result = [Double](repeating: 0, count: p.count)
        var sum = 0.0
        for i in 0..<p.count {
            sum += p[i]
            result[i] = sum
        }
        return result
    }

    /// `cdf /= cdf[-1]; cdf.searchsorted(u, side='right')`: the number of entries `<= u`.
    static func index(cumulative: [Double], uniform u: Double) -> Int {
        let last = cumulative[cumulative.count - 1]
        var index = 0
        for c in cumulative where c / last <= u { index += 1 }
        // Entries are non-decreasing, so counting equals the search; u < 1 keeps the index in range.
        return Swift.min(index, cumulative.count - 1)
    }

    /// `np.sum` of a float64 vector: NumPy's pairwise summation (8 accumulators in blocks of up to
    /// 128, recursive halving above), so probabilities normalise to the same last bit.
    static func pairwiseSum(_ a: [Double]) -> Double {
        a.withUnsafeBufferPointer { pairwise($0.baseAddress!, $0.count) }
    }

    private static func pairwise(_ a: UnsafePointer<Double>, _ n: Int) -> Double {
        if n < 8 {
            var res = -0.0
            for i in 0..<n { res += a[i] }
            return res
        } else if n <= 128 {
            var r = [Double](repeating: 0, count: 8)
            for j in 0..<8 { r[j] = a[j] }
            var i = 8
            while i < n - (n % 8) {
                for j in 0..<8 { r[j] += a[i + j] }
                i += 8
            }
            var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n {
                res += a[i]
                i += 1
            }
            return res
        } else {
            var n2 = n / 2
            n2 -= n2 % 8
            return pairwise(a, n2) + pairwise(a + n2, n - n2)
        }
    }
}
