import Foundation
import Testing
import RecoEnvironments
import RecoNetworks
@testable import RecoRL
import RecoTensor

/// The clipped-IPS loss against finite differences, and the nn-ips model learning a context-dependent
/// best action from a uniform log, its checkpoints and bad input.
@Suite struct NeuralIPSTests {
    @Test func clippedIPSGradientMatchesFiniteDifferences() throws {
        // Row 2 has a tiny propensity: its ratio is far above the clip, so its gradient is 0.
        // Row 3 has no reward: no gradient either.
        let rows = 5, columns = 3
        var generator = RandomGenerator(seed: 21)
        let logits = Matrix(rows: rows, columns: columns)
        for r in 0..<rows { for j in 0..<columns { logits[r, j] = generator.uniform(-1, 1) } }
        let actions: [Int32] = [0, 2, 1, 1, 2]
        let propensities: [Float] = [0.3, 0.5, 0.01, 0.2, 0.25]
        let rewards: [Float] = [1, 0.5, 1, 0, -0.7]
        let loss = ClippedIPSLoss(clip: 3, maxRows: 8)
        let gradient = Matrix(rows: rows, columns: columns)
        let result = loss.evaluate(logits: logits.view, actions: actions, propensities: propensities, rewards: rewards,
                                   gradient: gradient.view)
        #expect(result.clippedFraction == 0.2)
        // The loss by hand, in Double.
        func reference() -> Double {
            var total = 0.0
            for r in 0..<rows {
                let z = (0..<columns).map { Double(logits[r, $0]) }
                let m = z.max() ?? 0
                let p = Foundation.exp(z[Int(actions[r])] - m) / z.reduce(0) { $0 + Foundation.exp($1 - m) }
                total += Double(rewards[r]) * min(p / Double(propensities[r]), 3)
            }
            return -total / Double(rows)
        }
        #expect(abs(Double(result.loss) - reference()) < 1e-6)
        let h: Float = 1e-2
        for r in 0..<rows {
            for j in 0..<columns {
                let saved = logits[r, j]
                logits[r, j] = saved + h
                let up = reference()
                logits[r, j] = saved - h
                let down = reference()
                logits[r, j] = saved
                let numeric = (up - down) / Double(2 * h)
                #expect(abs(Double(gradient[r, j]) - numeric) < 2e-4, "row \(r) column \(j): \(gradient[r, j]) vs \(numeric)")
                if r == 2 || r == 3 { #expect(gradient[r, j] == 0) }
            }
        }
    }

    /// RecoGym-like contexts over 4 products: view counts with one favourite product viewed most,
    /// then a one-hot of a random last viewed product. A click is likely (0.6) only when the favourite is
    /// recommended (0.1 otherwise), so the best action depends on the counts.
    static func context(_ generator: inout RandomGenerator) -> (context: [Float], favourite: Int) {
        let favourite = generator.index(below: 4)
        var context = [Float](repeating: 0, count: 8)
        for p in 0..<4 { context[p] = Float(generator.index(below: 4)) + (p == favourite ? 4 : 0) }
        context[4 + generator.index(below: 4)] = 1
        return (context, favourite)
    }

    static func uniformLog(count: Int, seed: UInt64) throws -> [LoggedInteraction] {
        var generator = RandomGenerator(seed: seed)
        return try (0..<count).map { _ in
            let (context, favourite) = context(&generator)
            let action = generator.index(below: 4)
            let click = generator.bernoulli(action == favourite ? 0.6 : 0.1)
            return try LoggedInteraction(context: context, action: action, propensity: 0.25, reward: click ? 1 : 0)
        }
    }

    /// Expected click rate of the model's greedy choice on fresh contexts.
    static func greedyClickRate(_ model: NeuralIPSModel, seed: UInt64) -> Float {
        var generator = RandomGenerator(seed: seed)
        let rows = 2_000
        let contexts = Matrix(rows: rows, columns: 8)
        var favourites = [Int](repeating: 0, count: rows)
        for r in 0..<rows {
            let (context, favourite) = context(&generator)
            for j in 0..<8 { contexts[r, j] = context[j] }
            favourites[r] = favourite
        }
        var actions = [Int32](repeating: 0, count: rows)
        actions.withUnsafeMutableBufferPointer { model.act(contexts.view, into: $0, logProbabilities: nil, using: &generator) }
        return (0..<rows).reduce(0) { $0 + (Int(actions[$1]) == favourites[$1] ? 0.6 : 0.1) } / Float(rows)
    }

    @Test func learnsTheContextDependentBestActionFromAUniformLog() throws {
        let log = try Self.uniformLog(count: 4_000, seed: 22)
        let model = try NeuralIPSModel(configuration: NeuralIPSConfiguration(), observationWidth: 8, actionCount: 4)
        let before = Self.greedyClickRate(model, seed: 23)
        var generator = RandomGenerator(seed: 24)
        try model.fit(log, using: &generator)
        let after = Self.greedyClickRate(model, seed: 23)
        print("nn-ips: greedy click rate \(before) before fit, \(after) after (uniform 0.225, best 0.6); final loss \(model.lastLoss)")
        #expect(after > 0.5)
        #expect(model.interactionsSeen == 4_000)
        // The scores are the policy's probabilities.
        let contexts = Matrix(rows: 3, columns: 8, values: log.prefix(3).flatMap(\.context))
        let scores = Matrix(rows: 3, columns: 4)
        model.scores(contexts.view, into: scores.view)
        for r in 0..<3 { #expect(abs((0..<4).reduce(0) { $0 + scores[r, $1] } - 1) < 1e-5) }
        // The same generator state gives the same fit.
        let again = try NeuralIPSModel(configuration: NeuralIPSConfiguration(), observationWidth: 8, actionCount: 4)
        var same = RandomGenerator(seed: 24)
        try again.fit(log, using: &same)
        let repeated = Matrix(rows: 3, columns: 4)
        again.scores(contexts.view, into: repeated.view)
        #expect(repeated.toArray() == scores.toArray())
    }

    @Test func checkpointRoundTripThroughTheRegistry() throws {
        var configuration = NeuralIPSConfiguration()
        configuration.hiddenLayers = [12]
        configuration.activation = .sigmoid
        configuration.epochs = 3
        let model = try NeuralIPSModel(configuration: configuration, observationWidth: 8, actionCount: 4)
        let agent = try BanditAgent(model: model)
        var generator = RandomGenerator(seed: 25)
        try agent.fit(try Self.uniformLog(count: 500, seed: 26), using: &generator)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("recorl-nn-ips-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try agent.save(to: url, metadata: [:])
        let (loaded, _) = try AlgorithmRegistry.standard.load(from: url)
        let restored = try #require(loaded as? BanditAgent<NeuralIPSModel>)
        #expect(restored.model.configuration == configuration && restored.model.interactionsSeen == 500)
        let contexts = Matrix(rows: 6, columns: 8, values: try Self.uniformLog(count: 6, seed: 27).flatMap(\.context))
        let expected = Matrix(rows: 6, columns: 4), actual = Matrix(rows: 6, columns: 4)
        try agent.greedyPolicy.scores(contexts.view, into: expected.view)
        try loaded.greedyPolicy.scores(contexts.view, into: actual.view)
        #expect(actual.toArray() == expected.toArray())
    }

    @Test func badInputIsAnErrorNotATrap() throws {
        func configurationError(_ body: () throws -> Void) -> ConfigurationError? {
            do { try body() } catch let error as ConfigurationError { return error } catch { return nil }
            return nil
        }
        // View-count features need RecoGym's 2P-wide layout; the whole context does not.
        #expect(configurationError { _ = try NeuralIPSModel(configuration: NeuralIPSConfiguration(), observationWidth: 7, actionCount: 4) }?.field == "observation width")
        var whole = NeuralIPSConfiguration()
        whole.features = .context
        let model = try NeuralIPSModel(configuration: whole, observationWidth: 7, actionCount: 4)
        #expect(model.inputWidth == 7)
        for (json, field) in [(#"{"clip": 0}"#, "clip"), (#"{"hiddenLayers": []}"#, "hiddenLayers"), (#"{"batchSize": 0}"#, "batchSize"),
                              (#"{"learningRate": -1}"#, "learningRate"), (#"{"epochs": 0}"#, "epochs"), (#"{"features": "pixels"}"#, "features")] {
            #expect(configurationError { try JSONDecoder().decode(NeuralIPSConfiguration.self, from: Data(json.utf8)).validate() }?.field == field, "\(json)")
        }
        var huge = NeuralIPSConfiguration()
        huge.hiddenLayers = [65_536, 65_536]
        #expect(configurationError { _ = try NeuralIPSModel(configuration: huge, observationWidth: 8, actionCount: 4) }?.field == "hiddenLayers")
        var generator = RandomGenerator(seed: 28)
        #expect(throws: LoggedDataError.self) {
            try model.fit([LoggedInteraction(context: [1, 2], action: 0, propensity: 1, reward: 1)], using: &generator)
        }
        #expect(throws: LoggedDataError.self) {
            try model.update([LoggedInteraction(context: [Float](repeating: 0, count: 7), action: 0, propensity: 1, reward: 1)], using: &generator)
        }
        #expect(throws: CheckpointError.self) {
            try model.restore(ParameterStore(name: "weight", shape: [3, 3]), interactionsSeen: 0, path: "x")
        }
    }
}
