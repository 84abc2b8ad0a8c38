import Foundation
import RecoEnvironments

/// Top-K quality of recommendation lists against what each user went on to choose (held-out items):
/// the offline metrics of recommender evaluation, for any policy that ranks items.
///
/// For one user with a ranked list `r` (distinct items, best first) and relevant items `R` with
/// gains `g(i) > 0` (1 for binary relevance; for example a rating to weigh items):
/// - precision@K = |r[..K] ∩ R| / K;
/// - recall@K = |r[..K] ∩ R| / |R|;
/// - hit rate@K = 1 when r[..K] ∩ R is not empty;
/// - NDCG@K = DCG / IDCG with DCG = sum over positions p < K of g(r[p]) / log2(p + 2) and IDCG the DCG
///   of the best possible list (the relevant items by decreasing gain).
/// Lists shorter than K count as they are (precision still divides by K). Users without relevant items
/// are skipped by `RankingEvaluation` (they carry no signal) and counted.
public enum RankingMetrics {
    /// The four per-user metrics at `k`.
    public struct UserScores: Equatable, Sendable {
        public var precision: Double
        public var recall: Double
        public var hitRate: Double
        public var ndcg: Double

        public init(precision: Double, recall: Double, hitRate: Double, ndcg: Double) {
            self.precision = precision
            self.recall = recall
            self.hitRate = hitRate
            self.ndcg = ndcg
        }
    }

    /// The metrics of `ranked` against `relevant` (item -> gain) at `k`; throws `LoggedDataError.invalid`
    /// for `k < 1`, an empty `relevant`, a non-positive or non-finite gain, or a repeated item in `ranked`.
    public static func scores(ranked: [Int], relevant: [Int: Double], k: Int) throws -> UserScores {
        guard k >= 1 else { throw LoggedDataError.invalid(field: "k", value: "\(k)", expected: "at least 1") }
        guard !relevant.isEmpty else {
            throw LoggedDataError.invalid(field: "relevant", value: "no items", expected: "at least one relevant item")
        }
        if let bad = relevant.first(where: { !($0.value > 0 && $0.value.isFinite) }) {
            throw LoggedDataError.invalid(field: "relevant[\(bad.key)]", value: "\(bad.value)", expected: "a finite gain above 0")
        }
        let top = ranked.prefix(k)
        guard Set(top).count == top.count else {
            throw LoggedDataError.invalid(field: "ranked", value: "\(Array(top))", expected: "distinct items")
        }
        var hits = 0, dcg = 0.0
        for (position, item) in top.enumerated() {
            guard let gain = relevant[item] else { continue }
            hits += 1
            dcg += gain / log2(Double(position) + 2)
        }
        var idcg = 0.0
        for (position, gain) in relevant.values.sorted(by: >).prefix(k).enumerated() {
            idcg += gain / log2(Double(position) + 2)
        }
        return UserScores(precision: Double(hits) / Double(k), recall: Double(hits) / Double(relevant.count),
                          hitRate: hits > 0 ? 1 : 0, ndcg: dcg / idcg)
    }
}

/// Accumulates `RankingMetrics` over users, with the catalogue-level figures: item coverage (the
/// share of the catalogue that appears in some top-K list) and long-tail share (the share of top-K
/// recommendations that go to tail items: those outside the most popular `headShare` of the
/// catalogue by training popularity).
public struct RankingEvaluation: Sendable {
    public let k: Int
    public let catalogue: Int
    private let isTail: [Bool]
    private var recommended: [Bool]
    private var sums = RankingMetrics.UserScores(precision: 0, recall: 0, hitRate: 0, ndcg: 0)
    private var tailRecommendations = 0, recommendations = 0
    /// Users scored, and users skipped for having no relevant items.
    public private(set) var users = 0, skippedUsers = 0

    /// An evaluation at `k` over a catalogue of `popularity.count` items; `popularity[i]` is item `i`'s
    /// training interactions, and the head is the `ceil(headShare * catalogue)` most popular items
    /// (ties by lower index). Throws `LoggedDataError.invalid` for `k < 1`, an empty catalogue, a
    /// negative popularity or `headShare` outside [0, 1].
    public init(k: Int, popularity: [Int], headShare: Double = 0.2) throws {
        guard k >= 1 else { throw LoggedDataError.invalid(field: "k", value: "\(k)", expected: "at least 1") }
        guard !popularity.isEmpty else {
            throw LoggedDataError.invalid(field: "popularity", value: "no items", expected: "one count per catalogue item")
        }
        if let bad = popularity.firstIndex(where: { $0 < 0 }) {
            throw LoggedDataError.invalid(field: "popularity[\(bad)]", value: "\(popularity[bad])", expected: "a count >= 0")
        }
        guard headShare >= 0, headShare <= 1 else {
            throw LoggedDataError.invalid(field: "headShare", value: "\(headShare)", expected: "a share in [0, 1]")
        }
        self.k = k
        catalogue = popularity.count
        let headCount = Int((headShare * Double(popularity.count)).rounded(.up))
        let order = popularity.indices.sorted { popularity[$0] != popularity[$1] ? popularity[$0] > popularity[$1] : $0 < $1 }
        var tail = [Bool](repeating: true, count: popularity.count)
        for item in order.prefix(headCount) { tail[item] = false }
        isTail = tail
        recommended = [Bool](repeating: false, count: popularity.count)
    }

    /// Adds one user's ranked list against their relevant items (item -> gain); a user without relevant
    /// items is skipped and counted (coverage and tail share count the lists of scored users only). Throws for items outside the catalogue and what
    /// `RankingMetrics.scores` throws.
    public mutating func add(ranked: [Int], relevant: [Int: Double]) throws {
        if let bad = ranked.prefix(k).first(where: { $0 < 0 || $0 >= catalogue }) ?? relevant.keys.first(where: { $0 < 0 || $0 >= catalogue }) {
            throw LoggedDataError.invalid(field: "item", value: "\(bad)", expected: "an item in 0..<\(catalogue)")
        }
        guard !relevant.isEmpty else { skippedUsers += 1; return }
        let user = try RankingMetrics.scores(ranked: ranked, relevant: relevant, k: k)
        sums.precision += user.precision
        sums.recall += user.recall
        sums.hitRate += user.hitRate
        sums.ndcg += user.ndcg
        users += 1
        for item in ranked.prefix(k) {
            recommended[item] = true
            recommendations += 1
            if isTail[item] { tailRecommendations += 1 }
        }
    }

    /// Mean per-user metrics (zeros before the first user).
    public var means: RankingMetrics.UserScores {
        let n = Double(max(users, 1))
        return RankingMetrics.UserScores(precision: sums.precision / n, recall: sums.recall / n,
                                         hitRate: sums.hitRate / n, ndcg: sums.ndcg / n)
    }

    /// Share of the catalogue recommended to some user.
    public var itemCoverage: Double { Double(recommended.lazy.filter { $0 }.count) / Double(catalogue) }

    /// Share of recommendations that went to tail items (0 before the first).
    public var longTailShare: Double { recommendations == 0 ? 0 : Double(tailRecommendations) / Double(recommendations) }
}
