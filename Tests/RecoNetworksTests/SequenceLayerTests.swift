import RecoTestSupport
import Testing
import RecoNetworks
import RecoTensor

/// Layers and networks over sequence and id inputs, against finite differences.
@Suite struct SequenceLayerTests {
    @Test(arguments: [1, 3, 5])
    func meanPoolingAveragesStepsAndSpreadsTheGradient(batch: Int) {
        var generator = RandomGenerator(seed: 1001)
        let steps = 4, width = 3
        let layer = MeanPooling(steps: steps, width: width)
        let x = Matrix(rows: batch * steps, columns: width)
        generator.fillUniform(x.view.flat, -1, 1)
        let y = Matrix(rows: batch, columns: width)
        layer.forward(x.view, into: y.view)
        for b in 0..<batch {
            for j in 0..<width {
                let mean = (0..<steps).map { x[b * steps + $0, j] }.reduce(0, +) / Float(steps)
                #expect(abs(y[b, j] - mean) < 1e-6)
            }
        }
        let weights = Matrix(rows: batch, columns: width)
        generator.fillUniform(weights.view.flat, -1, 1)
        let dx = Matrix(rows: batch * steps, columns: width)
        layer.backward(input: x.view, output: y.view, outputGradient: weights.view, inputGradient: dx.view, accumulate: false)
        let worst = GradientCheck.worstViolation(buffer: x.view.base, count: x.count, analytic: dx.toArray()) {
            layer.forward(x.view, into: y.view)
            return GradientCheck.objective(y.view, weights.view)
        }
        #expect(worst.excess <= 0, "input \(worst.index): analytic \(worst.analytic), numeric \(worst.numeric)")
    }

    /// Parameter (and, for float inputs, input) gradients of `network` on `input` against finite differences.
    func check(_ network: SequentialNetwork, _ input: InputBatch, inputValues: Matrix? = nil,
               generator: inout RandomGenerator) -> String? {
        let output = network.forward(input)
        let weights = Matrix(rows: output.rows, columns: output.columns)
        generator.fillUniform(weights.view.flat, -1, 1)
        let dx = inputValues.map { Matrix(rows: $0.rows, columns: $0.columns) }
        network.backward(outputGradient: weights.view, inputGradient: dx?.view)
        func evaluate() -> Double { GradientCheck.objective(network.forward(input), weights.view) }
        let store = network.parameters
        let p = GradientCheck.worstViolation(buffer: store.values.baseAddress!, count: store.count,
                                             analytic: Array(store.gradients), evaluate: evaluate)
        if p.excess > 0 { return "parameter \(p.index): analytic \(p.analytic), numeric \(p.numeric)" }
        if let inputValues, let dx {
            let q = GradientCheck.worstViolation(buffer: inputValues.view.base, count: inputValues.count,
                                                 analytic: dx.toArray(), evaluate: evaluate)
            if q.excess > 0 { return "input \(q.index): analytic \(q.analytic), numeric \(q.numeric)" }
        }
        return nil
    }

    @Test func idSequenceEncoderMatchesFiniteDifferences() throws {
        var generator = RandomGenerator(seed: 1002)
        let steps = 3, batch = 4
        let specs: [LayerSpec] = [.embedding(count: 7, width: 5), .linear(5, 6), .tanh, .meanPooling, .linear(6, 2)]
        let network = try SequentialNetwork(specs, input: .ids(count: 7, steps: steps), maxBatch: 5, generator: &generator)
        #expect(network.output == .dense(width: 2))
        let ids = OwnedBuffer<Int32>(count: batch * steps) { Int32(($0 * 5 + 1) % 7) }
        let output = network.forward(.ids(UnsafeBufferPointer(ids.elements)))
        #expect(output.rows == batch && output.columns == 2)
        #expect(check(network, .ids(UnsafeBufferPointer(ids.elements)), generator: &generator) == nil)
    }

    @Test func floatSequenceNetworkMatchesFiniteDifferences() throws {
        var generator = RandomGenerator(seed: 1003)
        let steps = 5, batch = 3
        let specs: [LayerSpec] = [.linear(4, 6), .layerNorm(width: 6, epsilon: 1e-5), .sigmoid, .meanPooling, .linear(6, 3)]
        let network = try SequentialNetwork(specs, input: .sequence(steps: steps, width: 4), maxBatch: 4, generator: &generator)
        let x = Matrix(rows: batch * steps, columns: 4)
        generator.fillUniform(x.view.flat, -1, 1)
        #expect(check(network, .floats(x.view), inputValues: x, generator: &generator) == nil)
        let replica = try network.replica(maxBatch: 2)
        let full = Array(network.forward(x.view).toArray().prefix(6))
        #expect(relativeError(replica.forward(x.rows(0..<(2 * steps))).toArray(), full) < 1e-6)
    }

    @Test func shapesThatDoNotFitThrowNamingTheLayer() {
        var generator = RandomGenerator(seed: 1004)
        #expect(throws: NetworkError.invalidArchitecture("layer 0: linear reads float rows but its input is 1 id in 0..<5; put an embedding first")) {
            try SequentialNetwork([.linear(1, 2)], input: .ids(count: 5), maxBatch: 2, generator: &generator)
        }
        #expect(throws: NetworkError.invalidArchitecture("layer 1: mean pooling reads sequences, but its input is dense rows of 3")) {
            try SequentialNetwork([.embedding(count: 5, width: 3), .meanPooling], maxBatch: 2, generator: &generator)
        }
        #expect(throws: NetworkError.invalidArchitecture("layer 0: embedding of 5 rows reads ids in 0..<5, but its input is 1 id in 0..<6")) {
            try SequentialNetwork([.embedding(count: 5, width: 3)], input: .ids(count: 6), maxBatch: 2, generator: &generator)
        }
        #expect(throws: NetworkError.self) {
            try SequentialNetwork([.linear(3, 3)], input: .sequence(steps: 0, width: 3), maxBatch: 2, generator: &generator)
        }
    }
}
