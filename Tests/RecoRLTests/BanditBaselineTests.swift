import Foundation
import RecoEnvironments
import RecoEvaluation
import RecoExperiments
import RecoNetworks
@testable import RecoRL
import RecoSimulators
import RecoTensor
import Testing

/// The RecoGym baselines without hyper-parameters to speak of: hand-computed fits, propensities,
/// checkpoints, and that each learns something a broken fit would not.
@Suite struct BanditBaselineTests {
    /// A `viewHistory` context over `products` products: view counts, then the last viewed product.
    static func context(_ counts: [Float], last: Int?) -> [Float] {
        counts + (0..<counts.count).map { $0 == last ? 1 : 0 }
    }

    static func scores<M: BanditModel>(_ model: M, _ contexts: [[Float]]) -> [[Float]] {
        let matrix = Matrix(rows: contexts.count, columns: model.observationWidth, values: contexts.flatMap { $0 })
        let out = Matrix(rows: contexts.count, columns: model.actionCount)
        model.scores(matrix.view, into: out.view)
        return (0..<contexts.count).map { r in (0..<model.actionCount).map { out[r, $0] } }
    }

    @Test func organicCountAddsTheCoViewsOfEachSession() throws {
        let model = try OrganicCountModel(configuration: NoHyperparameters(), observationWidth: 6, actionCount: 3)
        // User 0: session {0, 0, 1} before the first decision, then a session {2} before the second.
        let log = [
            try LoggedInteraction(context: Self.context([2, 1, 0], last: 1), action: 0, propensity: 1 / 3, reward: 0, user: 0),
            try LoggedInteraction(context: Self.context([2, 1, 1], last: 2), action: 1, propensity: 1 / 3, reward: 1, user: 0),
            try LoggedInteraction(context: Self.context([0, 0, 1], last: 2), action: 2, propensity: 1 / 3, reward: 0, user: 1),
        ]
        var generator = RandomGenerator(seed: 0)
        try model.fit(log, using: &generator)
        // B B^T for B = (2, 1, 0), then (0, 0, 1) twice.
        #expect(Self.scores(model, [Self.context([0, 0, 0], last: 0)]) == [[4, 2, 0]])
        #expect(Self.scores(model, [Self.context([0, 0, 0], last: 1)]) == [[2, 1, 0]])
        #expect(Self.scores(model, [Self.context([0, 0, 0], last: 2)]) == [[0, 0, 2]])
        #expect(try BanditAgent(model: model).greedyPolicy.action(for: Self.context([0, 0, 0], last: 1)) == 0)
    }

    @Test func banditCountIsTheBetaPosteriorMeanPerLastViewedProduct() throws {
        var configuration = BanditCountConfiguration()
        configuration.priorClicks = 1
        configuration.priorMisses = 3
        let model = try BanditCountModel(configuration: configuration, observationWidth: 4, actionCount: 2)
        let c0 = Self.context([1, 0], last: 0), c1 = Self.context([0, 1], last: 1)
        let log = [
            try LoggedInteraction(context: c0, action: 1, propensity: 0.5, reward: 1),
            try LoggedInteraction(context: c0, action: 1, propensity: 0.5, reward: 0),
            try LoggedInteraction(context: c0, action: 0, propensity: 0.5, reward: 0),
            try LoggedInteraction(context: c1, action: 0, propensity: 0.5, reward: 1),
        ]
        var generator = RandomGenerator(seed: 0)
        try model.fit(log, using: &generator)
        let expected: [[Float]] = [[1 / 5, 2 / 6], [2 / 5, 1 / 4]]
        #expect(Self.scores(model, [c0, c1]) == expected)
        // No view yet: the counts summed over last viewed products.
        let unseen: [[Float]] = [[2 / 6, 2 / 6]]
        #expect(Self.scores(model, [Self.context([0, 0], last: nil)]) == unseen)
    }

