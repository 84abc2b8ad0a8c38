import Foundation
import RecoTestSupport
import Testing
@testable import RecoNetworks
import RecoTensor

/// The GRU and self-attention encoders: finite differences, the plain references, the NumPy fixture
/// (Fixtures/make_sequence_reference.py), checkpoints, and a task only an order-aware encoder learns.
@Suite struct SequenceEncoderTests {
    // MARK: Finite differences

    @Test(arguments: [1, 3], [1, 7])
    func gruGradientsMatchFiniteDifferences(batch: Int, steps: Int) throws {
        var generator = RandomGenerator(seed: 1201)
        for allSteps in [false, true] {
            let layer = GRU(inputs: 4, hidden: 5, steps: steps, allSteps: allSteps, maxBatch: 4)
            let outputRows = allSteps ? batch * steps : batch
            #expect(try GradientCheck.check(layer: layer, batch: batch * steps, outputRows: outputRows, generator: &generator) == nil,
                    "all steps \(allSteps)")
            #expect(try GradientCheck.check(layer: layer, batch: batch * steps, outputRows: outputRows, generator: &generator,
                                            accumulate: true) == nil, "all steps \(allSteps), accumulating")
        }
    }

    @Test(arguments: [1, 3], [1, 7])
    func selfAttentionGradientsMatchFiniteDifferences(batch: Int, steps: Int) throws {
        var generator = RandomGenerator(seed: 1202)
        let layer = SelfAttention(width: 6, heads: 2, steps: steps, maxBatch: 4)
        #expect(try GradientCheck.check(layer: layer, batch: batch * steps, generator: &generator) == nil)
        #expect(try GradientCheck.check(layer: layer, batch: batch * steps, generator: &generator, accumulate: true) == nil)
    }

    @Test func lastStepPicksTheLastRowAndRoutesItsGradient() throws {
        var generator = RandomGenerator(seed: 1203)
        let layer = LastStep(steps: 3, width: 4)
        #expect(try GradientCheck.check(layer: layer, batch: 6, outputRows: 2, generator: &generator) == nil)
    }

    @Test(arguments: [1, 3])
    func idColumnsSequenceFeedsAnEncoderFromDenseObservations(batch: Int) throws {
        var generator = RandomGenerator(seed: 1211)
        let (steps, vocabulary, width, rest) = (4, 6, 3, 2)
        let specs: [LayerSpec] = [.idColumnsSequence(idColumns: steps, vocabulary: vocabulary, width: width, restWidth: rest),
                                  .gru(inputs: width + rest, hidden: 5), .linear(5, 2)]
        let network = try SequentialNetwork(specs, maxBatch: 4, generator: &generator)
        #expect(network.input == .dense(width: steps + rest) && network.output == .dense(width: 2))
        let x = Matrix(rows: batch, columns: steps + rest)
        for r in 0..<batch {
            for c in 0..<steps { x[r, c] = Float(generator.index(below: vocabulary)) }
            for c in steps..<(steps + rest) { x[r, c] = generator.uniform(-1, 1) }
        }
        try network.checkInput(x.view)
        // Step t of sample b is [table[id], rest].
        let layer = try #require(network.layers.first as? IdColumnsSequence)
        let sequence = Matrix(rows: batch * steps, columns: width + rest)
        layer.forward(x.view, into: sequence.view)
        #expect(Array(sequence.toArray()[0..<width]) == (0..<width).map { layer.table[Int(x[0, 0]), $0] })
        #expect(sequence[steps - 1, width] == x[0, steps])

        let output = network.forward(x.view)
        let weights = randomMatrix(output.rows, output.columns, &generator)
        let dx = Matrix(rows: batch, columns: steps + rest)
        network.backward(outputGradient: weights.view, inputGradient: dx.view)
        func evaluate() -> Double { GradientCheck.objective(network.forward(x.view), weights.view) }
        let store = network.parameters
        let p = GradientCheck.worstViolation(buffer: store.values.baseAddress!, count: store.count,
                                             analytic: Array(store.gradients), evaluate: evaluate)
        #expect(p.excess <= 0, "parameter \(p.index): analytic \(p.analytic), numeric \(p.numeric)")
        for r in 0..<batch {
            for c in 0..<steps { #expect(dx[r, c] == 0) }
            let restGradient = (steps..<(steps + rest)).map { dx[r, $0] }
            let q = GradientCheck.worstViolation(buffer: x.view.rowPointer(r) + steps, count: rest, analytic: restGradient,
                                                 evaluate: evaluate)
            #expect(q.excess <= 0, "rest column \(q.index) of row \(r): analytic \(q.analytic), numeric \(q.numeric)")
        }
        x[0, 1] = Float(vocabulary)
        #expect(throws: NetworkError.invalidInput(field: "row 0, id column 1", value: "6.0", expected: "a whole number in 0..<6")) {
            try network.checkInput(x.view)
        }
    }

    // MARK: Tuned against the plain references

    /// Binds `layer` to fresh buffers holding random parameters; returns them.
    func bindRandom(_ layer: any Layer, _ generator: inout RandomGenerator) throws -> (Matrix, Matrix) {
        let parameters = Matrix(rows: 1, columns: layer.parameterCount)
        let gradients = Matrix(rows: 1, columns: layer.parameterCount)
        layer.bind(parameters: parameters.view.base, gradients: gradients.view.base)
        try layer.initializeParameters(using: &generator)
        for i in 0..<layer.parameterCount { parameters.view.base[i] += generator.uniform(-0.3, 0.3) }
        return (parameters, gradients)
    }

    /// Runs forward and backward of `layer` on `x` with output gradient `dy`.
    func passes(_ layer: any Layer, _ x: Matrix, _ dy: Matrix, gradients: Matrix) -> (output: [Float], parameters: [Float], input: [Float]) {
        let y = Matrix(rows: dy.rows, columns: dy.columns)
        let dx = Matrix(rows: x.rows, columns: x.columns)
        layer.forward(x.view, into: y.view)
        layer.backward(input: x.view, output: y.view, outputGradient: dy.view, inputGradient: dx.view, accumulate: false)
        return (y.toArray(), gradients.toArray(), dx.toArray())
    }

    func floats(_ values: [Double]) -> [Float] { values.map(Float.init) }

    @Test(arguments: [(1, 1), (5, 7), (4, 30)])
    func gruMatchesItsReference(batch: Int, steps: Int) throws {
        var generator = RandomGenerator(seed: 1204)
        let (inputs, hidden) = (7, 9)
        for allSteps in [false, true] {
            let layer = GRU(inputs: inputs, hidden: hidden, steps: steps, allSteps: allSteps, maxBatch: batch + 2)
            let (parameters, gradients) = try bindRandom(layer, &generator)
            let x = randomMatrix(batch * steps, inputs, &generator)
            let dy = randomMatrix(allSteps ? batch * steps : batch, hidden, &generator)
            let tuned = passes(layer, x, dy, gradients: gradients)
            let reference = GRU.referencePasses(parameters: parameters.toArray(), input: x.toArray(), batch: batch, steps: steps,
                                                inputs: inputs, hidden: hidden, allSteps: allSteps, outputGradient: dy.toArray())
            #expect(relativeError(tuned.output, floats(reference.output)) < 1e-5)
            #expect(relativeError(tuned.parameters, floats(reference.parameterGradient)) < 1e-5)
            #expect(relativeError(tuned.input, floats(reference.inputGradient)) < 1e-5)
        }
    }

    @Test(arguments: [(1, 1, 1), (3, 7, 2), (2, 30, 4)])
    func selfAttentionMatchesItsReference(batch: Int, steps: Int, heads: Int) throws {
        var generator = RandomGenerator(seed: 1205)
        let width = 8
        let layer = SelfAttention(width: width, heads: heads, steps: steps, maxBatch: batch + 1)
        let (parameters, gradients) = try bindRandom(layer, &generator)
        let x = randomMatrix(batch * steps, width, &generator)
        let dy = randomMatrix(batch * steps, width, &generator)
        let tuned = passes(layer, x, dy, gradients: gradients)
        let reference = SelfAttention.referencePasses(parameters: parameters.toArray(), input: x.toArray(), batch: batch,
                                                      steps: steps, width: width, heads: heads, epsilon: 1e-5,
                                                      outputGradient: dy.toArray())
        #expect(relativeError(tuned.output, floats(reference.output)) < 1e-5)
        #expect(relativeError(tuned.parameters, floats(reference.parameterGradient)) < 1e-5)
        #expect(relativeError(tuned.input, floats(reference.inputGradient)) < 1e-5)
    }

    @Test func passesRepeatExactlyAfterASmallerBatch() throws {
        var generator = RandomGenerator(seed: 1206)
        let layer = GRU(inputs: 3, hidden: 4, steps: 5, allSteps: true, maxBatch: 6)
        let (parameters, gradients) = try bindRandom(layer, &generator)
        let x = randomMatrix(30, 3, &generator), dy = randomMatrix(30, 4, &generator)
        withExtendedLifetime(parameters) {
            let first = passes(layer, x, dy, gradients: gradients)
            // A smaller batch in between uses the same workspaces and leaves nothing behind.
            _ = passes(layer, Matrix(copying: x.rows(0..<10)), Matrix(copying: dy.rows(0..<10)), gradients: gradients)
            let second = passes(layer, x, dy, gradients: gradients)
            #expect(first.output == second.output && first.parameters == second.parameters && first.input == second.input)
        }
    }

    // MARK: NumPy fixture

    /// Sets a layer's parameters from the fixture's tensors (in `parameterShapes` order).
    func load(_ layer: any Layer, _ tensors: [String: Any]) throws -> (Matrix, Matrix) {
        let parameters = Matrix(rows: 1, columns: layer.parameterCount)
        let gradients = Matrix(rows: 1, columns: layer.parameterCount)
        var offset = 0
        for shape in layer.parameterShapes {
            let values = Fixtures.floats(tensors[shape.name])
            try #require(values.count == shape.count, "fixture tensor \(shape.name)")
            for i in 0..<shape.count { parameters.view.base[offset + i] = values[i] }
            offset += shape.count
        }
        layer.bind(parameters: parameters.view.base, gradients: gradients.view.base)
        return (parameters, gradients)
    }

    /// The fixture's gradients, concatenated in `parameterShapes` order.
    func expectedGradients(_ layer: any Layer, _ tensors: [String: Any]) -> [Float] {
        layer.parameterShapes.flatMap { Fixtures.floats(tensors[$0.name]) }
    }

    @Test func gruMatchesNumPy() throws {
        let fixture = try #require(try Fixtures.json("sequence_reference.json")["gru"] as? [String: Any])
        let batch = try #require(fixture["batch"] as? Int), steps = try #require(fixture["steps"] as? Int)
        let inputs = try #require(fixture["inputs"] as? Int), hidden = try #require(fixture["hidden"] as? Int)
        let x = Matrix(rows: batch * steps, columns: inputs, values: Fixtures.floats(fixture["input"]))
        for (mode, allSteps) in [("last_state", false), ("all_steps", true)] {
            let layer = GRU(inputs: inputs, hidden: hidden, steps: steps, allSteps: allSteps, maxBatch: batch)
            let (parameters, gradients) = try load(layer, fixture["parameters"] as? [String: Any] ?? [:])
            let expected = try #require(fixture[mode] as? [String: Any])
            let dy = Matrix(rows: allSteps ? batch * steps : batch, columns: hidden, values: Fixtures.floats(expected["output_gradient"]))
            let tuned = withExtendedLifetime(parameters) { passes(layer, x, dy, gradients: gradients) }
            #expect(relativeError(tuned.output, Fixtures.floats(expected["output"])) < 1e-5, "\(mode)")
            #expect(relativeError(tuned.input, Fixtures.floats(expected["input_gradient"])) < 1e-5, "\(mode)")
            let tensors = expected["gradients"] as? [String: Any] ?? [:]
            var offset = 0
            for shape in layer.parameterShapes {
                let values = Array(tuned.parameters[offset..<(offset + shape.count)])
                #expect(relativeError(values, Fixtures.floats(tensors[shape.name])) < 1e-5, "\(mode) \(shape.name)")
                offset += shape.count
            }
            #expect(tuned.parameters.count == expectedGradients(layer, tensors).count)
        }
    }

    @Test func selfAttentionMatchesNumPy() throws {
        let fixture = try #require(try Fixtures.json("sequence_reference.json")["attention"] as? [String: Any])
        let batch = try #require(fixture["batch"] as? Int), steps = try #require(fixture["steps"] as? Int)
        let width = try #require(fixture["width"] as? Int), heads = try #require(fixture["heads"] as? Int)
        let epsilon = try #require(fixture["epsilon"] as? Double)
        let layer = SelfAttention(width: width, heads: heads, steps: steps, epsilon: Float(epsilon), maxBatch: batch)
        let (parameters, gradients) = try load(layer, fixture["parameters"] as? [String: Any] ?? [:])
        let x = Matrix(rows: batch * steps, columns: width, values: Fixtures.floats(fixture["input"]))
        let dy = Matrix(rows: batch * steps, columns: width, values: Fixtures.floats(fixture["output_gradient"]))
        let tuned = withExtendedLifetime(parameters) { passes(layer, x, dy, gradients: gradients) }
        #expect(relativeError(tuned.output, Fixtures.floats(fixture["output"])) < 1e-5)
        #expect(relativeError(tuned.input, Fixtures.floats(fixture["input_gradient"])) < 1e-5)
        let tensors = fixture["gradients"] as? [String: Any] ?? [:]
        var offset = 0
        for shape in layer.parameterShapes {
            let values = Array(tuned.parameters[offset..<(offset + shape.count)])
            #expect(relativeError(values, Fixtures.floats(tensors[shape.name])) < 1e-5, "\(shape.name)")
            offset += shape.count
        }
    }

    // MARK: Specs and checkpoints

    /// ids -> embedding -> self-attention -> GRU (every step) -> mean pooling, and a second GRU's last
    /// state, so one network holds every new kind.
    let encoderSpecs: [LayerSpec] = [.embedding(count: 11, width: 8), .selfAttention(width: 8, heads: 2, steps: 6),
                                     .gru(inputs: 8, hidden: 10, output: .steps), .gru(inputs: 10, hidden: 6), .linear(6, 3)]

    @Test func specsEncodeAsTheirKindsAndShapesChain() throws {
        let json = String(decoding: try JSONEncoder().encode(LayerSpec.gru(inputs: 4, hidden: 8)), as: UTF8.self)
        #expect(json.contains(#""gru""#) && json.contains(#""output":"last""#))
        let decoded = try JSONDecoder().decode([LayerSpec].self, from: try JSONEncoder().encode(encoderSpecs + [.lastStep]))
        #expect(decoded == encoderSpecs + [.lastStep])
        var generator = RandomGenerator(seed: 1207)
        let network = try SequentialNetwork(encoderSpecs, input: .ids(count: 11, steps: 6), maxBatch: 4, generator: &generator)
        #expect(network.output == .dense(width: 3))
        let names = network.parameters.tensors.map(\.name)
        #expect(names.contains("1.self_attn.in_proj_weight") && names.contains("3.weight_hh_l0") && names.contains("1.position_embedding"))
    }

    @Test func badEncoderParametersThrowNamingThem() {
        var generator = RandomGenerator(seed: 1208)
        #expect(throws: NetworkError.invalidArchitecture("layer 0: self-attention width 8 is not a multiple of its 3 heads")) {
            try SequentialNetwork([.selfAttention(width: 8, heads: 3, steps: 4)], maxBatch: 2, generator: &generator)
        }
        #expect(throws: NetworkError.invalidArchitecture("layer 0: gru hidden must be in 1...16777216, got 0")) {
            try SequentialNetwork([.gru(inputs: 3, hidden: 0)], input: .sequence(steps: 2, width: 3), maxBatch: 2, generator: &generator)
        }
        #expect(throws: NetworkError.invalidArchitecture("layer 0: self-attention over 4 steps reads sequences of 5 x 8")) {
            try SequentialNetwork([.selfAttention(width: 8, heads: 2, steps: 4)], input: .sequence(steps: 5, width: 8),
                                  maxBatch: 2, generator: &generator)
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(LayerSpec.self, from: Data(#"{"gru":{"inputs":3,"hidden":4,"output":"first"}}"#.utf8))
        }
    }

    @Test func checkpointRoundTripIsBitExact() throws {
        var generator = RandomGenerator(seed: 1209)
        let network = try SequentialNetwork(encoderSpecs, input: .ids(count: 11, steps: 6), maxBatch: 4, generator: &generator)
        let ids = OwnedBuffer<Int32>(count: 4 * 6) { Int32(($0 * 7 + 3) % 11) }
        let batch = InputBatch.ids(UnsafeBufferPointer(ids.elements))
        let adam = Adam(learningRate: 0.01, parameterCount: network.parameterCount)
        for _ in 0..<2 {
            let output = network.forward(batch)
            let gradient = network.outputGradientWorkspace(rows: 4)
            gradient.copy(from: output)
            network.backward(outputGradient: gradient)
            adam.step(network.parameters)
        }
        let url = Fixtures.temporaryFile("encoders.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint(items: [.init(name: "encoder", network: network, optimizer: adam)]).write(to: url)
        let loaded = try Checkpoint.read(from: url)
        #expect(loaded.isVerified)
        let item = try #require(loaded.item(named: "encoder"))
        #expect(item.network.specs == network.specs && item.network.input == network.input)
        #expect(item.network.parameters.values.map(\.bitPattern) == network.parameters.values.map(\.bitPattern))
        #expect(item.network.forward(batch).toArray().map(\.bitPattern) == network.forward(batch).toArray().map(\.bitPattern))
        let replica = try item.network.replica(maxBatch: 4)
        #expect(replica.forward(batch).toArray() == network.forward(batch).toArray())
    }

    @Test func encodersAreBranchesOfAMultiInputNetworkAndRoundTrip() throws {
        var generator = RandomGenerator(seed: 1212)
        let (steps, vocabulary) = (5, 9)
        let branches = [
            NetworkBranch(name: "window", input: .ids(count: vocabulary, steps: steps),
                          layers: [.embedding(count: vocabulary, width: 8), .selfAttention(width: 8, heads: 4, steps: steps), .lastStep]),
            NetworkBranch(name: "history", input: .ids(count: vocabulary, steps: steps),
                          layers: [.embedding(count: vocabulary, width: 4), .gru(inputs: 4, hidden: 6)]),
            NetworkBranch(name: "user", input: .dense(width: 3)),
        ]
        let network = try MultiInputNetwork(branches: branches, trunk: [.linear(17, 8), .tanh, .linear(8, 2)], maxBatch: 3,
                                            generator: &generator)
        let ids = OwnedBuffer<Int32>(count: 3 * steps) { Int32(($0 * 4 + 1) % vocabulary) }
        let user = randomMatrix(3, 3, &generator)
        let batches: [InputBatch] = [.ids(UnsafeBufferPointer(ids.elements)), .ids(UnsafeBufferPointer(ids.elements)), .floats(user.view)]
        let output = network.forward(batches)
        #expect(output.rows == 3 && output.columns == 2)
        let weights = randomMatrix(3, 2, &generator)
        network.backward(outputGradient: weights.view)
        let store = network.parameters
        let p = GradientCheck.worstViolation(buffer: store.values.baseAddress!, count: store.count, analytic: Array(store.gradients)) {
            GradientCheck.objective(network.forward(batches), weights.view)
        }
        #expect(p.excess <= 0, "parameter \(p.index): analytic \(p.analytic), numeric \(p.numeric)")

        let url = Fixtures.temporaryFile("multi-input-encoders.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint(entries: [.init(name: "ranker", model: .multiInput(network))]).write(to: url)
        let entry = try #require(try Checkpoint.read(from: url).entry(named: "ranker"))
        guard case let .multiInput(restored) = entry.model else {
            Issue.record("ranker came back as \(entry.model)")
            return
        }
        #expect(restored.branches == branches)
        #expect(restored.forward(batches).toArray().map(\.bitPattern) == network.forward(batches).toArray().map(\.bitPattern))
    }

    // MARK: Learning

    /// Windows of `steps` ids in `0..<vocabulary` holding item 0 and item 1 once each at random places
    /// (the rest from `2..<vocabulary`); the target is +1 when 0 comes before 1, else -1. The bag of
    /// items is the same either way, so a mean of item vectors cannot tell.
    func orderTask(samples: Int, steps: Int, vocabulary: Int, _ generator: inout RandomGenerator) -> (OwnedBuffer<Int32>, Matrix) {
        let ids = OwnedBuffer<Int32>(repeating: 0, count: samples * steps)
        let targets = Matrix(rows: samples, columns: 1)
        for s in 0..<samples {
            for t in 0..<steps { ids.elements[s * steps + t] = Int32(2 + generator.index(below: vocabulary - 2)) }
            let first = generator.index(below: steps)
            var second = generator.index(below: steps - 1)
            if second >= first { second += 1 }
            ids.elements[s * steps + first] = 0
            ids.elements[s * steps + second] = 1
            targets[s, 0] = first < second ? 1 : -1
        }
        return (ids, targets)
    }

    /// Trains `specs` on the order task and returns the held-out accuracy.
    func orderAccuracy(_ specs: [LayerSpec], steps: Int, vocabulary: Int, seed: UInt64) throws -> Double {
        var generator = RandomGenerator(seed: seed)
        let batch = 64, iterations = 400
        let network = try SequentialNetwork(specs, input: .ids(count: vocabulary, steps: steps), maxBatch: 256, generator: &generator)
        let adam = Adam(learningRate: 0.01, parameterCount: network.parameterCount)
        let gradient = Matrix(rows: batch, columns: 1)
        for _ in 0..<iterations {
            let (ids, targets) = orderTask(samples: batch, steps: steps, vocabulary: vocabulary, &generator)
            let output = network.forward(.ids(UnsafeBufferPointer(ids.elements)))
            _ = RegressionLoss.meanSquaredError(predictions: output, targets: targets.view, gradient: gradient.view)
            network.backward(outputGradient: gradient.view)
            adam.step(network.parameters)
        }
        let (ids, targets) = orderTask(samples: 256, steps: steps, vocabulary: vocabulary, &generator)
        let output = network.forward(.ids(UnsafeBufferPointer(ids.elements)))
        let correct = (0..<256).filter { (output[$0, 0] > 0) == (targets[$0, 0] > 0) }.count
        return Double(correct) / 256
    }

    @Test func encodersLearnItemOrderThatAMeanOfItemsCannot() throws {
        let steps = 6, vocabulary = 8, width = 8
        let bag = try orderAccuracy([.embedding(count: vocabulary, width: width), .meanPooling, .linear(width, 16), .relu, .linear(16, 1)],
                                    steps: steps, vocabulary: vocabulary, seed: 1210)
        let gru = try orderAccuracy([.embedding(count: vocabulary, width: width), .gru(inputs: width, hidden: 16), .linear(16, 1)],
                                    steps: steps, vocabulary: vocabulary, seed: 1210)
        let attention = try orderAccuracy([.embedding(count: vocabulary, width: width), .selfAttention(width: width, heads: 2, steps: steps),
                                           .linear(width, 16), .relu, .meanPooling, .linear(16, 1)],
                                          steps: steps, vocabulary: vocabulary, seed: 1210)
        #expect(bag < 0.65, "mean of items: \(bag)")
        #expect(gru > 0.9, "gru: \(gru)")
        #expect(attention > 0.9, "attention: \(attention)")
        print("order task accuracy: bag \(bag), gru \(gru), attention \(attention)")
    }
}
