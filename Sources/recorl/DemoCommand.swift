import ArgumentParser
import Foundation
import RecoExperiments
import RecoNetworks
import RecoTensor

/// `recorl demo`: a short, real run of the engine: an MLP learns a nonlinear regression task by
/// minibatch Adam, printing the loss as it falls and the training speed.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Fit an MLP to a nonlinear regression task and report loss and steps per second.")

    @Option(parsing: .unconditional, help: "Training steps (1 to 1,000,000,000).") var steps = 3000
    @Option(parsing: .unconditional, help: "Minibatch size (1 to 65,536).") var batch = 256
    @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt64 = 7
    @Option(parsing: .unconditional, help: "Adam learning rate.") var learningRate: Float = 1e-3
    @Option(parsing: .unconditional, help: "Threads for BLAS and the engine (default: \(ThreadPolicy.environmentVariable) or all cores).")
    var threads: Int?

    mutating func validate() throws {
        try Bounds.requirePositive(steps, atMost: Self.maximumSteps, flag: "--steps")
        try Bounds.requirePositive(batch, atMost: Self.maximumBatch, flag: "--batch")
        if !(learningRate > 0) || !learningRate.isFinite {
            throw ValidationError("--learning-rate: \(learningRate) is not valid; expected a positive number")
        }
        try Bounds.requireThreads(threads)
    }

    /// The most training steps: 10^9.
    static let maximumSteps = 1_000_000_000
    /// The largest minibatch: 65,536 rows (the network's workspaces, 65,536 x 128 x 4 bytes x 6 x 2,
    /// and the four data matrices come to about 0.4 GiB).
    static let maximumBatch = 65_536

    func run() throws {
        if let threads { ThreadPolicy.setThreadCount(threads) }
        let task = RegressionTask(inputs: 16, seed: seed)
        var generator = RandomGenerator(seed: seed, stream: 1)
        let network = try SequentialNetwork(SequentialNetwork.mlp(inputs: task.inputs, hidden: [128, 128], outputs: 1),
                                            maxBatch: batch, generator: &generator)
        let optimizer = Adam(learningRate: learningRate, parameterCount: network.parameterCount)
        let inputs = Matrix(rows: batch, columns: task.inputs)
        let targets = Matrix(rows: batch, columns: 1)
        let testInputs = Matrix(rows: batch, columns: task.inputs)
        let testTargets = Matrix(rows: batch, columns: 1)
        var testGenerator = RandomGenerator(seed: seed, stream: 2)
        task.sample(into: testInputs.view, targets: testTargets.view, using: &testGenerator)

        print("recorl demo: MLP \(task.inputs)-128-128-1 (\(network.parameterCount) parameters), batch \(batch), Adam lr \(learningRate)")
        print("task: \(task.summary)")
        print("BLAS kernels: \(BLASKernels.coreName), threads: \(ThreadPolicy.threadCount)")
        print("")
        print("   step   train loss   held-out loss   steps/s")
        let reportEvery = max(1, steps / 10)
        var dataGenerator = RandomGenerator(seed: seed, stream: 3)
        let start = DispatchTime.now().uptimeNanoseconds
        var windowStart = start
        var windowLoss: Double = 0
        for step in 1...steps {
            task.sample(into: inputs.view, targets: targets.view, using: &dataGenerator)
            let predictions = network.forward(inputs.view)
            let gradient = network.outputGradientWorkspace(rows: batch)
            let loss = RegressionLoss.meanSquaredError(predictions: predictions, targets: targets.view, gradient: gradient)
            guard loss.isFinite else {
                throw ExperimentError("training diverged at step \(step) (loss \(loss)); expected a finite loss: "
                                      + "lower --learning-rate (\(learningRate))")
            }
            windowLoss += Double(loss)
            network.backward(outputGradient: gradient)
            optimizer.step(network.parameters)
            if step % reportEvery == 0 || step == steps {
                let now = DispatchTime.now().uptimeNanoseconds
                let count = step % reportEvery == 0 ? reportEvery : step % reportEvery
                let heldOut = RegressionLoss.meanSquaredError(predictions: network.forward(testInputs.view),
                                                              targets: testTargets.view)
                let rate = Double(count) / (Double(now - windowStart) / 1e9)
                print(String(format: "%7d   %10.5f   %13.5f   %7.0f", step, windowLoss / Double(count), heldOut, rate))
                windowStart = DispatchTime.now().uptimeNanoseconds
                windowLoss = 0
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let baseline = task.varianceOfTargets(testTargets.view)
        let final = RegressionLoss.meanSquaredError(predictions: network.forward(testInputs.view), targets: testTargets.view)
        guard final.isFinite else {
            throw ExperimentError("training diverged after step \(steps) (held-out loss \(final)); expected a finite loss: "
                                  + "lower --learning-rate (\(learningRate))")
        }
        print("")
        print(String(format: "%d steps in %.2f s (%.0f steps/s, %.0f samples/s)", steps, seconds,
                     Double(steps) / seconds, Double(steps * batch) / seconds))
        print(String(format: "held-out MSE %.5f against %.5f for predicting the mean (%.1f%% of the variance explained)",
                     final, baseline, 100 * (1 - Double(final) / Double(baseline))))
    }
}

/// A nonlinear regression problem with a known answer: `y = sin(x·u) + (x·v)^2 / 4 + noise` for
/// standard normal `x` and fixed random directions `u`, `v`.
struct RegressionTask {
    let inputs: Int
    let directionU: [Float]
    let directionV: [Float]
    let noise: Float = 0.05

    init(inputs: Int, seed: UInt64) {
        self.inputs = inputs
        var generator = RandomGenerator(seed: seed, stream: 0)
        let scale = 1 / Float(inputs).squareRoot()
        directionU = (0..<inputs).map { _ in generator.normal() * scale }
        directionV = (0..<inputs).map { _ in generator.normal() * scale }
    }

    var summary: String { "y = sin(x.u) + (x.v)^2/4 + N(0, \(noise)^2), x ~ N(0, I_\(inputs))" }

    func sample(into x: MatrixView, targets: MatrixView, using generator: inout RandomGenerator) {
        for r in 0..<x.rows {
            var projectionU: Float = 0, projectionV: Float = 0
            for j in 0..<inputs {
                let value = generator.normal()
                x[r, j] = value
                projectionU += value * directionU[j]
                projectionV += value * directionV[j]
            }
            targets[r, 0] = Foundation.sin(projectionU) + projectionV * projectionV / 4 + noise * generator.normal()
        }
    }

    func varianceOfTargets(_ targets: MatrixView) -> Float {
        let values = targets.toArray()
        let mean = values.reduce(0, +) / Float(values.count)
        return values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(values.count)
    }
}
