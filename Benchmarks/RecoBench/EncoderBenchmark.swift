import RecoNetworks
import RecoTensor

/// Forward plus backward (parameter and input gradients) of one sequence encoder layer at the shapes
/// of an agent's trunk over a window of item vectors: B = 256 windows of T = 30 steps of D = 64.
/// The ceiling is the same products as plain sgemm calls on contiguous operands of the same shapes,
/// timed in the same run (`Benchmarks/peers/encoders.py` is PyTorch's figure at these shapes).
struct EncoderResult: Codable {
    let encoder: String
    let shape: String
    let parameters: Int
    /// FLOPs of the matrix products of one forward plus backward pass.
    let flops: Double
    let forwardSeconds: Double
    let stepSeconds: Double
    let floorSeconds: Double
    let achievedGFLOPS: Double
    let ceilingGFLOPS: Double
    let fractionOfCeiling: Double
    let repetitions: Int

    static let batch = 256, steps = 30, inputs = 64

    /// Times `layer` (bound to fresh parameters) against `calls` (each run `count` times for the floor).
    static func measure(encoder: String, shape: String, layer: any Layer, outputRows: Int, calls: [(GemmCall, Int)],
                        budget: Double) throws -> EncoderResult {
        var generator = RandomGenerator(seed: 7)
        let parameters = Matrix(rows: 1, columns: layer.parameterCount)
        let gradients = Matrix(rows: 1, columns: layer.parameterCount)
        layer.bind(parameters: parameters.view.base, gradients: gradients.view.base)
        try layer.initializeParameters(using: &generator)
        let rows = batch * steps
        let x = Matrix(rows: rows, columns: layer.inputWidth)
        generator.fillNormal(x.view.flat)
        let y = Matrix(rows: outputRows, columns: layer.outputWidth)
        let dy = Matrix(rows: outputRows, columns: layer.outputWidth)
        generator.fillUniform(dy.view.flat, -1, 1)
        let dx = Matrix(rows: rows, columns: layer.inputWidth)
        func forward() { layer.forward(x.view, into: y.view) }
        func step() {
            forward()
            layer.backward(input: x.view, output: y.view, outputGradient: dy.view, inputGradient: dx.view, accumulate: false)
        }
        func floor() { for (call, count) in calls { for _ in 0..<count { call.run() } } }
        for _ in 0..<2 { step(); floor() }
        let repetitions = Timing.repetitions(single: Timing.seconds { step() }, budget: budget / 2)
        var forwardTimes: [Double] = [], stepTimes: [Double] = [], floorTimes: [Double] = []
        for _ in 0..<repetitions {
            forwardTimes.append(Timing.seconds { forward() })
            stepTimes.append(Timing.seconds { step() })
            floorTimes.append(Timing.seconds { floor() })
        }
        let flops = calls.reduce(0) { $0 + $1.0.flops * Double($1.1) }
        let stepSeconds = Timing.median(stepTimes), floorSeconds = Timing.median(floorTimes)
        return EncoderResult(encoder: encoder, shape: shape, parameters: layer.parameterCount, flops: flops,
                             forwardSeconds: Timing.median(forwardTimes), stepSeconds: stepSeconds, floorSeconds: floorSeconds,
                             achievedGFLOPS: flops / stepSeconds / 1e9, ceilingGFLOPS: flops / floorSeconds / 1e9,
                             fractionOfCeiling: floorSeconds / stepSeconds, repetitions: repetitions)
    }

    /// The GRU (hidden 128, last state) and the attention block at widths 64 and 128 (4 heads; the
    /// 128-wide block reads its input through no projection, so its input is 128 wide).
    static func measureAll(budget: Double) throws -> [EncoderResult] {
        var generator = RandomGenerator(seed: 8)
        let B = batch, T = steps, D = inputs, H = 128
        func call(_ m: Int, _ n: Int, _ k: Int, _ ta: Bool, _ tb: Bool) -> GemmCall {
            GemmCall(m: m, n: n, k: k, transposeA: ta, transposeB: tb, generator: &generator)
        }
        let gruCalls: [(GemmCall, Int)] = [
            (call(B * T, 3 * H, D, false, true), 1),      // input projection
            (call(B, 3 * H, H, false, true), T - 1),      // recurrence
            (call(B, H, 3 * H, false, false), T - 1),     // hidden-state gradient
            (call(3 * H, H, B, true, false), T - 1),      // recurrent weight gradient
            (call(3 * H, D, B * T, true, false), 1),      // input weight gradient
            (call(B * T, D, 3 * H, false, false), 1),     // input gradient
        ]
        var results = [try measure(encoder: "gru", shape: "B=\(B) T=\(T) D=\(D) H=\(H), last state",
                                   layer: GRU(inputs: D, hidden: H, steps: T, allSteps: false, maxBatch: B),
                                   outputRows: B, calls: gruCalls, budget: budget)]
        for width in [64, 128] {
            let heads = 4, d = width / heads
            let calls: [(GemmCall, Int)] = [
                (call(B * T, 3 * width, width, false, true), 1),   // Q K V
                (call(T, T, d, false, true), B * heads),           // scores
                (call(T, d, T, false, false), B * heads),          // weighted values
                (call(B * T, width, width, false, true), 1),       // output projection
                (call(width, width, B * T, true, false), 1),       // its weight gradient
                (call(B * T, width, width, false, false), 1),      // its input gradient
                (call(T, T, d, false, true), B * heads),           // probability gradient
                (call(T, d, T, true, false), B * heads),           // value gradient
                (call(T, d, T, false, false), B * heads),          // query gradient
                (call(T, d, T, true, false), B * heads),           // key gradient
                (call(3 * width, width, B * T, true, false), 1),   // in-projection weight gradient
                (call(B * T, width, 3 * width, false, false), 1),  // its input gradient
            ]
            results.append(try measure(encoder: "self-attention", shape: "B=\(B) T=\(T) D=\(width) heads=\(heads)",
                                       layer: SelfAttention(width: width, heads: heads, steps: T, maxBatch: B),
                                       outputRows: B * T, calls: calls, budget: budget))
        }
        return results
    }

    static func table(_ results: [EncoderResult]) -> String {
        var lines = ["Sequence encoders, forward + backward (parameter and input gradients), median",
                     StepResult.pad(["encoder", "shape", "params", "fwd ms", "fwd+bwd ms", "floor ms", "GFLOP/s", "ceiling", "of ceiling"])]
        for r in results {
            lines.append(StepResult.pad([r.encoder, r.shape, String(r.parameters), StepResult.format(r.forwardSeconds * 1e3, 2),
                              StepResult.format(r.stepSeconds * 1e3, 2), StepResult.format(r.floorSeconds * 1e3, 2), StepResult.format(r.achievedGFLOPS, 1),
                              StepResult.format(r.ceilingGFLOPS, 1), StepResult.format(r.fractionOfCeiling * 100, 0) + "%"]))
        }
        return lines.joined(separator: "\n")
    }
}
