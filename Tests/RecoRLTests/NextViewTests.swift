import Foundation
import Testing
import RecoEnvironments
import RecoExperiments
@testable import RecoRL
import RecoSimulators
import RecoTensor

/// The next-view model: a multinomial logistic regression of the next organic view, fitted to the
/// growth of the view counts between a user's logged decisions. Contexts are viewHistory rows.
@Suite struct NextViewTests {
    static func context(_ counts: [Float], last: Int?) -> [Float] {
        counts + counts.indices.map { $0 == last ? 1 : 0 }
    }

    static func configuration(_ counts: NextViewConfiguration.Counts, lastViewed: Bool) -> NextViewConfiguration {
        var configuration = NextViewConfiguration()
        configuration.counts = counts
        configuration.lastViewed = lastViewed
        return configuration
    }

    @Test func rowsAreTheViewsBetweenDecisionsWithTheEarlierContext() throws {
        let model = try NextViewModel(configuration: Self.configuration(.counts, lastViewed: true), observationWidth: 6, actionCount: 3)
        let log = [
            try LoggedInteraction(context: Self.context([2, 1, 0], last: 1), action: 0, propensity: 1 / 3, reward: 0, user: 0),
            try LoggedInteraction(context: Self.context([0, 0, 1], last: 2), action: 1, propensity: 1 / 3, reward: 0, user: 1),
            try LoggedInteraction(context: Self.context([2, 1, 1], last: 2), action: 1, propensity: 1 / 3, reward: 1, user: 0),
            try LoggedInteraction(context: Self.context([2, 1, 1], last: 2), action: 2, propensity: 1 / 3, reward: 0, user: 0),
            try LoggedInteraction(context: Self.context([1, 0, 0], last: 0), action: 2, propensity: 1 / 3, reward: 0),
        ]
        let objective = model.objective(log)
        let zero: [Double] = [0, 0, 0, 0, 0, 0, 1]
        // User 0's first session (2 views of 0, 1 of 1) from nothing; user 1's from nothing; user 0's
        // second session (1 view of 2) from its first context; no views before user 0's third decision;
        // the interaction without a user id counts from nothing.
        #expect(objective.features == zero + zero + zero + [2, 1, 0, 0, 1, 0, 1] + zero)
        #expect(objective.labels == [0, 1, 2, 2, 0])
        #expect(objective.sampleWeights == [2, 1, 1, 1, 1])
        #expect(objective.classes == [0, 1, 2])
        #expect(objective.products == 6 && objective.width == 7)
    }

    @Test func featureTransforms() throws {
        let log = [try LoggedInteraction(context: Self.context([3, 1, 0], last: 0), action: 0, propensity: 1, reward: 0, user: 0),
                   try LoggedInteraction(context: Self.context([3, 1, 2], last: 2), action: 0, propensity: 1, reward: 0, user: 0)]
        for (counts, expected) in [(NextViewConfiguration.Counts.counts, [3.0, 1, 0]), (.logCounts, [log1p(3.0), log1p(1.0), 0]),
                                   (.shares, [0.75, 0.25, 0])] {
            let model = try NextViewModel(configuration: Self.configuration(counts, lastViewed: false), observationWidth: 6, actionCount: 3)
            let objective = model.objective(log)
            #expect(Array(objective.features.suffix(4)) == expected + [1], "\(counts)")
        }
    }

    /// With every row's inputs zero (no user ids: each context counts from nothing) only the
    /// intercepts matter, and the fit's probabilities are the view frequencies: 4 / 6, 2 / 6, 0.
    @Test func interceptsAloneFitTheViewFrequencies() throws {
        let model = try NextViewModel(configuration: NextViewConfiguration(), observationWidth: 6, actionCount: 3)
        let log = [try LoggedInteraction(context: Self.context([3, 1, 0], last: 0), action: 2, propensity: 1 / 3, reward: 1),
                   try LoggedInteraction(context: Self.context([1, 1, 0], last: 1), action: 2, propensity: 1 / 3, reward: 0)]
        var generator = RandomGenerator(seed: 1)
        try model.fit(log, using: &generator)
        #expect(model.lastFit.converged)
        #expect(model.interactionsSeen == 2)
        let contexts = Matrix(rows: 2, columns: 6, values: Self.context([0, 0, 0], last: nil) + Self.context([0, 5, 2], last: 2))
        let scores = Matrix(rows: 2, columns: 3)
        model.scores(contexts.view, into: scores.view)
        for r in 0..<2 {
            #expect(abs(scores[r, 0] - 2 / 3) < 1e-4 && abs(scores[r, 1] - 1 / 3) < 1e-4 && scores[r, 2] == 0)
        }
    }

