import Foundation
import RecoTensor

/// The items of the `session` simulator: each has a category, a unit embedding near its category's
/// centre and a Zipf-like organic popularity (item `i`, 0 the most popular, has demand
/// `p_i = (i + 1)^-s / H`, `H = Σ_j (j + 1)^-s`). Built once from the world seed and shared, read-only, by
/// every copy of the environment: the embeddings are one flat `I x E` buffer (64 MB for a million items
/// of width 16), so copies never duplicate the catalogue.
public final class SessionCatalogue: @unchecked Sendable {
    /// Items `I`.
    public let items: Int
    /// Embedding width `E`.
    public let width: Int
    /// Categories `C`.
    public let categories: Int
    /// Zipf exponent `s`.
    public let zipfExponent: Double
    /// Items `0..<headItems` are the head; the others the long tail.
    public let headItems: Int
    private let embeddingStorage: UnsafeMutableBufferPointer<Float>
    private let categoryStorage: UnsafeMutableBufferPointer<UInt16>
    private let cumulative: UnsafeMutableBufferPointer<Double>
    /// The categories' centres, `C x E` row-major, unit rows.
    public let categoryCentres: [Float]

    /// Builds the catalogue of `settings` from `RandomGenerator(seed: settings.worldSeed, stream: 0)`:
    /// `C` centres drawn uniformly on the unit sphere; item `i` gets a category uniform in `0..<C` and
    /// the embedding `normalize(centre + itemSpread · n)`, `n ~ N(0, I/E)`. Throws for invalid settings.
    public init(settings: SessionSettings) throws {
        try settings.validate()
        items = settings.items
        width = settings.embeddingWidth
        categories = settings.categories
        zipfExponent = settings.zipfExponent
        headItems = settings.headItems
        var generator = RandomGenerator(seed: settings.worldSeed, stream: 0)
        let width = width, scale = Float(1 / Double(width).squareRoot())
        var centres = [Float](repeating: 0, count: categories * width)
        for c in 0..<categories {
            for j in 0..<width { centres[c * width + j] = generator.normal() }
            SessionVectors.normalize(&centres[(c * width)..<((c + 1) * width)])
        }
        categoryCentres = centres
        embeddingStorage = .allocate(capacity: items * width)
        categoryStorage = .allocate(capacity: items)
        cumulative = .allocate(capacity: items)
        let spread = Float(settings.itemSpread)
        centres.withUnsafeBufferPointer { centres in
            for i in 0..<items {
                let c = generator.index(below: categories)
                categoryStorage[i] = UInt16(c)
                let row = embeddingStorage.baseAddress! + i * width
                for j in 0..<width { row[j] = centres[c * width + j] + spread * scale * generator.normal() }
                SessionVectors.normalize(UnsafeMutableBufferPointer(start: row, count: width))
            }
        }
        var total = 0.0
        for i in 0..<items {
            total += Foundation.pow(Double(i + 1), -zipfExponent)
            cumulative[i] = total
        }
    }

    deinit {
        embeddingStorage.deallocate()
        categoryStorage.deallocate()
        cumulative.deallocate()
    }

    /// All embeddings, `I x E` row-major.
    public var embeddings: UnsafeBufferPointer<Float> { UnsafeBufferPointer(embeddingStorage) }

    /// The embedding of `item` (`E` values, unit length).
    @inline(__always)
    public func embedding(_ item: Int) -> UnsafePointer<Float> { UnsafePointer(embeddingStorage.baseAddress! + item * width) }

    /// The category of `item`.
    @inline(__always)
    public func category(_ item: Int) -> Int { Int(categoryStorage[item]) }

    /// Whether `item` is in the long tail (not among the `headItems` most popular).
    @inline(__always)
    public func isTail(_ item: Int) -> Bool { item >= headItems }

    /// `log(p_i / p_0) = -s · log(i + 1)`: the popularity term of the utility before its weight.
    @inline(__always)
    public func logRelativePopularity(_ item: Int) -> Float { Float(-zipfExponent * Foundation.log(Double(item + 1))) }

    /// Organic demand `p_i` of `item` (the popularity curve, summing to 1).
    public func popularity(_ item: Int) -> Double {
        Foundation.pow(Double(item + 1), -zipfExponent) / cumulative[items - 1]
    }

    /// The share of organic demand that falls on the long tail: `Σ_{i ≥ head} p_i`.
    public var tailDemandShare: Double { 1 - cumulative[headItems - 1] / cumulative[items - 1] }

    /// One draw from the organic demand `p` (inverse of the cumulative curve, a binary search).
    public func sampleOrganic(using generator: inout RandomGenerator) -> Int {
        let target = generator.uniformDouble() * cumulative[items - 1]
        var low = 0, high = items - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] > target { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// Cosine of two items' embeddings (both unit length).
    @inline(__always)
    public func cosine(_ a: Int, _ b: Int) -> Float { SessionVectors.dot(embedding(a), embedding(b), width) }

    /// Approximate bytes held: embeddings, categories and the cumulative popularity.
    public var bytes: Int { items * (width * 4 + 2 + 8) + categoryCentres.count * 4 }
}

/// Small vector helpers of the simulator (plain loops over `E` values; `E` is small).
public enum SessionVectors {
    @inline(__always)
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var sum: Float = 0
        for j in 0..<n { sum += a[j] * b[j] }
        return sum
    }

    /// Scales `v` to unit length (leaves a zero vector as it is).
    public static func normalize(_ v: UnsafeMutableBufferPointer<Float>) {
        var sum: Float = 0
        for x in v { sum += x * x }
        guard sum > 0 else { return }
        let scale = 1 / sum.squareRoot()
        for j in v.indices { v[j] *= scale }
    }

    static func normalize(_ v: inout ArraySlice<Float>) {
        v.withUnsafeMutableBufferPointer { normalize($0) }
    }
}
