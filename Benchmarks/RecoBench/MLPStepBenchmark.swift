import RecoNetworks
import RecoTensor

/// One supervised training step of the benchmark network `64 -> 256 -> 256 -> A` (relu) at batch 256:
/// forward, the Huber loss on one gathered column per row (the value of the action taken, as in DQN),
/// backward, Adam. Everything is preallocated, so `step()` allocates nothing.
final class MLPStep {
    static let inputs = 64
    static let hidden = [256, 256]
    static let batch = 256

    let actions: Int
    let network: SequentialNetwork
    let optimizer: Adam
    let observations: Matrix
    let chosen: [Int32]
    let targets: Matrix
    let predictions: Matrix
    let predictionGradient: Matrix
    let outputGradient: Matrix

    init(actions: Int, seed: UInt64) throws {
        self.actions = actions
        var generator = RandomGenerator(seed: seed)
        network = try SequentialNetwork(
            SequentialNetwork.mlp(inputs: MLPStep.inputs, hidden: MLPStep.hidden, outputs: actions),
            maxBatch: MLPStep.batch, generator: &generator)
        optimizer = Adam(learningRate: 1e-4, parameterCount: network.parameterCount)
        observations = Matrix(rows: MLPStep.batch, columns: MLPStep.inputs)
        generator.fillNormal(observations.view.flat)
        chosen = (0..<MLPStep.batch).map { _ in Int32(generator.index(below: actions)) }
        targets = Matrix(rows: MLPStep.batch, columns: 1)
        generator.fillUniform(targets.view.flat, 0, 1)
        predictions = Matrix(rows: MLPStep.batch, columns: 1)
        predictionGradient = Matrix(rows: MLPStep.batch, columns: 1)
        outputGradient = Matrix(rows: MLPStep.batch, columns: actions)
    }

    var widths: [Int] { [MLPStep.inputs] + MLPStep.hidden + [actions] }

    /// Runs one step and returns the loss.
    @discardableResult
    func step() -> Float {
        forward()
        let loss = lossGradient()
        backward()
        optimize()
        return loss
    }

    /// Median seconds of each phase of the step, timed separately over `repetitions` steps.
    func phaseSeconds(repetitions: Int) -> [String: Double] {
        var times: [String: [Double]] = ["forward": [], "loss": [], "backward": [], "optimizer": []]
        for _ in 0..<repetitions {
            times["forward"]!.append(Timing.seconds { forward() })
            times["loss"]!.append(Timing.seconds { _ = lossGradient() })
            times["backward"]!.append(Timing.seconds { backward() })
            times["optimizer"]!.append(Timing.seconds { optimize() })
        }
        return times.mapValues(Timing.median)
    }

    private func forward() {
        let q = network.forward(observations.view)
        chosen.withUnsafeBufferPointer { columns in
            Kernels.gatherColumns(q, columns: columns.baseAddress!, into: predictions.view.base)
        }
    }

    private func lossGradient() -> Float {
        let loss = RegressionLoss.huber(predictions: predictions.view, targets: targets.view,
                                        gradient: predictionGradient.view)
        chosen.withUnsafeBufferPointer { columns in
            // The gradient buffer is zero except where the previous step scattered: same columns here.
            Kernels.scatterColumns(predictionGradient.view.base, columns: columns.baseAddress!, into: outputGradient.view)
        }
        return loss
    }

    private func backward() { network.backward(outputGradient: outputGradient.view) }

    private func optimize() { optimizer.step(network.parameters) }
}
