@testable import RecoData
import RecoTensor
import Testing

@Suite struct MatrixFactorizationRecommenderTests {
    /// Two groups: U00-U04 review items of block A, U05-U09 of block B; U10 (held out) block A.
    static func blocks() throws -> HandTimelines {
        try HandTimelines([
            ["A1", "A2", "A3"], ["A2", "A3", "A4"], ["A1", "A3", "A4", "A1"], ["A1", "A2", "A4"], ["A2", "A4"],
            ["B1", "B2", "B3"], ["B2", "B3", "B4"], ["B1", "B3", "B4"], ["B1", "B2", "B4", "B2"], ["B3", "B4"],
            ["A1", "A2", "A3"],
        ])
    }

    static func settings(factors: Int = 3, iterations: Int = 10, excludeShown: Bool = true) -> MatrixFactorizationSettings {
        var settings = MatrixFactorizationSettings()
        settings.factors = factors
        settings.iterations = iterations
        settings.alpha = 5
        settings.regularization = 0.1
        settings.excludeShown = excludeShown
        return settings
    }

    static func fit(_ hand: HandTimelines, users: [Int], layout: ReviewObservationLayout,
                    settings: MatrixFactorizationSettings) throws -> MatrixFactorizationRecommender {
        var generator = RandomGenerator(seed: 11)
        return try MatrixFactorizationRecommender(timelines: hand.timelines, users: users, layout: layout,
                                                  settings: settings, using: &generator)
    }

    /// The objective by its definition, over every user-item cell.
    static func objective(_ model: MatrixFactorizationRecommender, _ hand: HandTimelines) -> Double {
        let f = model.settings.factors, items = hand.timelines.itemCount
        var total = 0.0
        for (u, user) in model.users.enumerated() {
            var reviews = [Double](repeating: 0, count: items)
            for row in hand.timelines.userRows[user] { reviews[Int(hand.timelines.item[row])] += 1 }
            for i in 0..<items {
                let c = 1 + model.settings.alpha * reviews[i], p: Double = reviews[i] > 0 ? 1 : 0
                let dot = (0..<f).reduce(0.0) { $0 + model.userFactors[u * f + $1] * model.itemFactors[i * f + $1] }
                total += c * (p - dot) * (p - dot)
            }
        }
        let norms = (model.userFactors + model.itemFactors).reduce(0.0) { $0 + $1 * $1 }
        return total + model.settings.regularization * norms
    }

    @Test func theObjectiveDecreasesEveryIteration() throws {
        let hand = try Self.blocks()
        let users = Array(0..<10)
        var previous = Double.infinity
        for iterations in 1...6 {
            let model = try Self.fit(hand, users: users, layout: hand.layout(), settings: Self.settings(iterations: iterations))
            let value = Self.objective(model, hand)
            #expect(value <= previous * (1 + 1e-9), "iteration \(iterations): \(value) after \(previous)")
            previous = value
        }
        #expect(previous.isFinite)
    }

    @Test func aFoldedInBlockAHistoryRanksBlockAFirst() throws {
        let hand = try Self.blocks()
        let layout = hand.layout()
        let model = try Self.fit(hand, users: Array(0..<10), layout: layout, settings: Self.settings())
        #expect(model.observationWidth == layout.width && model.actionCount == 8 && model.scoreKind == .ranking)
        let scores = try model.scores(for: hand.observation(layout, user: 10, position: 2))  // A1, A2
        let a = ["A3", "A4"].map { scores[hand.id($0)] }, b = ["B1", "B2", "B3", "B4"].map { scores[hand.id($0)] }
        #expect(a.min()! > b.max()!, "A \(a), B \(b)")
        // The shown items rank last.
        #expect(scores[hand.id("A1")] == -.infinity && scores[hand.id("A2")] == -.infinity)
        let action = try model.action(for: hand.observation(layout, user: 10, position: 2))
        #expect(["A3", "A4"].map(hand.id).contains(action))
        // Kept in, they are block A too.
        let kept = try Self.fit(hand, users: Array(0..<10), layout: layout, settings: Self.settings(excludeShown: false))
        let keptScores = try kept.scores(for: hand.observation(layout, user: 10, position: 2))
        let allA = ["A1", "A2", "A3", "A4"].map { keptScores[hand.id($0)] }
        #expect(allA.min()! > ["B1", "B2", "B3", "B4"].map { keptScores[hand.id($0)] }.max()!)
    }

    @Test func foldingInATrainingUsersTimelineGivesTheirFittedScores() throws {
        let hand = try Self.blocks()
        let layout = hand.layout()
        let model = try Self.fit(hand, users: Array(0..<10), layout: layout, settings: Self.settings(excludeShown: false))
        let f = model.settings.factors
        for user in [2, 8] {  // both have a repeat review
            let count = hand.timelines.userRows[user].count
            let scores = try model.scores(for: hand.observation(layout, user: user, position: count))
            for item in 0..<hand.timelines.itemCount {
                let fitted = (0..<f).reduce(0.0) { $0 + model.userFactors[user * f + $1] * model.itemFactors[item * f + $1] }
                #expect(abs(Double(scores[item]) - fitted) < 1e-4, "user \(user) item \(item)")
            }
        }
        // A history of unknown ids (padding only) folds in to the zero factor.
        #expect(try model.scores(for: hand.observation(layout, user: 10, position: 0)).allSatisfy { $0 == 0 })
    }

    @Test func batchesScoreLikeSingleRows() throws {
        let hand = try Self.blocks()
        let layout = hand.layout(history: 2)
        let model = try Self.fit(hand, users: Array(0..<10), layout: layout, settings: Self.settings())
        let rows = [(10, 1), (10, 2), (3, 3), (7, 2)].map { hand.observation(layout, user: $0.0, position: $0.1) }
        let batch = Matrix(rows: rows.count, columns: layout.width, values: rows.flatMap { $0 })
        let scores = Matrix(rows: rows.count, columns: hand.timelines.itemCount)
        try model.scores(batch.view, into: scores.view)
        for (r, row) in rows.enumerated() {
            let single = try model.scores(for: row)
            for item in single.indices {  // shown items are -infinity in both
                #expect(scores[r, item] == single[item] || abs(scores[r, item] - single[item]) < 1e-5)
            }
        }
    }

    @Test func invalidSettingsNameTheField() throws {
        let hand = try HandTimelines([["A", "B"]])
        let cases: [(String, (inout MatrixFactorizationSettings) -> Void)] = [
            ("factors", { $0.factors = 0 }), ("iterations", { $0.iterations = 0 }),
            ("regularization", { $0.regularization = 0 }), ("regularization", { $0.regularization = .infinity }),
            ("alpha", { $0.alpha = -1 }), ("initialScale", { $0.initialScale = .nan }),
        ]
        for (field, change) in cases {
            var settings = MatrixFactorizationSettings()
            change(&settings)
            expectError(containing: "matrix factorisation setting \(field):") {
                try Self.fit(hand, users: [0], layout: hand.layout(), settings: settings)
            }
        }
    }
}
