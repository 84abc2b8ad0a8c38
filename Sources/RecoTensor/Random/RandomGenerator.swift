import Foundation

/// The engine's seeded random-number generator: xoshiro256** (Blackman and Vigna, 2018) seeded
/// through SplitMix64.
///
/// Every component that needs randomness takes one of these explicitly, so a run is reproduced exactly
/// from its seed. `split()` and `init(seed:stream:)` derive independent generators (one per environment
/// copy, per worker, per network initialisation) without sharing state. The sequences are defined here,
/// not by the standard library, so they are the same on every platform and Swift version.
public struct RandomGenerator: RandomNumberGenerator {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) {
        var mixer = seed
        s0 = RandomGenerator.splitMix(&mixer)
        s1 = RandomGenerator.splitMix(&mixer)
        s2 = RandomGenerator.splitMix(&mixer)
        s3 = RandomGenerator.splitMix(&mixer)
    }

    /// The `stream`-th independent generator of `seed` (for example one per environment copy).
    public init(seed: UInt64, stream: UInt64) {
        var mixer = stream &* 0x9E37_79B9_7F4A_7C15
        let offset = RandomGenerator.splitMix(&mixer)
        self.init(seed: seed ^ offset)
    }

    private static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always) private static func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }

    /// The next 64 random bits.
    @inlinable public mutating func next() -> UInt64 { nextBits() }

    @usableFromInline mutating func nextBits() -> UInt64 {
        let result = RandomGenerator.rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = RandomGenerator.rotateLeft(s3, 45)
        return result
    }

    /// A new generator seeded from this one's next output; the two sequences are independent.
    public mutating func split() -> RandomGenerator {
        RandomGenerator(seed: next(), stream: next())
    }

    /// A uniform Float in [0, 1) with 24 random bits.
    @inlinable public mutating func uniform() -> Float {
        Float(next() >> 40) * 0x1.0p-24
    }

    /// A uniform Double in [0, 1) with 53 random bits.
    @inlinable public mutating func uniformDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform Float in [lower, upper).
    @inlinable public mutating func uniform(_ lower: Float, _ upper: Float) -> Float {
        lower + (upper - lower) * uniform()
    }

    /// A normal sample with the given mean and standard deviation (Box-Muller, one value per call).
    public mutating func normal(mean: Float = 0, standardDeviation: Float = 1) -> Float {
        let u1 = 1 - uniformDouble()  // (0, 1]: keeps the logarithm finite
        let u2 = uniformDouble()
        let z = (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
        return mean + standardDeviation * Float(z)
    }

    /// True with probability `probability`.
    @inlinable public mutating func bernoulli(_ probability: Float) -> Bool {
        uniform() < probability
    }

    /// A uniform integer in 0..<`bound` without modulo bias (Lemire's method).
    public mutating func index(below bound: Int) -> Int {
        precondition(bound > 0, "index(below:) needs a positive bound, got \(bound)")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold { product = next().multipliedFullWidth(by: range) }
        }
        return Int(product.high)
    }

    /// An index drawn with probability proportional to `weights[i]` (non-negative, not all zero).
    public mutating func categorical(_ weights: UnsafeBufferPointer<Float>) -> Int {
        precondition(!weights.isEmpty, "categorical needs at least one weight")
        var total: Double = 0
        for w in weights { total += Double(w) }
        precondition(total > 0, "categorical needs a positive total weight")
        let target = uniformDouble() * total
        var cumulative: Double = 0
        for i in 0..<weights.count {
            cumulative += Double(weights[i])
            if target < cumulative { return i }
        }
        // Rounding can leave the target at the total: return the last index with positive weight.
        return weights.lastIndex(where: { $0 > 0 }) ?? (weights.count - 1)
    }

    /// An index drawn with probability proportional to `weights`.
    public mutating func categorical(_ weights: [Float]) -> Int {
        weights.withUnsafeBufferPointer { categorical($0) }
    }

    /// Fills `indices` with distinct uniform indices from 0..<`bound` (Floyd's algorithm; order random).
    public mutating func sampleWithoutReplacement(from bound: Int, into indices: UnsafeMutableBufferPointer<Int>) {
        let k = indices.count
        precondition(k <= bound, "cannot draw \(k) distinct indices from \(bound)")
        var chosen = Set<Int>(minimumCapacity: k)
        var written = 0
        for j in (bound - k)..<bound {
            let t = index(below: j + 1)
            let pick = chosen.contains(t) ? j : t
            chosen.insert(pick)
            indices[written] = pick
            written += 1
        }
        shuffle(UnsafeMutableBufferPointer(rebasing: indices[0..<k]))
    }

    /// Fills `indices` with uniform indices from 0..<`bound`, drawn with replacement.
    public mutating func sampleWithReplacement(from bound: Int, into indices: UnsafeMutableBufferPointer<Int>) {
        for i in 0..<indices.count { indices[i] = index(below: bound) }
    }

    /// Shuffles the elements in place (Fisher-Yates).
    public mutating func shuffle<T>(_ elements: UnsafeMutableBufferPointer<T>) {
        if elements.count < 2 { return }
        for i in stride(from: elements.count - 1, to: 0, by: -1) {
            let j = index(below: i + 1)
            elements.swapAt(i, j)
        }
    }

    /// Shuffles the array in place (Fisher-Yates, with this generator's own sequence).
    public mutating func shuffle<T>(_ elements: inout [T]) {
        elements.withUnsafeMutableBufferPointer { shuffle($0) }
    }

    /// Fills `buffer` with uniform values in [lower, upper).
    public mutating func fillUniform(_ buffer: UnsafeMutableBufferPointer<Float>, _ lower: Float, _ upper: Float) {
        for i in 0..<buffer.count { buffer[i] = uniform(lower, upper) }
    }

    /// Fills `buffer` with normal values.
    public mutating func fillNormal(_ buffer: UnsafeMutableBufferPointer<Float>, mean: Float = 0,
                                    standardDeviation: Float = 1) {
        for i in 0..<buffer.count { buffer[i] = normal(mean: mean, standardDeviation: standardDeviation) }
    }
}

// The state is four 64-bit words, written as hexadecimal strings: JSON numbers would pass through a
// Double and lose bits above 2^53, and a resumed run must continue the exact stream.
extension RandomGenerator: Codable {
    public init(from decoder: Decoder) throws {
        let words = try decoder.singleValueContainer().decode([String].self)
        let values = words.compactMap { UInt64($0, radix: 16) }
        guard values.count == 4, values.contains(where: { $0 != 0 }) else {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath,
                debugDescription: "a generator state is 4 hexadecimal words, not all zero; got \(words)"))
        }
        (s0, s1, s2, s3) = (values[0], values[1], values[2], values[3])
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode([s0, s1, s2, s3].map { String($0, radix: 16) })
    }
}
