import Foundation
import RecoTensor

/// The figures for one action-space size: the MLP training step against its BLAS floor.
struct StepResult: Codable {
    let actions: Int
    let parameters: Int
    /// Median seconds of one training step.
    let stepSeconds: Double
    /// Median seconds of the same sgemm calls run alone: the floor a step cannot beat.
    let floorSeconds: Double
    let stepsPerSecond: Double
    /// Floating-point operations of the step's matrix products.
    let flops: Double
    let achievedGFLOPS: Double
    /// GFLOP/s of the sgemm calls alone (the ceiling at these shapes).
    let ceilingGFLOPS: Double
    /// `achievedGFLOPS / ceilingGFLOPS` (= floor / step).
    let fractionOfCeiling: Double
    let stepOverFloor: Double
    let peakResidentMegabytes: Double
    let sgemmShapes: [ShapeResult]
    /// Median seconds of each phase (forward, loss, backward, optimizer), timed one phase at a time.
    let phaseSeconds: [String: Double]
    let repetitions: Int

    struct ShapeResult: Codable {
        let shape: String
        let seconds: Double
        let gflops: Double
    }

    static func measure(actions: Int, budget: Double) throws -> StepResult {
        let step = try MLPStep(actions: actions, seed: 1)
        var generator = RandomGenerator(seed: 2)
        let calls = GemmCall.mlpStep(widths: step.widths, batch: MLPStep.batch, generator: &generator)
        // Warm up both (first touches of memory, BLAS thread start-up).
        for _ in 0..<2 { step.step(); calls.forEach { $0.run() } }
        let single = Timing.seconds { step.step() }
        let repetitions = Timing.repetitions(single: single, budget: budget)
        var stepTimes: [Double] = [], floorTimes: [Double] = []
        var shapeTimes = [[Double]](repeating: [], count: calls.count)
        // Interleave step and floor so drifting machine load affects both alike.
        for _ in 0..<repetitions {
            stepTimes.append(Timing.seconds { step.step() })
            var floor = 0.0
            for (index, call) in calls.enumerated() {
                let t = Timing.seconds { call.run() }
                shapeTimes[index].append(t)
                floor += t
            }
            floorTimes.append(floor)
        }
        let stepSeconds = Timing.median(stepTimes), floorSeconds = Timing.median(floorTimes)
        let flops = calls.reduce(0) { $0 + $1.flops }
        let shapes = calls.enumerated().map { index, call in
            let t = Timing.median(shapeTimes[index])
            return ShapeResult(shape: call.label, seconds: t, gflops: call.flops / t / 1e9)
        }
        return StepResult(actions: actions, parameters: step.network.parameterCount, stepSeconds: stepSeconds,
                          floorSeconds: floorSeconds, stepsPerSecond: 1 / stepSeconds, flops: flops,
                          achievedGFLOPS: flops / stepSeconds / 1e9, ceilingGFLOPS: flops / floorSeconds / 1e9,
                          fractionOfCeiling: floorSeconds / stepSeconds, stepOverFloor: stepSeconds / floorSeconds,
                          peakResidentMegabytes: Double(Timing.peakResidentBytes()) / 1e6,
                          sgemmShapes: shapes, phaseSeconds: step.phaseSeconds(repetitions: repetitions),
                          repetitions: repetitions)
    }

    static func table(_ results: [StepResult]) -> String {
        var lines = ["MLP training step 64-256-256-A, batch 256, Huber on gathered column, Adam (median)",
                     pad(["A", "params", "step ms", "floor ms", "step/floor", "steps/s", "GFLOP/s", "ceiling", "of ceiling", "peak RSS MB"])]
        for r in results {
            lines.append(pad([String(r.actions), String(r.parameters), format(r.stepSeconds * 1e3, 3),
                              format(r.floorSeconds * 1e3, 3), format(r.stepOverFloor, 2), format(r.stepsPerSecond, 1),
                              format(r.achievedGFLOPS, 1), format(r.ceilingGFLOPS, 1),
                              format(r.fractionOfCeiling * 100, 0) + "%", format(r.peakResidentMegabytes, 0)]))
        }
        lines.append("")
        lines.append("phases of the step (median ms, each timed alone)")
        lines.append(pad(["A", "forward", "loss", "backward", "optimizer"]))
        for r in results {
            lines.append(pad([String(r.actions)] + ["forward", "loss", "backward", "optimizer"].map {
                format((r.phaseSeconds[$0] ?? .nan) * 1e3, 3)
            }))
        }
        lines.append("")
        lines.append("sgemm ceiling at the step's shapes (median per call)")
        for r in results {
            for s in r.sgemmShapes {
                lines.append("  A=\(r.actions)  " + s.shape.padding(toLength: 30, withPad: " ", startingAt: 0)
                             + format(s.seconds * 1e6, 1) + " us  " + format(s.gflops, 1) + " GFLOP/s")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func format(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }

    static func pad(_ cells: [String]) -> String {
        cells.map { String(repeating: " ", count: max(1, 12 - $0.count)) + $0 }.joined()
    }
}
