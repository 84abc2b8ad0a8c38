import Foundation
import RecoTensor

/// What happened to an item in the history window.
public enum SessionEventKind: Int, Codable, Sendable, CaseIterable {
    /// Shown and not clicked.
    case impression
    case click
    case cart
    case purchase
}

/// The rules of the `session` simulator as plain functions, shared by the environment, the tests and
/// the documentation (docs/session.md): the choice model, interest drift, the diversity penalty and the
/// delays of carts and purchases.
public enum SessionDynamics {
    /// Utility of showing `item` to a user with unit interest `interest`:
    /// `a · (u · e_i) + b · log(p_i / p_0)`.
    @inline(__always)
    public static func utility(of item: Int, interest: UnsafePointer<Float>, catalogue: SessionCatalogue,
                               settings: SessionSettings) -> Float {
        Float(settings.affinityWeight) * SessionVectors.dot(interest, catalogue.embedding(item), catalogue.width)
            + Float(settings.popularityWeight) * catalogue.logRelativePopularity(item)
    }

    /// Utility `v_0` of the no-click option: `noClickUtility`, plus `lowActivityNoClickShift` for a
    /// low-activity user.
    @inline(__always)
    public static func noClickUtility(highActivity: Bool, settings: SessionSettings) -> Float {
        Float(settings.noClickUtility + (highActivity ? 0 : settings.lowActivityNoClickShift))
    }

    /// Multinomial-logit probabilities of clicking each of `utilities` (the slate's items) and, last, of
    /// not clicking: `P(j) = exp(v_j) / (exp(v_0) + Σ_k exp(v_k))`, `P(none) = exp(v_0) / (same)`.
    public static func choiceProbabilities(utilities: [Float], noClick: Float) -> [Double] {
        let top = Double(max(noClick, utilities.max() ?? noClick))
        let weights = utilities.map { Foundation.exp(Double($0) - top) } + [Foundation.exp(Double(noClick) - top)]
        let total = weights.reduce(0, +)
        return weights.map { $0 / total }
    }

    /// One multinomial-logit choice among the first `count` of `utilities`: the index clicked, or -1
    /// for no click. One uniform draw.
    @inline(__always)
    public static func choose(_ utilities: UnsafeMutableBufferPointer<Float>, count: Int, noClick: Float,
                              using generator: inout RandomGenerator) -> Int {
        var top = noClick
        for j in 0..<count { top = max(top, utilities[j]) }
        var total = Foundation.exp(noClick - top)
        for j in 0..<count {
            utilities[j] = Foundation.exp(utilities[j] - top)  // reused as weights
            total += utilities[j]
        }
        var target = generator.uniform() * total
        for j in 0..<count {
            target -= utilities[j]
            if target < 0 { return j }
        }
        return -1
    }

    /// Interest drift: `u ← normalize(u + σ n)`, `n ~ N(0, I/E)` (`E` draws). For unit `u` the cosine
    /// between `u` and the drifted vector has mean about `1 - σ²(E - 1)/(2E)`, and after `k` steps about
    /// `1 - k σ²(E - 1)/(2E)` while that stays near 1.
    public static func drift(_ interest: UnsafeMutableBufferPointer<Float>, sigma: Double, using generator: inout RandomGenerator) {
        guard sigma > 0 else { return }
        let scale = Float(sigma / Double(interest.count).squareRoot())
        for j in interest.indices { interest[j] += scale * generator.normal() }
        SessionVectors.normalize(interest)
    }

    /// Similarity of two items under `kind`: 1 or 0 for the same category or not; the cosine of
    /// their embeddings clipped at 0.
    @inline(__always)
    public static func similarity(_ a: Int, _ b: Int, kind: SessionSimilarity, catalogue: SessionCatalogue) -> Float {
        switch kind {
        case .category: return catalogue.category(a) == catalogue.category(b) ? 1 : 0
        case .embedding: return max(0, catalogue.cosine(a, b))
        }
    }

    /// The diversity penalty of showing `shown`: for each shown item, its largest similarity to any of
    /// the `recent` items (those shown in the last `recentWindow` steps; negative entries are empty),
    /// averaged over the shown items; 0 when nothing was shown before.
    public static func penalty(shown: UnsafeBufferPointer<Int32>, recent: UnsafeBufferPointer<Int32>, kind: SessionSimilarity,
                               catalogue: SessionCatalogue) -> Float {
        guard !shown.isEmpty else { return 0 }
        var sum: Float = 0
        for item in shown {
            var best: Float = 0
            for other in recent where other >= 0 {
                best = max(best, similarity(Int(item), Int(other), kind: kind, catalogue: catalogue))
            }
            sum += best
        }
        return sum / Float(shown.count)
    }

    /// An exponential draw with mean `mean`.
    @inline(__always)
    public static func exponential(mean: Double, using generator: inout RandomGenerator) -> Double {
        -mean * Foundation.log(1 - generator.uniformDouble())
    }

    /// A delay uniform in `low...high` steps.
    @inline(__always)
    public static func delay(_ low: Int, _ high: Int, using generator: inout RandomGenerator) -> Int {
        low + generator.index(below: high - low + 1)
    }

    /// Boredom after a request: `decay · b + (clicked ? 0 : 1) + repeatBoredom · repeatedShare`.
    @inline(__always)
    public static func boredom(after b: Float, clicked: Bool, repeatedShare: Float, settings: SessionSettings) -> Float {
        Float(settings.boredomDecay) * b + (clicked ? 0 : 1) + Float(settings.repeatBoredom) * repeatedShare
    }
}
