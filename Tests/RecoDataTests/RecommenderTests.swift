import Foundation
@testable import RecoData
import RecoEnvironments
import RecoTensor
import Testing

/// Tiny hand-made timelines for the baselines' tests.
struct HandTimelines {
    let timelines: ReviewTimelines
    let dataset: ReviewDataset

    /// One user per entry (named `U00`, `U01`, ... so their ids follow the entries), reviewing the
    /// named items one day apart in the given order.
    init(_ histories: [[String]]) throws {
        var reviews: [Review] = []
        for (u, items) in histories.enumerated() {
            for (t, item) in items.enumerated() {
                reviews.append(Review(user: String(format: "U%02d", u), item: item, rating: 5, text: "x",
                                      time: Int64(1_500_000_000 + t * 86_400)))
            }
        }
        var options = PreparationOptions()
        options.minReviewsPerUser = 1
        dataset = try ReviewDataset.prepare(reviews, options: options)
        #expect(dataset.users.names == (0..<histories.count).map { String(format: "U%02d", $0) })
        timelines = try ReviewTimelines(dataset)
    }

    /// The id of item `name`.
    func id(_ name: String) -> Int { dataset.items.names.firstIndex(of: name)! }

    func layout(history: Int = 10) -> ReviewObservationLayout {
        ReviewObservationLayout(historyLength: history, itemCount: timelines.itemCount)
    }

    /// The observation of `user` before their review at `position`.
    func observation(_ layout: ReviewObservationLayout, user: Int, position: Int) -> [Float] {
        var row = [Float](repeating: 0, count: layout.width)
        row.withUnsafeMutableBufferPointer { layout.encode(timelines, user: user, position: position, into: $0) }
        return row
    }
}

@Suite struct PopularityRecommenderTests {
    @Test func scoresAreTrainingCountsAndActionsTheMostPopular() throws {
        // U02 is held out: its C, C, C, D count for nothing.
        let hand = try HandTimelines([["A", "B", "A"], ["B", "C"], ["C", "C", "C", "D"]])
        let layout = hand.layout(history: 3)
        let policy = try PopularityRecommender(timelines: hand.timelines, users: [0, 1], layout: layout)
        #expect(policy.observationWidth == layout.width && policy.actionCount == 4 && policy.scoreKind == .ranking)
        var expected = [Float](repeating: 0, count: 4)
        expected[hand.id("A")] = 2
        expected[hand.id("B")] = 2
        expected[hand.id("C")] = 1
        #expect(policy.counts == expected.map { Int($0) })
        #expect(try policy.scores(for: hand.observation(layout, user: 2, position: 2)) == expected)
        #expect(try policy.scores(for: hand.observation(layout, user: 0, position: 1)) == expected)
        // A and B tie: the lower index wins, with log-probability 0.
        let rows = Matrix(rows: 2, columns: layout.width,
                          values: hand.observation(layout, user: 2, position: 1) + hand.observation(layout, user: 1, position: 1))
        var actions = [Int32](repeating: -1, count: 2), logs = [Float](repeating: 1, count: 2)
        var generator = RandomGenerator(seed: 1)
        try actions.withUnsafeMutableBufferPointer { a in
            try logs.withUnsafeMutableBufferPointer { l in try policy.act(rows.view, into: a, logProbabilities: l, using: &generator) }
        }
        #expect(actions == [Int32(min(hand.id("A"), hand.id("B")))] + [Int32(min(hand.id("A"), hand.id("B")))])
        #expect(logs == [0, 0])
    }

    @Test func shapeAndInputErrors() throws {
        let hand = try HandTimelines([["A", "B"], ["B", "C"]])
        let layout = hand.layout()
        let policy = try PopularityRecommender(timelines: hand.timelines, users: [0], layout: layout)
        let wrong = Matrix(rows: 1, columns: layout.width + 1), scores = Matrix(rows: 1, columns: 3)
        #expect(throws: PolicyError.self) { try policy.scores(wrong.view, into: scores.view) }
        let good = Matrix(rows: 1, columns: layout.width), short = Matrix(rows: 1, columns: 2)
        #expect(throws: PolicyError.self) { try policy.scores(good.view, into: short.view) }
        #expect(throws: ReviewDataError.self) { try PopularityRecommender(timelines: hand.timelines, users: [], layout: layout) }
        #expect(throws: ReviewDataError.self) { try PopularityRecommender(timelines: hand.timelines, users: [0, 0], layout: layout) }
        #expect(throws: ReviewDataError.self) { try PopularityRecommender(timelines: hand.timelines, users: [2], layout: layout) }
        let other = ReviewObservationLayout(historyLength: 10, itemCount: 4)
        expectError(containing: "itemCount") { try PopularityRecommender(timelines: hand.timelines, users: [0], layout: other) }
    }
}

