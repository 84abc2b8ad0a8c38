import Testing
import RecoNetworks
import RecoTensor

/// The engine against an independent NumPy implementation (Fixtures/make_mlp_reference.py): forward
/// pass, every gradient and one Adam / AdamW step agree within 1e-5 relative.
@Suite struct NumPyReferenceTests {
    let reference: [String: Any]
    let names = ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]

    init() throws { reference = try Fixtures.json("mlp_reference.json") }

    func buildNetwork() throws -> SequentialNetwork {
        var generator = RandomGenerator(seed: 0)
        let network = try SequentialNetwork([.linear(5, 7), .tanh, .linear(7, 6), .relu, .linear(6, 3)],
                                            maxBatch: 4, generator: &generator)
        let parameters = reference["parameters"] as? [String: Any] ?? [:]
        for name in names {
            let tensor = try #require(network.parameters.tensor(named: name))
            let values = Fixtures.floats(parameters[name])
            try #require(values.count == tensor.count, "fixture tensor \(name)")
            for i in 0..<tensor.count { network.parameters.values[tensor.offset + i] = values[i] }
        }
        return network
    }

    func tensorValues(_ network: SequentialNetwork, _ name: String, gradients: Bool = false) -> [Float] {
        let tensor = network.parameters.tensor(named: name)!
        let buffer = gradients ? network.parameters.gradients : network.parameters.values
        return Array(buffer[tensor.offset..<(tensor.offset + tensor.count)])
    }

    /// Runs forward, MSE and backward on the fixture batch; returns the loss and the input gradient.
    func forwardBackward(_ network: SequentialNetwork) -> (output: [Float], loss: Float, inputGradient: [Float]) {
        let x = Matrix(rows: 4, columns: 5, values: Fixtures.floats(reference["input"]))
        let target = Matrix(rows: 4, columns: 3, values: Fixtures.floats(reference["target"]))
        let output = network.forward(x.view)
        let outputValues = output.toArray()
        let gradient = Matrix(rows: 4, columns: 3)
        let loss = RegressionLoss.meanSquaredError(predictions: output, targets: target.view, gradient: gradient.view)
        let dx = Matrix(rows: 4, columns: 5)
        network.backward(outputGradient: gradient.view, inputGradient: dx.view)
        return (outputValues, loss, dx.toArray())
    }

    @Test func forwardAndGradientsMatchNumPy() throws {
        let network = try buildNetwork()
        let (output, loss, inputGradient) = forwardBackward(network)
        #expect(relativeError(output, Fixtures.floats(reference["output"])) < 1e-5)
        let expectedLoss = (reference["loss"] as? Double) ?? .nan
        #expect(abs(Double(loss) - expectedLoss) <= 1e-5 * abs(expectedLoss))
        #expect(relativeError(inputGradient, Fixtures.floats(reference["input_gradient"])) < 1e-5)
        let gradients = reference["gradients"] as? [String: Any] ?? [:]
        for name in names {
            #expect(relativeError(tensorValues(network, name, gradients: true), Fixtures.floats(gradients[name])) < 1e-5, "\(name)")
        }
    }

    @Test(arguments: [false, true])
    func oneAdamStepMatchesNumPy(decoupled: Bool) throws {
        let network = try buildNetwork()
        _ = forwardBackward(network)
        let settings = reference["adam"] as? [String: Double] ?? [:]
        let decay = decoupled ? Float((reference["adamw_weight_decay"] as? Double) ?? .nan) : 0
        let adam = Adam(learningRate: Float(settings["learning_rate"]!), beta1: Float(settings["beta1"]!),
                        beta2: Float(settings["beta2"]!), epsilon: Float(settings["epsilon"]!),
                        weightDecay: decay, decoupledWeightDecay: decoupled, parameterCount: network.parameterCount)
        adam.step(network.parameters)
        let expected = reference[decoupled ? "after_adamw" : "after_adam"] as? [String: Any] ?? [:]
        for name in names {
            #expect(relativeError(tensorValues(network, name), Fixtures.floats(expected[name])) < 1e-5, "\(name)")
        }
    }
}
