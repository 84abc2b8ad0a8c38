import Testing
import RecoNetworks
import RecoTensor

@Suite struct DeterminismTests {
    /// Trains the benchmark's network (64 -> 256 -> 256 -> A, relu, batch 256, Huber on a gathered
    /// column, Adam) and returns the parameters' bit patterns.
    func train(seed: UInt64, actions: Int = 10, steps: Int = 15) throws -> [UInt32] {
        var generator = RandomGenerator(seed: seed)
        let network = try SequentialNetwork(SequentialNetwork.mlp(inputs: 64, hidden: [256, 256], outputs: actions),
                                            maxBatch: 256, generator: &generator)
        let adam = Adam(learningRate: 1e-3, parameterCount: network.parameterCount)
        let x = Matrix(rows: 256, columns: 64)
        let targets = Matrix(rows: 256, columns: 1), predictions = Matrix(rows: 256, columns: 1)
        let predictionGradient = Matrix(rows: 256, columns: 1)
        let outputGradient = Matrix(rows: 256, columns: actions)
        var chosen = [Int32](repeating: 0, count: 256), previous = chosen
        for _ in 0..<steps {
            generator.fillNormal(x.view.flat)
            generator.fillUniform(targets.view.flat, 0, 1)
            for i in 0..<256 { chosen[i] = Int32(generator.index(below: actions)) }
            let q = network.forward(x.view)
            Kernels.gatherColumns(q, columns: chosen, into: predictions.view.base)
            _ = RegressionLoss.huber(predictions: predictions.view, targets: targets.view, gradient: predictionGradient.view)
            Kernels.clearColumns(previous, in: outputGradient.view)
            Kernels.scatterColumns(predictionGradient.view.base, columns: chosen, into: outputGradient.view)
            network.backward(outputGradient: outputGradient.view)
            network.parameters.clipGradientNorm(maxNorm: 10)
            adam.step(network.parameters)
            previous = chosen
        }
        return network.parameters.values.map(\.bitPattern)
    }

    @Test func sameSeedAndThreadCountGiveBitIdenticalParameters() throws {
        let first = try train(seed: 601), second = try train(seed: 601)
        #expect(first == second)
        #expect(try train(seed: 602) != first)
    }
}
