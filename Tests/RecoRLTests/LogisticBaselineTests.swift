import Foundation
import Testing
import RecoEnvironments
@testable import RecoRL
import RecoTensor
import RecoTestSupport

// RecoGym's logistic-regression baselines: `likelihood` (LogregPolyAgent) and `logreg-ips`
// (LogregMulticlassIpsAgent). Contexts are viewHistory rows: P view counts, then a one-hot of the last view.

enum LogisticFixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// A viewHistory context with view counts drawn from 0...maxCount.
    static func context(products p: Int, maxCount: Int, _ generator: inout RandomGenerator) -> [Float] {
        var context = [Float](repeating: 0, count: 2 * p)
        for j in 0..<p { context[j] = Float(generator.index(below: maxCount + 1)) }
        if let last = (0..<p).filter({ context[$0] > 0 }).randomElement(using: &generator) { context[p + last] = 1 }
        return context
    }

    /// `rows` uniformly logged impressions whose clicks follow `clickProbability(context, action)`.
    static func log(products p: Int, rows: Int, seed: UInt64, maxCount: Int = 3,
                    _ clickProbability: ([Float], Int) -> Double) throws -> [LoggedInteraction] {
        var generator = RandomGenerator(seed: seed)
        return try (0..<rows).map { _ in
            let context = context(products: p, maxCount: maxCount, &generator)
            let action = generator.index(below: p)
            let click: Float = generator.uniformDouble() < clickProbability(context, action) ? 1 : 0
            return try LoggedInteraction(context: context, action: action, propensity: 1 / Float(p), reward: click)
        }
    }

    static func scores<M: BanditModel>(_ model: M, _ contexts: [[Float]]) -> [[Float]] {
        let input = Matrix(rows: contexts.count, columns: model.observationWidth, values: contexts.flatMap { $0 })
        let output = Matrix(rows: contexts.count, columns: model.actionCount)
        model.scores(input.view, into: output.view)
        return (0..<contexts.count).map { r in (0..<model.actionCount).map { output[r, $0] } }
    }

    /// The worst relative gap between `gradient` and central differences of `loss`.
    static func gradientError(_ w: [Double], loss: ([Double]) -> Double, gradient: [Double]) -> Double {
        var worst = 0.0
        for i in w.indices {
            let numeric = GradientCheck.centralDifference(of: w, at: i, step: 1e-5, loss)
            worst = max(worst, abs(numeric - gradient[i]) / max(1, abs(numeric)))
        }
        return worst
    }

    /// The worst gap between the Hessian's lower triangle and central differences of the gradient.
    static func hessianError(_ w: [Double], gradient: ([Double]) -> [Double],
                             derivatives: ([Double], inout [Double], UnsafeMutablePointer<Double>) -> Double) -> Double {
        let n = w.count
        var g = [Double](repeating: 0, count: n)
        let h = UnsafeMutablePointer<Double>.allocate(capacity: n * n)
        defer { h.deallocate() }
        _ = derivatives(w, &g, h)
        var worst = 0.0
        for j in 0..<n {
            var plus = w, minus = w
            plus[j] += 1e-5
            minus[j] -= 1e-5
            let gp = gradient(plus), gm = gradient(minus)
            for i in j..<n {
                let numeric = (gp[i] - gm[i]) / 2e-5
                worst = max(worst, abs(numeric - h[i * n + j]) / max(1, abs(numeric)))
            }
        }
        return worst
    }

    static func randomPoint(_ n: Int, seed: UInt64) -> [Double] {
        var generator = RandomGenerator(seed: seed)
        return (0..<n).map { _ in Double(generator.uniform(-0.5, 0.5)) }
    }
}

@Suite struct LogisticBaselineTests {
    typealias F = LogisticFixtures

    // MARK: Objectives

