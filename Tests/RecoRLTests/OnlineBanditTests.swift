import Foundation
import Testing
import RecoEnvironments
import RecoNetworks
@testable import RecoRL
import RecoSimulators
import RecoTensor

/// LinUCB and linear Thompson sampling: the ridge solution and confidence bonus against plain
/// references, online learning on a synthetic linear bandit, checkpoints and bad input.
@Suite struct OnlineBanditTests {
    /// Random interactions with contexts of `width` values in [-1, 1] and rewards in [0, 1].
    static func randomLog(count: Int, width: Int, actions: Int, seed: UInt64) throws -> [LoggedInteraction] {
        var generator = RandomGenerator(seed: seed)
        return try (0..<count).map { _ in
            let context = (0..<width).map { _ in generator.uniform(-1, 1) }
            return try LoggedInteraction(context: context, action: generator.index(below: actions),
                                         propensity: 1 / Float(actions), reward: generator.uniform())
        }
    }

    /// `A = lambda I + sum x xᵀ`, `b = sum r x` of one action in Double, and `A⁻¹` by Gauss-Jordan.
    static func reference(_ log: [LoggedInteraction], action: Int, width: Int, lambda: Double,
                          intercept: Bool) -> (theta: [Double], inverse: [[Double]]) {
        let f = width + (intercept ? 1 : 0)
        var a = (0..<f).map { i in (0..<f).map { j in i == j ? lambda : 0 } }
        var b = [Double](repeating: 0, count: f)
        for interaction in log where interaction.action == action {
            let x = interaction.context.map(Double.init) + (intercept ? [1] : [])
            for i in 0..<f {
                for j in 0..<f { a[i][j] += x[i] * x[j] }
                b[i] += Double(interaction.reward) * x[i]
            }
        }
        var inverse = (0..<f).map { i in (0..<f).map { j in i == j ? 1.0 : 0 } }
        for column in 0..<f {
            let pivot = a[column][column]
            for j in 0..<f { a[column][j] /= pivot; inverse[column][j] /= pivot }
            for row in 0..<f where row != column {
                let factor = a[row][column]
                for j in 0..<f { a[row][j] -= factor * a[column][j]; inverse[row][j] -= factor * inverse[column][j] }
            }
        }
        let theta = (0..<f).map { i in (0..<f).reduce(0.0) { $0 + inverse[i][$1] * b[$1] } }
        return (theta, inverse)
    }

    @Test func ridgeSolutionAndBoundsMatchTheNormalEquations() throws {
        let width = 3, actions = 2
        let log = try Self.randomLog(count: 300, width: width, actions: actions, seed: 1)
        var linucb = LinUCBConfiguration()
        linucb.lambda = 0.5
        linucb.alpha = 1.5
        let model = try LinUCBModel(configuration: linucb, observationWidth: width, actionCount: actions)
        var thompsonConfiguration = ThompsonSamplingConfiguration()
        thompsonConfiguration.lambda = 0.5
        thompsonConfiguration.v = 0.3
        let thompson = try ThompsonSamplingModel(configuration: thompsonConfiguration, observationWidth: width, actionCount: actions)
        var generator = RandomGenerator(seed: 2)
        try model.fit(log, using: &generator)
        // Thompson learns the same statistics online, in batches of 7.
        for start in stride(from: 0, to: log.count, by: 7) {
            try thompson.update(Array(log[start..<min(log.count, start + 7)]), using: &generator)
        }
        #expect(model.interactionsSeen == 300 && thompson.interactionsSeen == 300)
        let queries = try Self.randomLog(count: 5, width: width, actions: actions, seed: 3)
        let contexts = Matrix(rows: 5, columns: width, values: queries.flatMap(\.context))
        let scores = Matrix(rows: 5, columns: actions), bounds = Matrix(rows: 5, columns: actions)
        let means = Matrix(rows: 5, columns: actions), deviations = Matrix(rows: 5, columns: actions)
        model.scores(contexts.view, into: scores.view)
        model.upperConfidenceBounds(contexts.view, into: bounds.view)
        thompson.posterior(contexts.view, means: means.view, deviations: deviations.view)
        for a in 0..<actions {
            let (theta, inverse) = Self.reference(log, action: a, width: width, lambda: 0.5, intercept: true)
            for r in 0..<5 {
                let x = queries[r].context.map(Double.init) + [1]
                let mean = zip(theta, x).reduce(0.0) { $0 + $1.0 * $1.1 }
                var quadratic = 0.0
                for i in 0..<x.count { for j in 0..<x.count { quadratic += x[i] * inverse[i][j] * x[j] } }
                #expect(abs(Double(scores[r, a]) - mean) < 1e-4, "action \(a) row \(r)")
                #expect(abs(Double(means[r, a]) - mean) < 1e-4)
                #expect(abs(Double(bounds[r, a]) - (mean + 1.5 * quadratic.squareRoot())) < 1e-4)
                #expect(abs(Double(deviations[r, a]) - 0.3 * quadratic.squareRoot()) < 1e-5)
            }
        }
    }

