import RecoTestSupport
import Testing
import RecoNetworks
import RecoTensor

/// Whole networks against finite differences: checks the plumbing between layers (workspaces, in-place
/// activations, gradient buffers) as well as the layers.
@Suite struct NetworkGradientTests {
    func check(_ specs: [LayerSpec], batch: Int, seed: UInt64) throws -> String? {
        var generator = RandomGenerator(seed: seed)
        let network = try SequentialNetwork(specs, maxBatch: 16, generator: &generator)
        let x = Matrix(rows: batch, columns: network.inputWidth)
        generator.fillUniform(x.view.flat, -1, 1)
        let weights = Matrix(rows: batch, columns: network.outputWidth)
        generator.fillUniform(weights.view.flat, -1, 1)
        let dx = Matrix(rows: batch, columns: network.inputWidth)
        network.forward(x.view)
        network.backward(outputGradient: weights.view, inputGradient: dx.view)
        let parameterGradient = Array(network.parameters.gradients)
        func evaluate() -> Double { GradientCheck.objective(network.forward(x.view), weights.view) }
        let store = network.parameters.values
        let p = GradientCheck.worstViolation(buffer: store.baseAddress!, count: store.count, analytic: parameterGradient,
                                             evaluate: evaluate)
        if p.excess > 0 { return "parameter \(p.index): analytic \(p.analytic), numeric \(p.numeric)" }
        let q = GradientCheck.worstViolation(buffer: x.view.base, count: x.count, analytic: dx.toArray(), evaluate: evaluate)
        if q.excess > 0 { return "input \(q.index): analytic \(q.analytic), numeric \(q.numeric)" }
        return nil
    }

    @Test(arguments: [1, 5, 13])
    func tanhMLP(batch: Int) throws {
        #expect(try check(SequentialNetwork.mlp(inputs: 5, hidden: [9, 7], outputs: 3, activation: .tanh), batch: batch, seed: 201) == nil)
    }

    @Test(arguments: [1, 5, 13])
    func layerNormPolicyNetworkWithLogSoftmax(batch: Int) throws {
        let specs: [LayerSpec] = [.linear(6, 10), .layerNorm(width: 10, epsilon: 1e-5), .tanh, .linear(10, 4), .logSoftmax]
        #expect(try check(specs, batch: batch, seed: 202) == nil)
    }

    @Test(arguments: [1, 5, 13])
    func duelingQNetwork(batch: Int) throws {
        let specs: [LayerSpec] = [.linear(5, 9), .sigmoid, .dueling(inputs: 9, actions: 4, initialization: .kaimingUniform)]
        #expect(try check(specs, batch: batch, seed: 203) == nil)
    }

    @Test func reluMLPAtTheBenchmarkLayout() throws {
        // A relu network has kinks; with these seeds no pre-activation lies within the step of zero.
        #expect(try check(SequentialNetwork.mlp(inputs: 4, hidden: [6, 6], outputs: 3), batch: 3, seed: 204) == nil)
    }

    @Test func softmaxHeadNetworkLeavesTheCallersGradientIntact() throws {
        var generator = RandomGenerator(seed: 205)
        let network = try SequentialNetwork([.linear(3, 4), .softmax], maxBatch: 4, generator: &generator)
        let x = Matrix(rows: 2, columns: 3, values: [1, 2, 3, -1, 0, 1])
        let dy = Matrix(rows: 2, columns: 4, values: [1, 0, 0, 0, 0, 1, 0, 0])
        network.forward(x.view)
        network.backward(outputGradient: dy.view)
        #expect(dy.toArray() == [1, 0, 0, 0, 0, 1, 0, 0])
        #expect(try check([.linear(3, 4), .softmax], batch: 2, seed: 205) == nil)
    }

    @Test func invalidArchitecturesThrowClearErrors() {
        var generator = RandomGenerator(seed: 206)
        #expect(throws: NetworkError.invalidArchitecture("layer 2: expects 5 inputs but the layer before gives 4")) {
            try SequentialNetwork([.linear(3, 4), .relu, .linear(5, 2)], maxBatch: 2, generator: &generator)
        }
        #expect(throws: NetworkError.self) { try SequentialNetwork([.relu], maxBatch: 2, generator: &generator) }
        #expect(throws: NetworkError.self) { try SequentialNetwork([], maxBatch: 2, generator: &generator) }
        #expect(throws: NetworkError.self) { try SequentialNetwork([.linear(3, 0)], maxBatch: 2, generator: &generator) }
        #expect(throws: NetworkError.self) { try SequentialNetwork([.linear(3, 2)], maxBatch: 0, generator: &generator) }
    }
}