@Suite struct ItemCoOccurrenceRecommenderTests {
    @Test func similarityIsTheCosineOfWindowCounts() throws {
        // n_A = 3, n_B = 2, n_C = 2; C_AB = 2 (U00, U01), C_AC = 2 (U01, U02), C_BC = 1 (U01).
        let hand = try HandTimelines([["A", "B"], ["A", "B", "C"], ["A", "C"]])
        let policy = try ItemCoOccurrenceRecommender(timelines: hand.timelines, users: [0, 1, 2], layout: hand.layout())
        let a = hand.id("A"), b = hand.id("B"), c = hand.id("C")
        #expect(abs(policy.similarity(a, b) - Float(2 / 6.0.squareRoot())) < 1e-6)
        #expect(abs(policy.similarity(b, a) - Float(2 / 6.0.squareRoot())) < 1e-6)
        #expect(abs(policy.similarity(a, c) - Float(2 / 6.0.squareRoot())) < 1e-6)
        #expect(abs(policy.similarity(c, b) - 0.5) < 1e-6)
        #expect(policy.similarity(a, a) == 0)
        // A row's score: recency-weighted sum over the history, plus the popularity term.
        let layout = hand.layout(history: 2)
        let recent = try ItemCoOccurrenceRecommender(timelines: hand.timelines, users: [0, 1, 2], layout: layout)
        let scores = try recent.scores(for: hand.observation(layout, user: 1, position: 2))  // history A, B
        let decay = Float(recent.settings.recencyDecay), tiny = Float(recent.settings.popularityWeight)
        #expect(abs(scores[c] - (decay * recent.similarity(a, c) + recent.similarity(b, c) + tiny * 2 / 3)) < 1e-6)
        #expect(abs(scores[a] - (recent.similarity(b, a) + tiny)) < 1e-6)
    }

    @Test func aHistoryNeighbourOutranksAnUnrelatedPopularItem() throws {
        // P is the most popular item but never near A; B is A's neighbour. U04 (held out) starts with
        // D, which no training user reviewed, then A.
        let hand = try HandTimelines([["A", "B"], ["P", "Q"], ["P", "R"], ["P", "S"], ["D", "A", "B"]])
        let layout = hand.layout()
        let policy = try ItemCoOccurrenceRecommender(timelines: hand.timelines, users: [0, 1, 2, 3], layout: layout)
        let afterA = try policy.scores(for: hand.observation(layout, user: 4, position: 2))
        #expect(afterA[hand.id("B")] > afterA[hand.id("P")])
        #expect(try policy.action(for: hand.observation(layout, user: 4, position: 2)) == hand.id("B"))
        // Only D: no known neighbour, so the popular item wins.
        #expect(try policy.action(for: hand.observation(layout, user: 4, position: 1)) == hand.id("P"))
    }

    @Test func theWindowBoundsWhichReviewsPair() throws {
        let hand = try HandTimelines([["A", "X", "Y", "B"]])  // A and B are 3 reviews apart
        var settings = ItemCoOccurrenceSettings()
        settings.window = 2
        let narrow = try ItemCoOccurrenceRecommender(timelines: hand.timelines, users: [0], layout: hand.layout(), settings: settings)
        #expect(narrow.similarity(hand.id("A"), hand.id("B")) == 0)
        #expect(narrow.similarity(hand.id("A"), hand.id("Y")) == 1)
        settings.window = 3
        let wide = try ItemCoOccurrenceRecommender(timelines: hand.timelines, users: [0], layout: hand.layout(), settings: settings)
        #expect(wide.similarity(hand.id("A"), hand.id("B")) == 1)
    }

    @Test func eachItemKeepsAtMostItsTopNeighbours() throws {
        // A meets B three times, C twice, D once (n_B = n_C = n_D = 3 after the filler reviews).
        let hand = try HandTimelines([["A", "B"], ["A", "B"], ["A", "B"], ["A", "C"], ["A", "C"], ["A", "D"],
                                      ["C", "Z"], ["D", "Z"], ["D", "Z"]])
        var settings = ItemCoOccurrenceSettings()
        settings.window = 1
        let all = try ItemCoOccurrenceRecommender(timelines: hand.timelines, users: Array(0..<9), layout: hand.layout(), settings: settings)
        #expect(all.neighbours(of: hand.id("A")).map(\.item) == [hand.id("B"), hand.id("C"), hand.id("D")])
        settings.neighbours = 2
        let capped = try ItemCoOccurrenceRecommender(timelines: hand.timelines, users: Array(0..<9), layout: hand.layout(), settings: settings)
        #expect(capped.neighbours(of: hand.id("A")).map(\.item) == [hand.id("B"), hand.id("C")])
        #expect(capped.similarity(hand.id("A"), hand.id("D")) == 0 && capped.similarity(hand.id("D"), hand.id("A")) > 0)
    }

    @Test func invalidSettingsNameTheField() throws {
        let hand = try HandTimelines([["A", "B"]])
        let cases: [(String, (inout ItemCoOccurrenceSettings) -> Void)] = [
            ("window", { $0.window = 0 }), ("neighbours", { $0.neighbours = 0 }),
            ("recencyDecay", { $0.recencyDecay = 1.5 }), ("recencyDecay", { $0.recencyDecay = .nan }),
            ("popularityWeight", { $0.popularityWeight = -1 }),
        ]
        for (field, change) in cases {
            var settings = ItemCoOccurrenceSettings()
            change(&settings)
            expectError(containing: "co-occurrence setting \(field):") {
                try ItemCoOccurrenceRecommender(timelines: hand.timelines, users: [0], layout: hand.layout(), settings: settings)
            }
        }
    }
}

/// Expects `body` to throw an error whose one-line description contains `text`.
func expectError(containing text: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Any) {
    do {
        _ = try body()
        Issue.record("expected an error containing \"\(text)\"", sourceLocation: sourceLocation)
    } catch {
        let message = String(describing: error)
        #expect(message.contains(text) && !message.contains("\n"), "\(message)", sourceLocation: sourceLocation)
    }
}