    /// Synthetic users who view their favourite product 70% of the time: fitted on their sessions, the
    /// model predicts the favourite (the most viewed product) as the next view, and an unfitted model
    /// is uniform.
    @Test func learnsThatUsersViewWhatTheyViewed() throws {
        let p = 5
        var generator = RandomGenerator(seed: 3)
        var log: [LoggedInteraction] = []
        for user in 0..<400 {
            let favourite = generator.index(below: p)
            var counts = [Float](repeating: 0, count: p)
            var last = 0
            for _ in 0..<6 {
                for _ in 0..<(1 + generator.index(below: 3)) {
                    last = generator.uniformDouble() < 0.7 ? favourite : generator.index(below: p)
                    counts[last] += 1
                }
                log.append(try LoggedInteraction(context: Self.context(counts, last: last), action: generator.index(below: p),
                                                 propensity: 1 / Float(p), reward: 0, user: user))
            }
        }
        let model = try NextViewModel(configuration: NextViewConfiguration(), observationWidth: 2 * p, actionCount: p)
        let unfitted = Matrix(rows: 1, columns: p)
        model.scores(Matrix(rows: 1, columns: 2 * p, values: Self.context([1, 0, 0, 0, 0], last: 0)).view, into: unfitted.view)
        #expect(unfitted.toArray() == [Float](repeating: 1 / Float(p), count: p))
        try model.fit(log, using: &generator)
        #expect(model.lastFit.converged)
        for favourite in 0..<p {
            var counts = [Float](repeating: 1, count: p)
            counts[favourite] = 4
            let other = (favourite + 1) % p
            let contexts = Matrix(rows: 1, columns: 2 * p, values: Self.context(counts, last: other))
            var action: [Int32] = [0]
            action.withUnsafeMutableBufferPointer { model.act(contexts.view, into: $0, logProbabilities: nil, using: &generator) }
            #expect(Int(action[0]) == favourite)
        }
    }

    @Test func checkpointsRoundTripThroughTheRegistry() throws {
        let environment = VectorEnvironment(copies: 4) { _ in RecoGymEnvironment(observation: .viewHistory) }
        var generator = RandomGenerator(seed: 7)
        let log = try PolicyLogging.log(try UniformRandomPolicy(observationWidth: 20, actionCount: 10), on: environment,
                                        episodes: 60, seed: 3, generator: &generator)
        for configuration in [NextViewConfiguration(), Self.configuration(.shares, lastViewed: false)] {
            let agent = try BanditAgent(model: NextViewModel(configuration: configuration, observationWidth: 20, actionCount: 10))
            try agent.fit(log, using: &generator)
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("next-view-\(UUID().uuidString).safetensors")
            defer { try? FileManager.default.removeItem(at: url) }
            try agent.save(to: url)
            let loaded = try #require(try AlgorithmRegistry.standard.load(from: url).agent as? BanditAgent<NextViewModel>)
            #expect(loaded.model.configuration == configuration)
            #expect(loaded.model.interactionsSeen == log.count)
            let contexts = Matrix(rows: log.count, columns: 20, values: log.flatMap(\.context))
            let before = Matrix(rows: log.count, columns: 10), after = Matrix(rows: log.count, columns: 10)
            agent.model.scores(contexts.view, into: before.view)
            loaded.model.scores(contexts.view, into: after.view)
            #expect(before.toArray() == after.toArray())
        }
        let entry = try AlgorithmRegistry.standard.entry(named: "next-view")
        #expect(entry.family == .bandit)
    }

    /// On RecoGym, fitted on 300 logged users, it beats uniform random on 300 others with intervals apart.
    @Test func beatsRandomOnRecoGym() throws {
        var settings = ABTestSettings()
        settings.trainUsers = 300
        settings.testUsers = 300
        settings.agents = ["random", "next-view"]
        settings.copies = 32
        let results = try ABTest.run(settings)
        #expect(results[1].ctr.lower > results[0].ctr.upper, "\(results[1].ctr.formatted()) vs random \(results[0].ctr.formatted())")
    }

    @Test func badSizesAndConfigurationsThrow() throws {
        #expect(throws: ConfigurationError.self) {
            try NextViewModel(configuration: NextViewConfiguration(), observationWidth: 7, actionCount: 3)
        }
        // 71 products with the last viewed one: 71 x 143 parameters, over 10,100.
        #expect(throws: ConfigurationError.self) {
            try NextViewModel(configuration: NextViewConfiguration(), observationWidth: 142, actionCount: 71)
        }
        _ = try NextViewModel(configuration: Self.configuration(.counts, lastViewed: false), observationWidth: 200, actionCount: 100)
        var bad = NextViewConfiguration()
        bad.l2 = 0
        #expect(throws: ConfigurationError.self) { try NextViewModel(configuration: bad, observationWidth: 6, actionCount: 3) }
        let entry = try AlgorithmRegistry.standard.entry(named: "next-view")
        #expect(throws: (any Error).self) { _ = try entry.decodeConfiguration(Data(#"{"lastviewed": false}"#.utf8)) }
        #expect(throws: (any Error).self) { _ = try entry.decodeConfiguration(Data(#"{"counts": "squares"}"#.utf8)) }
        let decoded = try entry.decodeConfiguration(Data(#"{"counts": "shares", "lastViewed": false}"#.utf8))
        #expect(decoded as? NextViewConfiguration == Self.configuration(.shares, lastViewed: false))
        let model = try NextViewModel(configuration: NextViewConfiguration(), observationWidth: 6, actionCount: 3)
        var generator = RandomGenerator(seed: 1)
        #expect(throws: LoggedDataError.self) {
            try model.fit([try LoggedInteraction(context: [0, 0, 0, 0], action: 0, propensity: 1, reward: 0)], using: &generator)
        }
    }
}
