import Foundation
import RecoEnvironments
import RecoTensor

/// Item-to-item collaborative filtering over co-occurrence in the training users' timelines.
///
/// Two reviews of one training user co-occur when at most `window` (`W`) reviews apart; `C_ij` counts
/// such pairs of reviews of items `i != j` (symmetric: each pair of reviews counts once for `i` and
/// once for `j`). The similarity is the cosine-style normalisation `s_ij = C_ij / sqrt(n_i n_j)`, with
/// `n_i` the training reviews of item `i`, so a pair of popular items needs proportionally more
/// co-occurrences to look alike than a pair of rare ones. Each item keeps only its `neighbours` most
/// similar items (ties to the lower index), stored sparsely: memory grows with the items times the
/// neighbours, never with items squared.
///
/// A row's score for item `j` is `sum_h recencyDecay^age(h) * s_hj` over the history items `h` it shows
/// (each slot counts, so a repeated item counts twice; age 0 is the most recent review), plus
/// `popularityWeight * n_j / max_k n_k`, which breaks ties and gives a history without known
/// neighbours the popular items.
public final class ItemCoOccurrenceRecommender: ReviewRecommender, @unchecked Sendable {
    public let layout: ReviewObservationLayout
    public let settings: ItemCoOccurrenceSettings
    /// Per item, its training reviews `n_i`.
    public let counts: [Int]
    /// Neighbour lists in one table: item `i`'s neighbours are entries `neighbourStart[i]..<neighbourStart[i + 1]`,
    /// most similar first.
    private let neighbourStart: [Int], neighbourItem: [Int32], neighbourSimilarity: [Float]
    /// The score every row starts from (the popularity term), and the weight of each history slot.
    private let prior: [Float], slotWeight: [Float]

    /// Counts co-occurrences in the timelines of `users` (the training users, `ReviewUserSplit.training`).
    /// Throws `ReviewDataError` for invalid settings, a layout of another catalogue, or empty, repeated
    /// or unknown users.
    public init(timelines: ReviewTimelines, users: [Int], layout: ReviewObservationLayout,
                settings: ItemCoOccurrenceSettings = ItemCoOccurrenceSettings()) throws {
        try settings.validate()
        try checkFitInputs(timelines, users: users, layout: layout, recommender: "co-occurrence recommender")
        self.layout = layout
        self.settings = settings
        let itemCount = timelines.itemCount
        let counts = timelines.popularity(of: users)
        self.counts = counts

        // Each item's training reviews (rows), and each row's user.
        var rowStart = [Int](repeating: 0, count: itemCount + 1)
        for n in counts.indices { rowStart[n + 1] = rowStart[n] + counts[n] }
        var fill = rowStart
        var itemRows = [Int](repeating: 0, count: rowStart[itemCount])
        var userOfRow = [Int32](repeating: -1, count: timelines.item.count)
        for user in users {
            for row in timelines.userRows[user] {
                let item = Int(timelines.item[row])
                itemRows[fill[item]] = row
                fill[item] += 1
                userOfRow[row] = Int32(user)
            }
        }

        // One item at a time: its co-occurrence counts in a dense scratch row, then its top neighbours.
        var pairCounts = [Int](repeating: 0, count: itemCount)
        var touched: [Int] = []
        var start = [0], neighbourItem: [Int32] = [], neighbourSimilarity: [Float] = []
        for item in 0..<itemCount {
            for row in itemRows[rowStart[item]..<rowStart[item + 1]] {
                let timeline = timelines.userRows[Int(userOfRow[row])]
                for other in max(timeline.lowerBound, row - settings.window)..<min(timeline.upperBound, row + settings.window + 1) {
                    let otherItem = Int(timelines.item[other])
                    guard otherItem != item else { continue }
                    if pairCounts[otherItem] == 0 { touched.append(otherItem) }
                    pairCounts[otherItem] += 1
                }
            }
            let ranked = touched.map { other -> (item: Int, similarity: Float) in
                let norm = (Double(counts[item]) * Double(counts[other])).squareRoot()
                return (other, Float(Double(pairCounts[other]) / norm))
            }.sorted { (a: (item: Int, similarity: Float), b: (item: Int, similarity: Float)) -> Bool in
                a.similarity > b.similarity || (a.similarity == b.similarity && a.item < b.item)
            }
            for neighbour in ranked.prefix(settings.neighbours) {
                neighbourItem.append(Int32(neighbour.item))
                neighbourSimilarity.append(neighbour.similarity)
            }
            start.append(neighbourItem.count)
            for other in touched { pairCounts[other] = 0 }
            touched.removeAll(keepingCapacity: true)
        }
        neighbourStart = start
        self.neighbourItem = neighbourItem
        self.neighbourSimilarity = neighbourSimilarity
        let most = Double(max(1, counts.max() ?? 1))
        prior = counts.map { Float(settings.popularityWeight * Double($0) / most) }
        slotWeight = (0..<layout.historyLength).map { Float(pow(settings.recencyDecay, Double($0))) }
    }

    /// Item `item`'s kept neighbours, most similar first, with their similarities `s_ij`.
    public func neighbours(of item: Int) -> [(item: Int, similarity: Float)] {
        (neighbourStart[item]..<neighbourStart[item + 1]).map { (Int(neighbourItem[$0]), neighbourSimilarity[$0]) }
    }

    /// `s_ab` when `b` is among `a`'s kept neighbours, else 0 (with the cap, `b` may keep `a` while `a`
    /// does not keep `b`).
    public func similarity(_ a: Int, _ b: Int) -> Float {
        neighbours(of: a).first { $0.item == b }?.similarity ?? 0
    }

    /// Writes each row's co-occurrence scores (the type's formula) into `scores` (`B x I`).
    public func scores(_ observations: MatrixView, into scores: MatrixView) throws {
        try checkScores(observations, scores)
        prior.withUnsafeBufferPointer { prior in
            neighbourItem.withUnsafeBufferPointer { items in
                neighbourSimilarity.withUnsafeBufferPointer { similarities in
                    for r in 0..<scores.rows {
                        let output = scores.rowPointer(r)
                        output.update(from: prior.baseAddress!, count: prior.count)
                        layout.forEachHistoryItem(observations.rowPointer(r)) { item, age in
                            let weight = slotWeight[age]
                            for n in neighbourStart[item]..<neighbourStart[item + 1] {
                                output[Int(items[n])] += weight * similarities[n]
                            }
                        }
                    }
                }
            }
        }
    }
}