    @Test func clickObjectiveGradientAndHessianMatchFiniteDifferences() throws {
        let log = try F.log(products: 3, rows: 60, seed: 11) { _, a in 0.2 + 0.2 * Double(a) }
        let objective = ClickObjective(log: log, products: 3, l2: 0.7)
        let w = F.randomPoint(objective.featureCount, seed: 3)
        #expect(F.gradientError(w, loss: objective.loss, gradient: objective.gradient(w)) < 1e-6)
        #expect(F.hessianError(w, gradient: objective.gradient, derivatives: objective.derivatives) < 1e-5)
    }

    @Test func multiclassObjectiveGradientAndHessianMatchFiniteDifferences() throws {
        let log = try F.log(products: 4, rows: 120, seed: 12) { _, _ in 0.5 }
        let objective = MulticlassObjective(log: log, products: 4, l2: 0.7)
        #expect(objective.classes == [0, 1, 2, 3])
        let w = F.randomPoint(objective.parameterCount, seed: 4)
        #expect(F.gradientError(w, loss: objective.loss, gradient: objective.gradient(w)) < 1e-6)
        #expect(F.hessianError(w, gradient: objective.gradient, derivatives: objective.derivatives) < 1e-5)
    }

    // MARK: Recovery of known models

    @Test func likelihoodRecoversAKnownClickModelAndPicksTheBestAction() throws {
        // Clicks follow a logistic model in the likelihood model's own features, coefficients `truth`.
        let p = 3, f = p * p + 2 * p + 1
        var truth = [Double](repeating: 0, count: f)
        truth[f - 1] = -1.5                               // intercept
        truth[0] = -0.2                                   // views of product 0 lower every click rate
        truth[p + 0] = 0.4; truth[p + 1] = -0.3           // actions 0 and 1
        truth[2 * p + 2 * p + 2] = 0.6                    // showing 2 to viewers of 2
        truth[2 * p + 1 * p + 0] = 0.5                    // showing 1 to viewers of 0
        let logit = { (context: [Float], a: Int) -> Double in
            var z = truth[f - 1] + truth[p + a]
            for j in 0..<p { z += (truth[j] + truth[2 * p + a * p + j]) * Double(context[j]) }
            return z
        }
        let log = try F.log(products: p, rows: 100_000, seed: 21) { sigmoid(logit($0, $1)) }
        let model = try LogisticPolyModel(configuration: LogisticRegressionConfiguration(), observationWidth: 2 * p, actionCount: p)
        var generator = RandomGenerator(seed: 1)
        try model.fit(log, using: &generator)
        #expect(model.lastFit.converged && model.lastFit.iterations <= 10)
        // The view counts and the one-hots are collinear with the cross terms and the intercept (they sum
        // to them over actions), so only each action's logit is identified: its intercept b + wₐ[a] and
        // its view-count coefficients wᵥ[j] + Wₓ[a, j]. Compare those.
        let w = model.coefficients.map { Double($0) }
        var worstCoefficient = 0.0
        for a in 0..<p {
            worstCoefficient = max(worstCoefficient, abs((w[f - 1] + w[p + a]) - (truth[f - 1] + truth[p + a])))
            for j in 0..<p {
                let cross = 2 * p + a * p + j
                worstCoefficient = max(worstCoefficient, abs((w[j] + w[cross]) - (truth[j] + truth[cross])))
            }
        }
        #expect(worstCoefficient < 0.1, "coefficients \(model.coefficients) vs \(truth)")

        var probeGenerator = RandomGenerator(seed: 99)
        let probes = (0..<200).map { _ in F.context(products: p, maxCount: 3, &probeGenerator) }
        let scores = F.scores(model, probes)
        var worstProbability = 0.0, agreements = 0, clearCases = 0
        for (context, row) in zip(probes, scores) {
            let trueRates = (0..<p).map { sigmoid(logit(context, $0)) }
            worstProbability = max(worstProbability, zip(row, trueRates).map { abs(Double($0) - $1) }.max() ?? 0)
            let sorted = trueRates.sorted(by: >)
            guard sorted[0] - sorted[1] > 0.02 else { continue }
            clearCases += 1
            if row.firstIndex(of: row.max() ?? 0) == trueRates.firstIndex(of: sorted[0]) { agreements += 1 }
        }
        #expect(worstProbability < 0.03)
        #expect(clearCases > 100 && agreements == clearCases)

        var actions = [Int32](repeating: -1, count: probes.count)
        let input = Matrix(rows: probes.count, columns: 2 * p, values: probes.flatMap { $0 })
        actions.withUnsafeMutableBufferPointer { model.act(input.view, into: $0, logProbabilities: nil, using: &generator) }
        for (r, row) in scores.enumerated() { #expect(Int(actions[r]) == row.firstIndex(of: row.max() ?? 0)) }
    }

    @Test func logisticIPSRecoversTheClickedActionDistribution() throws {
        // Uniform logging, click probability 0.8 * softmax(W x + b)[a]: given a click, the action is
        // distributed as softmax(W x + b), which the weighted multinomial fit estimates.
        let p = 3
        let weights: [[Double]] = [[0.8, -0.4, 0.0, 0.2], [-0.3, 0.7, -0.2, -0.1], [-0.5, -0.3, 0.2, -0.1]]
        let softmax = { (context: [Float]) -> [Double] in
            let z = weights.map { row in row[p] + (0..<p).reduce(0.0) { $0 + row[$1] * Double(context[$1]) } }
            let top = z.max() ?? 0, e = z.map { exp($0 - top) }, total = e.reduce(0, +)
            return e.map { $0 / total }
        }
        let log = try F.log(products: p, rows: 60_000, seed: 31) { 0.8 * softmax($0)[$1] }
        let model = try LogisticIPSModel(configuration: LogisticRegressionConfiguration(), observationWidth: 2 * p, actionCount: p)
        var generator = RandomGenerator(seed: 1)
        try model.fit(log, using: &generator)
        #expect(model.lastFit.converged && model.lastFit.iterations <= 12)
        #expect(model.classes == [1, 1, 1])

        var probeGenerator = RandomGenerator(seed: 98)
        let probes = (0..<200).map { _ in F.context(products: p, maxCount: 3, &probeGenerator) }
        var worst = 0.0
        for (context, row) in zip(probes, F.scores(model, probes)) {
            #expect(abs(row.reduce(0, +) - 1) < 1e-5)
            worst = max(worst, zip(row, softmax(context)).map { abs(Double($0) - $1) }.max() ?? 0)
        }
        #expect(worst < 0.04)
        // The penalty shrinks W towards rows summing to 0: compare with the truth made so.
        for j in 0..<p {
            let mean = weights.reduce(0.0) { $0 + $1[j] } / Double(p)
            for a in 0..<p { #expect(abs(Double(model.weights[a * (p + 1) + j]) - (weights[a][j] - mean)) < 0.12) }
        }
    }

    // MARK: scikit-learn

    @Test func coefficientsMatchScikitLearn() throws {
        let data = try Data(contentsOf: F.directory.appendingPathComponent("logreg_reference.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let p = try #require(json["products"] as? Int)
        let contexts = try #require(json["contexts"] as? [[Double]])
        let actions = try #require(json["actions"] as? [Int])
        let propensities = try #require(json["propensities"] as? [Double])
        let clicks = try #require(json["clicks"] as? [Double])
        let log = try contexts.indices.map {
            try LoggedInteraction(context: contexts[$0].map { Float($0) }, action: actions[$0],
                                  propensity: Float(propensities[$0]), reward: Float(clicks[$0]))
        }
        var generator = RandomGenerator(seed: 1)

        let poly = try LogisticPolyModel(configuration: LogisticRegressionConfiguration(), observationWidth: 2 * p, actionCount: p)
        try poly.fit(log, using: &generator)
        let expected = try #require((json["likelihood"] as? [String: Any])?["coefficients"] as? [Double])
        #expect(expected.count == poly.coefficients.count)
        let polyGap = zip(poly.coefficients, expected).map { abs(Double($0) - $1) }.max() ?? .infinity
        #expect(polyGap < 1e-3, "likelihood coefficients differ from scikit-learn's by \(polyGap)")

        let ips = try LogisticIPSModel(configuration: LogisticRegressionConfiguration(), observationWidth: 2 * p, actionCount: p)
        try ips.fit(log, using: &generator)
        let reference = try #require(json["logreg_ips"] as? [String: Any])
        let weights = try #require(reference["weights"] as? [[Double]]).flatMap { $0 }
        let ipsGap = zip(ips.weights, weights).map { abs(Double($0) - $1) }.max() ?? .infinity
        #expect(ipsGap < 1e-3, "logreg-ips weights differ from scikit-learn's by \(ipsGap)")
        let probabilities = try #require(reference["probabilities"] as? [[Double]])
        let scores = F.scores(ips, Array(contexts.prefix(probabilities.count)).map { $0.map { Float($0) } })
        let probabilityGap = zip(scores.joined(), probabilities.joined()).map { abs(Double($0) - $1) }.max() ?? .infinity
        #expect(probabilityGap < 1e-4)
    }

    // MARK: Checkpoints

    private func roundTrip<M: BanditModel>(_ agent: BanditAgent<M>, probes: [[Float]]) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(M.algorithm)-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try agent.save(to: url)
        let loaded = try #require(try AlgorithmRegistry.standard.load(from: url).agent as? BanditAgent<M>)
        #expect(loaded.model.interactionsSeen == agent.model.interactionsSeen)
        #expect(F.scores(loaded.model, probes) == F.scores(agent.model, probes))
    }

    @Test func checkpointsRoundTripThroughTheRegistry() throws {
        let p = 4
        let log = try F.log(products: p, rows: 3_000, seed: 41) { context, a in 0.1 + 0.05 * Double(context[a]) }
        var generator = RandomGenerator(seed: 5)
        let probes = (0..<20).map { _ in F.context(products: p, maxCount: 3, &generator) }
        var configuration = LogisticRegressionConfiguration()
        configuration.l2 = 2
        let poly = try BanditAgent(model: LogisticPolyModel(configuration: configuration, observationWidth: 2 * p, actionCount: p))
        try poly.fit(log, using: &generator)
        try roundTrip(poly, probes: probes)
        let ips = try BanditAgent(model: LogisticIPSModel(configuration: configuration, observationWidth: 2 * p, actionCount: p))
        try ips.fit(log, using: &generator)
        try roundTrip(ips, probes: probes)
        #expect(AlgorithmRegistry.standard.names.contains("likelihood") && AlgorithmRegistry.standard.names.contains("logreg-ips"))
    }

    // MARK: Bad input and edge cases

    @Test func badSizesAndLogsThrow() throws {
        let defaults = LogisticRegressionConfiguration()
        #expect(throws: ConfigurationError.self) { try LogisticPolyModel(configuration: defaults, observationWidth: 7, actionCount: 3) }
        #expect(throws: ConfigurationError.self) { try LogisticIPSModel(configuration: defaults, observationWidth: 5, actionCount: 3) }
        for make in [{ _ = try LogisticPolyModel(configuration: defaults, observationWidth: 202, actionCount: 101) },
                     { _ = try LogisticIPSModel(configuration: defaults, observationWidth: 202, actionCount: 101) }] {
            do { try make(); Issue.record("101 products accepted") } catch let error as ConfigurationError {
                #expect(error.field == "products" && error.value == "101" && error.expected.contains("at most 100"))
            }
        }
        let poly = try LogisticPolyModel(configuration: defaults, observationWidth: 6, actionCount: 3)
        let ips = try LogisticIPSModel(configuration: defaults, observationWidth: 6, actionCount: 3)
        var generator = RandomGenerator(seed: 1)
        let narrow = [try LoggedInteraction(context: [1, 0, 0, 1], action: 0, propensity: 1, reward: 1)]
        let outOfRange = [try LoggedInteraction(context: [1, 0, 0, 1, 0, 0], action: 3, propensity: 1, reward: 1)]
        for log in [narrow, outOfRange] {
            #expect(throws: LoggedDataError.self) { try poly.fit(log, using: &generator) }
            #expect(throws: LoggedDataError.self) { try ips.fit(log, using: &generator) }
        }
        let noClicks = try F.log(products: 3, rows: 50, seed: 2) { _, _ in 0 }
        #expect(throws: LoggedDataError.self) { try poly.fit(noClicks, using: &generator) }
    }

    @Test func logisticIPSWithoutClicksStaysUniformAndIgnoresUnclickedActions() throws {
        let p = 3
        let model = try LogisticIPSModel(configuration: LogisticRegressionConfiguration(), observationWidth: 2 * p, actionCount: p)
        var generator = RandomGenerator(seed: 1)
        try model.fit(try F.log(products: p, rows: 50, seed: 3) { _, _ in 0 }, using: &generator)
        let probes = (0..<5).map { _ in F.context(products: p, maxCount: 3, &generator) }
        for row in F.scores(model, probes) { #expect(row == [Float](repeating: 1 / 3, count: 3)) }

        // Clicks on actions 0 and 2 only: action 1 gets probability 0.
        try model.fit(try F.log(products: p, rows: 400, seed: 4) { _, a in a == 1 ? 0 : 0.3 }, using: &generator)
        #expect(model.classes == [1, 0, 1])
        for row in F.scores(model, probes) {
            #expect(row[1] == 0 && abs(row[0] + row[2] - 1) < 1e-5)
        }
        // One clicked action: always that one.
        try model.fit(try F.log(products: p, rows: 400, seed: 5) { _, a in a == 2 ? 0.3 : 0 }, using: &generator)
        for row in F.scores(model, probes) { #expect(row == [0, 0, 1]) }
    }

    @Test func configurationDecodesPartiallyAndValidates() throws {
        let entry = try AlgorithmRegistry.standard.entry(named: "likelihood")
        let decoded = try #require(try entry.decodeConfiguration(Data(#"{"l2": 0.5}"#.utf8)) as? LogisticRegressionConfiguration)
        #expect(decoded.l2 == 0.5 && decoded.tolerance == LogisticRegressionConfiguration().tolerance)
        #expect(throws: ConfigurationError.self) { try entry.decodeConfiguration(Data(#"{"C": 1}"#.utf8)) }
        for json in [#"{"l2": 0}"#, #"{"tolerance": 2}"#, #"{"maxIterations": 0}"#] {
            let configuration = try entry.decodeConfiguration(Data(json.utf8))
            #expect(throws: ConfigurationError.self) { try configuration.validate() }
        }
    }
}

/// RecoGym's training size, timed: `RECORL_LOGISTIC_TIMING=1 swift test -c release ... --filter LogisticBaselineTiming`.
@Suite struct LogisticBaselineTimingTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["RECORL_LOGISTIC_TIMING"] != nil))
    func fitTimesAtRecoGymScale() throws {
        let p = 10
        let log = try LogisticFixtures.log(products: p, rows: 375_000, seed: 51, maxCount: 6) { context, a in
            0.01 + 0.004 * Double(context[a])
        }
        var generator = RandomGenerator(seed: 1)
        let poly = try LogisticPolyModel(configuration: LogisticRegressionConfiguration(), observationWidth: 2 * p, actionCount: p)
        let ips = try LogisticIPSModel(configuration: LogisticRegressionConfiguration(), observationWidth: 2 * p, actionCount: p)
        let clock = ContinuousClock()
        let polyTime = try clock.measure { try poly.fit(log, using: &generator) }
        let ipsTime = try clock.measure { try ips.fit(log, using: &generator) }
        print("likelihood P=\(p), \(log.count) impressions: \(polyTime), \(poly.lastFit.iterations) Newton steps, converged \(poly.lastFit.converged)")
        print("logreg-ips P=\(p), \(log.filter { $0.reward > 0 }.count) clicks: \(ipsTime), \(ips.lastFit.iterations) Newton steps, converged \(ips.lastFit.converged)")
        #expect(poly.lastFit.converged && ips.lastFit.converged)
    }
}
