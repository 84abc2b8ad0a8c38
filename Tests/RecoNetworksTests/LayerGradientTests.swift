import RecoTestSupport
import Testing
import RecoNetworks
import RecoTensor

/// Every layer's backward pass against central finite differences, at batch 1 and at sizes that are not
/// multiples of 8 or 16.
@Suite struct LayerGradientTests {
    static let batches = [1, 3, 13]

    @Test(arguments: batches)
    func linear(batch: Int) throws {
        var generator = RandomGenerator(seed: 101)
        for initialization in [WeightInitialization.kaimingUniform, .orthogonal(gain: 1.4)] {
            let layer = Linear(inputs: 7, outputs: 5, initialization: initialization)
            #expect(try GradientCheck.check(layer: layer, batch: batch, generator: &generator) == nil)
        }
    }

    @Test func linearAccumulatesWhenAsked() throws {
        var generator = RandomGenerator(seed: 102)
        let layer = Linear(inputs: 9, outputs: 3)
        #expect(try GradientCheck.check(layer: layer, batch: 5, generator: &generator, accumulate: true) == nil)
    }

    @Test(arguments: batches)
    func activations(batch: Int) throws {
        var generator = RandomGenerator(seed: 103)
        for function in [Activation.Function.relu, .tanh, .sigmoid] {
            // relu: inputs at least 0.05 away from its kink, farther than the difference step.
            let layer = Activation(function, width: 11)
            #expect(try GradientCheck.check(layer: layer, batch: batch, generator: &generator, inputRange: 0.05...1.5) == nil,
                    "\(function)")
        }
    }

    @Test(arguments: batches)
    func layerNorm(batch: Int) throws {
        var generator = RandomGenerator(seed: 104)
        let layer = LayerNorm(width: 9, maxBatch: 16)
        #expect(try GradientCheck.check(layer: layer, batch: batch, generator: &generator) == nil)
        #expect(try GradientCheck.check(layer: layer, batch: batch, generator: &generator, accumulate: true) == nil)
    }

    @Test(arguments: batches)
    func softmaxHeads(batch: Int) throws {
        var generator = RandomGenerator(seed: 105)
        for logarithmic in [false, true] {
            let layer = SoftmaxHead(width: 6, logarithmic: logarithmic)
            #expect(try GradientCheck.check(layer: layer, batch: batch, generator: &generator, inputRange: 0...2) == nil)
        }
    }

    @Test(arguments: batches)
    func duelingHead(batch: Int) throws {
        var generator = RandomGenerator(seed: 106)
        let layer = DuelingHead(inputs: 7, actions: 5, maxBatch: 16)
        #expect(try GradientCheck.check(layer: layer, batch: batch, generator: &generator) == nil)
        #expect(try GradientCheck.check(layer: layer, batch: batch, generator: &generator, accumulate: true) == nil)
    }

    @Test func duelingHeadCombinesValueAndCentredAdvantage() throws {
        let layer = DuelingHead(inputs: 2, actions: 3, maxBatch: 1)
        // value.weight [1, 2], value.bias [1], advantage.weight [3, 2], advantage.bias [3]
        let parameters: [Float] = [1, 2, 0.5, 1, 0, 0, 1, 1, 1, 0, 0, 3]
        var values = parameters, gradients = [Float](repeating: 0, count: parameters.count)
        let x = Matrix(rows: 1, columns: 2, values: [2, 1])
        let y = Matrix(rows: 1, columns: 3)
        values.withUnsafeMutableBufferPointer { p in
            gradients.withUnsafeMutableBufferPointer { g in
                layer.bind(parameters: p.baseAddress!, gradients: g.baseAddress!)
                layer.forward(x.view, into: y.view)
            }
        }
        // V = 1*2 + 2*1 + 0.5 = 4.5; A = [2, 1, 3 + 3] = [2, 1, 6], mean 3; Q = 4.5 + A - 3.
        #expect(y.toArray() == [3.5, 2.5, 7.5])
    }
}