    /// Two features, no intercept, lambda 1, alpha 2. Action 0 saw x = (1, 0) with reward 1 and (1, 1)
    /// with reward 0: A_0 = [[3, 1], [1, 2]], A_0⁻¹ = [[2, -1], [-1, 3]] / 5, b_0 = (1, 0),
    /// theta_0 = (0.4, -0.2). For x = (1, 1): mean 0.2, xᵀ A_0⁻¹ x = 3/5, bound 0.2 + 2 sqrt(0.6).
    /// Action 1 saw nothing: mean 0, bound 2 sqrt(2). LinUCB explores action 1, acts on action 0.
    /// RecoGym's contexts make `A_a` nearly singular (the one-hot of the last viewed product sums to the
    /// intercept) at entries in the hundreds of thousands: single precision could not factor it.
    @Test func collinearFeaturesOverManyRowsStillFactor() throws {
        let statistics = try RidgeStatistics(features: LinearFeatures(contextWidth: 3, intercept: true, logValues: true),
                                             actionCount: 1, lambda: 1, algorithm: "test")
        var generator = RandomGenerator(seed: 4)
        var batch: [LoggedInteraction] = []
        var clicks = [Double](repeating: 0, count: 3), shown = [Double](repeating: 0, count: 3)
        for _ in 0..<300_000 {
            let hot = generator.index(below: 3)
            let reward: Float = generator.uniform() < [0.01, 0.02, 0.03][hot] ? 1 : 0
            clicks[hot] += Double(reward)
            shown[hot] += 1
            batch.append(try LoggedInteraction(context: (0..<3).map { $0 == hot ? 1 : 0 }, action: 0, propensity: 1, reward: reward))
        }
        try statistics.add(batch)
        // With 100,000 rows per product the ridge fit is each product's click rate, to 1e-4.
        let features = Matrix(rows: 3, columns: 4)
        for p in 0..<3 { LinearFeatures(contextWidth: 3, intercept: true, logValues: true)
            .write([Float]((0..<3).map { $0 == p ? 1 : 0 }), into: features.view.rowPointer(p)) }
        let means = Matrix(rows: 3, columns: 1)
        statistics.means(features.view, into: means.view)
        for p in 0..<3 { #expect(abs(Double(means[p, 0]) - clicks[p] / shown[p]) < 1e-4, "product \(p)") }
    }

    @Test func upperConfidenceBoundByHand() throws {
        var configuration = LinUCBConfiguration()
        configuration.alpha = 2
        configuration.intercept = false
        let model = try LinUCBModel(configuration: configuration, observationWidth: 2, actionCount: 2)
        var generator = RandomGenerator(seed: 4)
        try model.update([LoggedInteraction(context: [1, 0], action: 0, propensity: 0.5, reward: 1),
                          LoggedInteraction(context: [1, 1], action: 0, propensity: 0.5, reward: 0)], using: &generator)
        let context = Matrix(rows: 1, columns: 2, values: [1, 1])
        let bounds = Matrix(rows: 1, columns: 2)
        model.upperConfidenceBounds(context.view, into: bounds.view)
        #expect(abs(bounds[0, 0] - (0.2 + 2 * Float(0.6).squareRoot())) < 1e-5)
        #expect(abs(bounds[0, 1] - 2 * Float(2).squareRoot()) < 1e-5)
        var action: [Int32] = [9], logProbability: [Float] = [9]
        action.withUnsafeMutableBufferPointer { actions in
            logProbability.withUnsafeMutableBufferPointer { model.explore(context.view, into: actions, logProbabilities: $0, using: &generator) }
        }
        #expect(action == [1] && logProbability == [0])
        action.withUnsafeMutableBufferPointer { model.act(context.view, into: $0, logProbabilities: nil, using: &generator) }
        #expect(action == [0])
    }

    /// A linear bandit: 5 actions, contexts of 4 values, expected reward `0.5 + 0.4 w_a . x` with
    /// unit-norm `w_a` and `x`, Bernoulli rewards.
    struct LinearWorld {
        let weights: [[Float]]
        init(seed: UInt64) {
            var generator = RandomGenerator(seed: seed)
            weights = (0..<5).map { _ in Self.unit((0..<4).map { _ in generator.normal() }) }
        }
        static func unit(_ v: [Float]) -> [Float] {
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return v.map { $0 / norm }
        }
        func context(_ generator: inout RandomGenerator) -> [Float] { Self.unit((0..<4).map { _ in generator.normal() }) }
        func mean(_ x: [Float], _ a: Int) -> Float { 0.5 + 0.4 * zip(weights[a], x).reduce(0) { $0 + $1.0 * $1.1 } }
        func best(_ x: [Float]) -> Int { (0..<5).max { mean(x, $0) < mean(x, $1) } ?? 0 }
    }

    /// Runs `steps` decisions in batches of 8 (explore, observe, update) and returns the cumulative
    /// regret, uniform random's expected regret over the same contexts, and the greedy accuracy after.
    static func learn<Model: BanditModel>(_ model: Model, steps: Int, seed: UInt64) throws -> (regret: Float, uniform: Float, accuracy: Float) {
        let world = LinearWorld(seed: 100)
        var generator = RandomGenerator(seed: seed)
        var regret: Float = 0, uniform: Float = 0
        let contexts = Matrix(rows: 8, columns: 4)
        var actions = [Int32](repeating: 0, count: 8), logProbabilities = [Float](repeating: 0, count: 8)
        var batch: [LoggedInteraction] = []
        for _ in 0..<(steps / 8) {
            let xs = (0..<8).map { _ in world.context(&generator) }
            for r in 0..<8 { for j in 0..<4 { contexts[r, j] = xs[r][j] } }
            actions.withUnsafeMutableBufferPointer { actions in
                logProbabilities.withUnsafeMutableBufferPointer {
                    model.explore(contexts.view, into: actions, logProbabilities: $0, using: &generator)
                }
            }
            batch.removeAll(keepingCapacity: true)
            for r in 0..<8 {
                let a = Int(actions[r]), best = world.mean(xs[r], world.best(xs[r]))
                regret += best - world.mean(xs[r], a)
                uniform += best - (0..<5).reduce(0) { $0 + world.mean(xs[r], $1) } / 5
                let reward: Float = generator.bernoulli(world.mean(xs[r], a)) ? 1 : 0
                batch.append(try LoggedInteraction(context: xs[r], action: a, propensity: min(1, Foundation.exp(logProbabilities[r])),
                                                   reward: reward))
            }
            try model.update(batch, using: &generator)
        }
        var correct = 0
        let test = Matrix(rows: 1, columns: 4)
        var action: [Int32] = [0]
        for _ in 0..<1_000 {
            let x = world.context(&generator)
            for j in 0..<4 { test[0, j] = x[j] }
            action.withUnsafeMutableBufferPointer { model.act(test.view, into: $0, logProbabilities: nil, using: &generator) }
            if Int(action[0]) == world.best(x) { correct += 1 }
        }
        return (regret, uniform, Float(correct) / 1_000)
    }

    @Test func linUCBLearnsALinearBandit() throws {
        let model = try LinUCBModel(configuration: LinUCBConfiguration(), observationWidth: 4, actionCount: 5)
        let result = try Self.learn(model, steps: 4_000, seed: 7)
        print("linucb: regret \(result.regret), uniform \(result.uniform), greedy accuracy \(result.accuracy)")
        #expect(model.interactionsSeen == 4_000)
        #expect(result.regret < 0.3 * result.uniform)
        #expect(result.accuracy > 0.7)
    }

    @Test func thompsonSamplingLearnsALinearBandit() throws {
        let model = try ThompsonSamplingModel(configuration: ThompsonSamplingConfiguration(), observationWidth: 4, actionCount: 5)
        let result = try Self.learn(model, steps: 4_000, seed: 8)
        print("thompson: regret \(result.regret), uniform \(result.uniform), greedy accuracy \(result.accuracy)")
        #expect(result.regret < 0.3 * result.uniform)
        #expect(result.accuracy > 0.7)
    }

    /// The Monte-Carlo propensity agrees with how often `explore` actually picks each action.
    @Test func thompsonPropensitiesMatchChoiceFrequencies() throws {
        var configuration = ThompsonSamplingConfiguration()
        configuration.v = 1
        configuration.propensityDraws = 256
        let model = try ThompsonSamplingModel(configuration: configuration, observationWidth: 2, actionCount: 3)
        var generator = RandomGenerator(seed: 9)
        try model.fit(Self.randomLog(count: 30, width: 2, actions: 3, seed: 10), using: &generator)
        let rows = 4_000
        let contexts = Matrix(rows: rows, columns: 2)
        for r in 0..<rows { contexts[r, 0] = 0.5; contexts[r, 1] = -0.3 }
        var actions = [Int32](repeating: 0, count: rows), logProbabilities = [Float](repeating: 0, count: rows)
        actions.withUnsafeMutableBufferPointer { actions in
            logProbabilities.withUnsafeMutableBufferPointer { model.explore(contexts.view, into: actions, logProbabilities: $0, using: &generator) }
        }
        var counts = [Float](repeating: 0, count: 3), estimates = [Float](repeating: 0, count: 3)
        for r in 0..<rows {
            counts[Int(actions[r])] += 1
            estimates[Int(actions[r])] += Foundation.exp(logProbabilities[r])
        }
        for a in 0..<3 where counts[a] > 0 {
            let frequency = counts[a] / Float(rows), estimate = estimates[a] / counts[a]
            #expect(abs(frequency - estimate) < 0.04, "action \(a): chosen \(frequency), estimated \(estimate)")
        }
        #expect(counts.filter { $0 > 0 }.count >= 2, "the posterior should be wide enough to explore: \(counts)")
    }

    /// Trained through the engine's trainer on a real environment, saved and loaded through the
    /// registry: the same scores.
    @Test(arguments: ["linucb", "thompson"])
    func trainerAndCheckpointRoundTrip(algorithm: String) throws {
        var generator = RandomGenerator(seed: 11)
        let environment = VectorEnvironment(copies: 4) { _ in MarketingEnvironment() }
        let entry = try AlgorithmRegistry.standard.entry(named: algorithm)
        let agent = try entry.makeAgent(entry.defaultConfiguration(), spaces: EnvironmentSpaces(environment), generator: &generator)
        try agent.train(on: environment, steps: 512, seed: 3, generator: &generator)
        #expect(agent.gradientStepCount == 128)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("recorl-\(algorithm)-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try agent.save(to: url, metadata: ["environment": "marketing"])
        let (loaded, _) = try AlgorithmRegistry.standard.load(from: url)
        #expect(loaded.algorithm == algorithm && loaded.gradientStepCount == agent.gradientStepCount)
        environment.reset(seed: 9)
        let actions = agent.actionCount
        let expected = Matrix(rows: 4, columns: actions), restored = Matrix(rows: 4, columns: actions)
        try agent.greedyPolicy.scores(environment.observations, into: expected.view)
        try loaded.greedyPolicy.scores(environment.observations, into: restored.view)
        #expect(restored.toArray() == expected.toArray())
        #expect(expected.toArray().contains { $0 != 0 })
    }

    @Test func badInputIsAnErrorNotATrap() throws {
        func configurationError(_ body: () throws -> Void) -> ConfigurationError? {
            do { try body() } catch let error as ConfigurationError { return error } catch { return nil }
            return nil
        }
        var linucb = LinUCBConfiguration()
        linucb.lambda = 0
        #expect(configurationError { _ = try LinUCBModel(configuration: linucb, observationWidth: 3, actionCount: 2) }?.field == "lambda")
        #expect(configurationError { _ = try JSONDecoder().decode(ThompsonSamplingConfiguration.self, from: Data(#"{"lambda": -1}"#.utf8)).validate() }?.field == "lambda")
        #expect(configurationError { _ = try JSONDecoder().decode(LinUCBConfiguration.self, from: Data(#"{"alfa": 1}"#.utf8)) }?.field == "alfa")
        #expect(configurationError { _ = try JSONDecoder().decode(ThompsonSamplingConfiguration.self, from: Data(#"{"propensityDraws": -1}"#.utf8)).validate() }?.field == "propensityDraws")
        // 10 actions of 100,000-wide contexts: 10 x 100,001² x 8 bytes, far past 4 GiB.
        let wide = configurationError { _ = try LinUCBModel(configuration: LinUCBConfiguration(), observationWidth: 100_000, actionCount: 10) }
        #expect(wide?.field == "observation width")
        #expect(configurationError { _ = try ThompsonSamplingModel(configuration: ThompsonSamplingConfiguration(), observationWidth: Int.max / 2, actionCount: 10) }?.field == "observation width")
        let model = try LinUCBModel(configuration: LinUCBConfiguration(), observationWidth: 3, actionCount: 2)
        var generator = RandomGenerator(seed: 12)
        #expect(throws: LoggedDataError.self) {
            try model.update([LoggedInteraction(context: [1, 2], action: 0, propensity: 1, reward: 1)], using: &generator)
        }
        #expect(throws: LoggedDataError.self) {
            try model.fit([LoggedInteraction(context: [1, 2, 3], action: 2, propensity: 1, reward: 1)], using: &generator)
        }
        #expect(model.interactionsSeen == 0)
        // A checkpoint tensor of the wrong shape.
        #expect(throws: CheckpointError.self) {
            try model.restore(ParameterStore(name: "gram", shape: [2, 3, 3]), interactionsSeen: 0, path: "x")
        }
    }
}