    @Test func userCountSamplesInProportionToViewsAndLogsThatPropensity() throws {
        var configuration = UserCountConfiguration()
        configuration.epsilon = 0.2
        let model = try UserCountModel(configuration: configuration, observationWidth: 6, actionCount: 3)
        let policy = try BanditAgent(model: model).greedyPolicy
        let row = Self.context([3, 1, 0], last: 1)
        let expected: [Float] = [0.8 * 0.75 + 0.2 / 3, 0.8 * 0.25 + 0.2 / 3, 0.2 / 3]
        let probabilities = try policy.scores(for: row)
        for a in 0..<3 { #expect(abs(probabilities[a] - expected[a]) < 1e-6) }
        var generator = RandomGenerator(seed: 11)
        var counts = [0, 0, 0]
        for _ in 0..<20_000 {
            let (action, propensity) = try policy.decide(row, using: &generator)
            #expect(abs(propensity - expected[action]) < 1e-6)
            counts[action] += 1
        }
        for a in 0..<3 { #expect(abs(Float(counts[a]) / 20_000 - expected[a]) < 0.01) }
        // OPE weighs by the same distribution.
        let matrix = Matrix(rows: 1, columns: 6, values: row), out = Matrix(rows: 1, columns: 3)
        try policy.actionProbabilities(matrix.view, into: out.view)
        for a in 0..<3 { #expect(abs(out[0, a] - expected[a]) < 1e-6) }
    }

    @Test func baselinesNeedTheViewHistoryLayout() {
        #expect(throws: ConfigurationError.self) {
            try OrganicCountModel(configuration: NoHyperparameters(), observationWidth: 10, actionCount: 10)
        }
        #expect(throws: ConfigurationError.self) {
            try BanditCountModel(configuration: BanditCountConfiguration(), observationWidth: 2 * 40_000, actionCount: 40_000)
        }
        #expect(throws: (any Error).self) {
            _ = try AlgorithmRegistry.standard.entry(named: "bandit-count").decodeConfiguration(Data(#"{"priorClicks": -1}"#.utf8))
                .validate()
        }
        #expect(throws: ConfigurationError.self) {
            _ = try AlgorithmRegistry.standard.entry(named: "organic-count").decodeConfiguration(Data(#"{"alpha": 1}"#.utf8))
        }
    }

    @Test func trainedBaselinesRoundTripThroughCheckpoints() throws {
        let environment = VectorEnvironment(copies: 4) { _ in RecoGymEnvironment(observation: .viewHistory) }
        var logging = RandomGenerator(seed: 12345)
        let probe = try PolicyLogging.log(try UniformRandomPolicy(observationWidth: 20, actionCount: 10), on: environment,
                                          steps: 50, seed: 5, generator: &logging)
        for name in ["random", "organic-count", "user-count", "bandit-count"] {
            let entry = try AlgorithmRegistry.standard.entry(named: name)
            var generator = RandomGenerator(seed: 2)
            let agent = try entry.makeAgent(entry.defaultConfiguration(), spaces: EnvironmentSpaces(environment), generator: &generator)
            let progress = try agent.train(on: environment, steps: 4_000, seed: 1, generator: &generator)
            #expect(progress.step == 4_000 && progress.episodes > 20, "\(name)")
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("recorl-bandit-\(name)-\(UUID().uuidString).safetensors")
            defer { try? FileManager.default.removeItem(at: url) }
            try agent.save(to: url)
            let loaded = try AlgorithmRegistry.standard.load(from: url).agent
            #expect(loaded.algorithm == name)
            let contexts = Matrix(rows: probe.count, columns: 20, values: probe.flatMap(\.context))
            let before = Matrix(rows: probe.count, columns: 10), after = Matrix(rows: probe.count, columns: 10)
            try agent.greedyPolicy.scores(contexts.view, into: before.view)
            try loaded.greedyPolicy.scores(contexts.view, into: after.view)
            #expect(before.toArray() == after.toArray(), "\(name)")
        }
    }

    /// Learning test: on RecoGym, a fit on 300 logged users beats uniform random on 300 others with
    /// intervals apart; an unfitted (or wrongly fitted) count model recommends product 0 to everyone.
    @Test func fittedBaselinesBeatRandomOnRecoGym() throws {
        var settings = ABTestSettings()
        settings.trainUsers = 300
        settings.testUsers = 300
        settings.agents = ["random", "organic-count", "bandit-count"]
        settings.copies = 32
        let results = try ABTest.run(settings)
        let random = results[0].ctr
        #expect(random.rate > 0.009 && random.rate < 0.014, "uniform CTR \(random.rate)")
        for result in results.dropFirst() {
            #expect(result.ctr.lower > random.upper, "\(result.agent): \(result.ctr.formatted()) vs random \(random.formatted())")
        }
    }
}
