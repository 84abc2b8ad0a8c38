import Foundation
import RecoEnvironments
import RecoRL
import RecoTensor

/// One full DQN update (sample, target forward on s', Bellman targets, online forward on s, Huber loss
/// on the gathered column, backward, Adam) and the Bellman target kernel alone, at batch 256 for the
/// network 64 -> 256 -> 256 -> A.
struct DQNUpdateResult: Codable {
    let actions: Int
    /// Median seconds of one update.
    let updateSeconds: Double
    /// Median seconds of the update's sgemm calls run alone.
    let floorSeconds: Double
    /// Share of the update spent outside sgemm: `1 - floor / update`.
    let shareOutsideSgemm: Double
    /// Median seconds of the Bellman target kernel (DQN: row max), and with Double DQN's argmax + gather.
    let targetKernelSeconds: Double
    let doubleTargetKernelSeconds: Double
    let repetitions: Int
    /// PyTorch's seconds for the same update here (the middle of `pyTorchMilliseconds`' range), nil
    /// where it was not measured: the peer curve of `recorl report`'s throughput plot.
    let peerSeconds: Double?

    /// PyTorch 2.15 on this machine with 2 threads (ms, low and high), for A = 10, 1000, 10000, 100000.
    static let pyTorchMilliseconds: [Int: (Double, Double)] = [10: (2.4, 3.3), 1000: (7.4, 8.5), 10000: (56, 63), 100000: (707, 718)]

    static let batch = 256
    static let dimension = 64

    static func measure(actions: Int, budget: Double) throws -> DQNUpdateResult {
        var configuration = DQNConfiguration()
        configuration.hiddenLayers = [256, 256]
        configuration.batchSize = batch
        configuration.bufferCapacity = 8 * batch
        configuration.double = false
        configuration.learningRate = 1e-4
        var generator = RandomGenerator(seed: 3)
        let agent = try DQNAgent(configuration: configuration,
                                 spaces: try EnvironmentSpaces(observationSpace: .unboundedBox(dimension), actionSpace: .discrete(actions)),
                                 generator: &generator)
        ReplayBenchmark.fill(agent.replay, actions: actions, generator: &generator)
        let widths = [dimension, 256, 256, actions]
        let calls = GemmCall.mlpForward(widths: widths, batch: batch, generator: &generator)
            + GemmCall.mlpStep(widths: widths, batch: batch, generator: &generator)

        for _ in 0..<2 { agent.update(using: &generator); calls.forEach { $0.run() } }
        let repetitions = Timing.repetitions(single: Timing.seconds { agent.update(using: &generator) }, budget: budget)
        var updates: [Double] = [], floors: [Double] = []
        for _ in 0..<repetitions {
            updates.append(Timing.seconds { agent.update(using: &generator) })
            floors.append(calls.reduce(0) { total, call in total + Timing.seconds { call.run() } })
        }

        // The target kernel on its own: random value tables, rewards, discounts, dones.
        let values = Matrix(rows: batch, columns: actions), selection = Matrix(rows: batch, columns: actions)
        generator.fillNormal(values.view.flat)
        generator.fillNormal(selection.view.flat)
        let scalars = Matrix(rows: 4, columns: batch)
        generator.fillUniform(scalars.view.flat, 0, 1)
        var chosen = [Int32](repeating: 0, count: batch), bootstrap = [Float](repeating: 0, count: batch)
        var targets = [Float](repeating: 0, count: batch)
        func kernel(_ double: Bool) -> Double {
            Timing.median((0..<max(5, repetitions)).map { _ in
                Timing.seconds {
                    BellmanTargets.compute(targetValues: values.view, selectionValues: double ? selection.view : nil,
                                           rewards: scalars.view.rowPointer(0), discounts: scalars.view.rowPointer(1),
                                           dones: scalars.view.rowPointer(2), selectedActions: &chosen,
                                           bootstrapValues: &bootstrap, into: &targets)
                }
            })
        }
        let update = Timing.median(updates), floor = Timing.median(floors)
        return DQNUpdateResult(actions: actions, updateSeconds: update, floorSeconds: floor,
                               shareOutsideSgemm: 1 - floor / update, targetKernelSeconds: kernel(false),
                               doubleTargetKernelSeconds: kernel(true), repetitions: repetitions,
                               peerSeconds: pyTorchMilliseconds[actions].map { ($0.0 + $0.1) / 2e3 })
    }

    static func table(_ results: [DQNUpdateResult]) -> String {
        var lines = ["DQN update, batch 256, 64-256-256-A (median; PyTorch 2.15 on 2 threads here: 2.4-3.3 / 7.4-8.5 / 56-63 / 707-718 ms)",
                     StepResult.pad(["A", "update ms", "floor ms", "outside sgemm", "target us", "double us"])]
        for r in results {
            lines.append(StepResult.pad([String(r.actions), StepResult.format(r.updateSeconds * 1e3, 3),
                                         StepResult.format(r.floorSeconds * 1e3, 3),
                                         StepResult.format(r.shareOutsideSgemm * 100, 0) + "%",
                                         StepResult.format(r.targetKernelSeconds * 1e6, 1),
                                         StepResult.format(r.doubleTargetKernelSeconds * 1e6, 1)]))
        }
        return lines.joined(separator: "\n")
    }
}
