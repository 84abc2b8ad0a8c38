import Foundation
import Testing
import RecoNetworks
import RecoTensor

/// The whole training loop (forward, loss, backward, Adam) must actually learn.
@Suite struct LearningTests {
    /// Regression on `y = sin(3 x0) + x1 * x2`: an MLP trained by Adam gets the held-out error below 5%
    /// of the target variance. A broken gradient or update stalls near 100%.
    @Test func mlpFitsANonlinearFunction() throws {
        var generator = RandomGenerator(seed: 901)
        let network = try SequentialNetwork(SequentialNetwork.mlp(inputs: 3, hidden: [64, 64], outputs: 1, activation: .tanh),
                                            maxBatch: 128, generator: &generator)
        let adam = Adam(learningRate: 3e-3, parameterCount: network.parameterCount)
        func sample(_ x: Matrix, _ y: Matrix) {
            generator.fillUniform(x.view.flat, -1, 1)
            for r in 0..<x.rows { y[r, 0] = Foundation.sin(3 * x[r, 0]) + x[r, 1] * x[r, 2] }
        }
        let x = Matrix(rows: 128, columns: 3), y = Matrix(rows: 128, columns: 1)
        let testX = Matrix(rows: 128, columns: 3), testY = Matrix(rows: 128, columns: 1)
        sample(testX, testY)
        let mean = testY.toArray().reduce(0, +) / 128
        let variance = testY.toArray().reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 128
        for _ in 0..<1500 {
            sample(x, y)
            let output = network.forward(x.view)
            let gradient = network.outputGradientWorkspace(rows: 128)
            _ = RegressionLoss.meanSquaredError(predictions: output, targets: y.view, gradient: gradient)
            network.backward(outputGradient: gradient)
            adam.step(network.parameters)
        }
        let error = RegressionLoss.meanSquaredError(predictions: network.forward(testX.view), targets: testY.view)
        #expect(error < 0.05 * variance, "held-out MSE \(error), variance \(variance)")
    }

    /// Classification with softmax cross-entropy: three Gaussian blobs separated by an MLP to >95%.
    @Test func classifierLearnsWithCrossEntropy() throws {
        var generator = RandomGenerator(seed: 902)
        let network = try SequentialNetwork(SequentialNetwork.mlp(inputs: 2, hidden: [32], outputs: 3),
                                            maxBatch: 96, generator: &generator)
        let sgd = SGD(learningRate: 0.2, momentum: 0.9, parameterCount: network.parameterCount)
        let centres: [(Float, Float)] = [(1, 0), (-0.5, 0.87), (-0.5, -0.87)]
        var labels = [Int32](repeating: 0, count: 96)
        let x = Matrix(rows: 96, columns: 2)
        func sample() {
            for r in 0..<96 {
                let c = generator.index(below: 3)
                labels[r] = Int32(c)
                x[r, 0] = centres[c].0 + 0.3 * generator.normal()
                x[r, 1] = centres[c].1 + 0.3 * generator.normal()
            }
        }
        for _ in 0..<300 {
            sample()
            let logits = network.forward(x.view)
            let gradient = network.outputGradientWorkspace(rows: 96)
            _ = SoftmaxCrossEntropy.loss(logits: logits, targets: labels, gradient: gradient)
            network.backward(outputGradient: gradient)
            sgd.step(network.parameters)
        }
        sample()
        var predicted = [Int32](repeating: -1, count: 96)
        Kernels.rowArgmax(network.forward(x.view), into: &predicted)
        let accuracy = Double(zip(predicted, labels).filter { $0 == $1 }.count) / 96
        #expect(accuracy > 0.95, "accuracy \(accuracy)")
    }
}
