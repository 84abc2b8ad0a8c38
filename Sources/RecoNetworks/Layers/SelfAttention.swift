import Foundation
import RecoTensor

/// One pre-norm self-attention block over sequences, with learned positional embeddings:
///
///     u = x + P                      (P: one learned row per step, [T, D])
///     y = u + MHA(LayerNorm(u))      (residual)
///
/// `MHA` is PyTorch's `nn.MultiheadAttention` without a mask or dropout: `[Q K V] = a W_inᵀ + b_in`,
/// per head `k` (of `h`, width `d = D / h`) `O_k = softmax(Q_k K_kᵀ / sqrt(d)) V_k`, the heads
/// concatenated and projected, `O W_outᵀ + b_out`.
///
/// Tensors, in store order: `position_embedding` `[T, D]`, `norm.weight` `[D]`, `norm.bias` `[D]`,
/// `self_attn.in_proj_weight` `[3D, D]`, `self_attn.in_proj_bias` `[3D]`, `self_attn.out_proj.weight`
/// `[D, D]`, `self_attn.out_proj.bias` `[D]` (PyTorch's names and layouts for the attention and norm).
///
/// Shapes: input and output `B·T x D` (sample `b`'s steps are rows `b*T ..< (b+1)*T`); follow it with
/// `meanPooling` or `lastStep` for one `B x D` row per sample.
///
/// Cost: the projections are single sgemms over all `B·T` rows (through `Linear`); the scores and the
/// weighted values are small sgemms per (sample, head) on strided views of the projection buffer, so
/// nothing is copied per head. Layer norm is the `LayerNorm` layer's code. Workspaces are allocated on
/// the first pass for the largest batch and reused.
public final class SelfAttention: Layer {
    /// Steps `T` per sequence (rows of the positional embedding).
    public let steps: Int
    /// Model width `D`.
    public let width: Int
    /// Heads `h` (`D` is a multiple of it).
    public let heads: Int
    /// Layer norm's epsilon.
    public let epsilon: Float
    /// Largest batch `B` (in sequences).
    public let maxBatch: Int
    public var inputWidth: Int { width }
    public var outputWidth: Int { width }
    public var runsInPlace: Bool { false }
    public var parameterShapes: [ParameterShape] {
        [ParameterShape(name: "position_embedding", shape: [steps, width]),
         ParameterShape(name: "norm.weight", shape: [width]), ParameterShape(name: "norm.bias", shape: [width]),
         ParameterShape(name: "self_attn.in_proj_weight", shape: [3 * width, width]),
         ParameterShape(name: "self_attn.in_proj_bias", shape: [3 * width]),
         ParameterShape(name: "self_attn.out_proj.weight", shape: [width, width]),
         ParameterShape(name: "self_attn.out_proj.bias", shape: [width])]
    }

    private let norm: LayerNorm
    private let inProjection: Linear
    private let outProjection: Linear
    private var positions: MatrixView?
    private var positionGradient: MatrixView?

    // Forward workspaces (maxBatch·T rows): x + P, its layer norm, Q K V, the heads' outputs; the
    // attention probabilities per (sample, head) (`maxBatch·h·T x T`).
    private var shifted: Matrix?
    private var normalized: Matrix?
    private var projected: Matrix?
    private var context: Matrix?
    private var probabilities: Matrix?
    // Backward workspaces: gradients of the above, and one (sample, head)'s score gradient (`T x T`).
    private var shiftedGradient: Matrix?
    private var normalizedGradient: Matrix?
    private var projectedGradient: Matrix?
    private var contextGradient: Matrix?
    private var scoreGradient: Matrix?

    /// A block over sequences of `steps` rows of `width` with `heads` heads (`width` a multiple of
    /// `heads`), for batches of up to `maxBatch` sequences.
    public init(width: Int, heads: Int, steps: Int, epsilon: Float = 1e-5, maxBatch: Int) {
        precondition(width > 0 && heads > 0 && width % heads == 0 && steps > 0 && maxBatch > 0 && epsilon > 0,
                     "self-attention needs positive sizes and width a multiple of heads, got \(width), \(heads) heads, \(steps) steps")
        self.width = width
        self.heads = heads
        self.steps = steps
        self.epsilon = epsilon
        self.maxBatch = maxBatch
        norm = LayerNorm(width: width, epsilon: epsilon, maxBatch: maxBatch * steps)
        inProjection = Linear(inputs: width, outputs: 3 * width, initialization: .kaimingUniform)
        outProjection = Linear(inputs: width, outputs: width, initialization: .kaimingUniform)
    }

    public func bind(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {
        positions = MatrixView(base: parameters, rows: steps, columns: width)
        positionGradient = MatrixView(base: gradients, rows: steps, columns: width)
        var offset = steps * width
        norm.bind(parameters: parameters + offset, gradients: gradients + offset)
        offset += norm.parameterCount
        inProjection.bind(parameters: parameters + offset, gradients: gradients + offset)
        offset += inProjection.parameterCount
        outProjection.bind(parameters: parameters + offset, gradients: gradients + offset)
    }

    /// Positional embeddings normal with standard deviation 0.02, layer norm weight 1 and bias 0, the
    /// input projection Xavier-uniform with zero bias and the output projection PyTorch's `nn.Linear`
    /// default with zero bias (as `nn.MultiheadAttention` does).
    public func initializeParameters(using generator: inout RandomGenerator) throws {
        generator.fillNormal(bound(positions).flat, mean: 0, standardDeviation: 0.02)
        try norm.initializeParameters(using: &generator)
        let inWeight = inProjection.weightView
        let limit = (6 / Float(width + 3 * width)).squareRoot()
        generator.fillUniform(inWeight.flat, -limit, limit)
        (inWeight.base + inWeight.count).update(repeating: 0, count: 3 * width)
        try outProjection.initializeParameters(using: &generator)
        let outWeight = outProjection.weightView
        (outWeight.base + outWeight.count).update(repeating: 0, count: width)
    }

    private func allocateForward() {
        guard shifted == nil else { return }
        let rows = maxBatch * steps
        shifted = Matrix(rows: rows, columns: width)
        normalized = Matrix(rows: rows, columns: width)
        projected = Matrix(rows: rows, columns: 3 * width)
        context = Matrix(rows: rows, columns: width)
        probabilities = Matrix(rows: maxBatch * heads * steps, columns: steps)
    }

    public func forward(_ x: MatrixView, into y: MatrixView) {
        let batch = x.rows / steps
        precondition(x.rows == batch * steps && batch <= maxBatch && x.columns == width && y.rows == x.rows && y.columns == width,
                     "self-attention maps up to \(maxBatch) sequences of \(steps) x \(width), got \(x.rows)x\(x.columns) -> \(y.rows)x\(y.columns)")
        allocateForward()
        let rows = x.rows, d = width / heads, scale = 1 / Float(d).squareRoot()
        let u = bound(shifted).rows(0..<rows), a = bound(normalized).rows(0..<rows)
        let qkv = bound(projected).rows(0..<rows), o = bound(context).rows(0..<rows)
        let p = bound(probabilities).view, position = bound(positions)
        for b in 0..<batch {
            for t in 0..<steps {
                let xp = x.rowPointer(b * steps + t), up = u.rowPointer(b * steps + t), pp = position.rowPointer(t)
                for j in 0..<width { up[j] = xp[j] + pp[j] }
            }
        }
        norm.forward(u, into: a)
        inProjection.forward(a, into: qkv)
        for b in 0..<batch {
            let sample = qkv.rows(b * steps..<(b + 1) * steps), out = o.rows(b * steps..<(b + 1) * steps)
            for k in 0..<heads {
                let q = sample.columns(k * d..<(k + 1) * d)
                let key = sample.columns(width + k * d..<width + (k + 1) * d)
                let value = sample.columns(2 * width + k * d..<2 * width + (k + 1) * d)
                let weights = p.rows((b * heads + k) * steps..<(b * heads + k + 1) * steps)
                BLAS.gemm(q, key, transposeB: true, into: weights, alpha: scale)
                Kernels.softmax(weights, into: weights)
                BLAS.gemm(weights, value, into: out.columns(k * d..<(k + 1) * d))
            }
        }
        outProjection.forward(o, into: y)
        for r in 0..<rows {
            let yp = y.rowPointer(r), up = u.rowPointer(r)
            for j in 0..<width { yp[j] += up[j] }
        }
    }

    public func backward(input x: MatrixView, output y: MatrixView, outputGradient dy: MatrixView,
                         inputGradient dx: MatrixView?, accumulate: Bool) {
        let batch = x.rows / steps
        precondition(shifted != nil && x.rows == batch * steps && batch <= maxBatch && dy.rows == x.rows && dy.columns == width,
                     "self-attention backward needs the forward pass of its batch")
        if shiftedGradient == nil {
            let rows = maxBatch * steps
            shiftedGradient = Matrix(rows: rows, columns: width)
            normalizedGradient = Matrix(rows: rows, columns: width)
            projectedGradient = Matrix(rows: rows, columns: 3 * width)
            contextGradient = Matrix(rows: rows, columns: width)
            scoreGradient = Matrix(rows: steps, columns: steps)
        }
        let rows = x.rows, d = width / heads, scale = 1 / Float(d).squareRoot()
        let u = bound(shifted).rows(0..<rows), a = bound(normalized).rows(0..<rows)
        let qkv = bound(projected).rows(0..<rows), o = bound(context).rows(0..<rows)
        let p = bound(probabilities).view
        let du = bound(shiftedGradient).rows(0..<rows), da = bound(normalizedGradient).rows(0..<rows)
        let dqkv = bound(projectedGradient).rows(0..<rows), dO = bound(contextGradient).rows(0..<rows)
        let dS = bound(scoreGradient).view

        outProjection.backward(input: o, output: y, outputGradient: dy, inputGradient: dO, accumulate: accumulate)
        for b in 0..<batch {
            let range = b * steps..<(b + 1) * steps
            let sample = qkv.rows(range), sampleGradient = dqkv.rows(range), out = dO.rows(range)
            for k in 0..<heads {
                let qColumns = k * d..<(k + 1) * d
                let kColumns = width + k * d..<width + (k + 1) * d
                let vColumns = 2 * width + k * d..<2 * width + (k + 1) * d
                let weights = p.rows((b * heads + k) * steps..<(b * heads + k + 1) * steps)
                let headGradient = out.columns(qColumns)
                BLAS.gemm(headGradient, sample.columns(vColumns), transposeB: true, into: dS)
                BLAS.gemm(weights, transposeA: true, headGradient, into: sampleGradient.columns(vColumns))
                Kernels.softmaxBackward(output: weights, outputGradient: dS, into: dS)
                BLAS.gemm(dS, sample.columns(kColumns), into: sampleGradient.columns(qColumns), alpha: scale)
                BLAS.gemm(dS, transposeA: true, sample.columns(qColumns), into: sampleGradient.columns(kColumns), alpha: scale)
            }
        }
        inProjection.backward(input: a, output: qkv, outputGradient: dqkv, inputGradient: da, accumulate: accumulate)
        norm.backward(input: u, output: a, outputGradient: da, inputGradient: du, accumulate: accumulate)
        let dP = bound(positionGradient)
        if !accumulate { dP.fill(0) }
        for b in 0..<batch {
            for t in 0..<steps {
                let r = b * steps + t
                let dup = du.rowPointer(r), dyp = dy.rowPointer(r), target = dP.rowPointer(t)
                for j in 0..<width {
                    dup[j] += dyp[j]
                    target[j] += dup[j]
                }
            }
        }
        dx?.copy(from: du)
    }
}

/// The `self-attention` layer kind: a `SelfAttention` block of `heads` heads over sequences of `steps`
/// rows of `width` (its positional embeddings fix `steps`), output shaped like its input.
///
/// JSON: `{"self-attention":{"width":64,"heads":4,"steps":30,"epsilon":1e-05}}`.
public struct SelfAttentionKind: LayerKind {
    public static let name = "self-attention"
    /// Model width `D`.
    public var width: Int
    /// Heads `h`; `width` is a multiple of it.
    public var heads: Int
    /// Steps `T` per sequence.
    public var steps: Int
    /// Layer norm's epsilon.
    public var epsilon: Float

    /// A block of `heads` heads over sequences of `steps` rows of `width`.
    public init(width: Int, heads: Int, steps: Int, epsilon: Float = 1e-5) {
        self.width = width
        self.heads = heads
        self.steps = steps
        self.epsilon = epsilon
    }

    public var impliedInput: InputShape? { .floats(steps: steps, width: width) }

    public func makeLayer(input: InputShape, maxBatch: Int) throws -> (layer: any NetworkLayer, output: InputShape) {
        try requireSize(width, "self-attention width")
        try requireSize(heads, "self-attention heads")
        try requireSize(steps, "self-attention steps")
        guard width % heads == 0 else {
            throw NetworkError.invalidArchitecture("self-attention width \(width) is not a multiple of its \(heads) heads")
        }
        guard epsilon > 0, epsilon.isFinite else {
            throw NetworkError.invalidArchitecture("self-attention epsilon must be positive, got \(epsilon)")
        }
        try requireWidth(width, of: input, for: Self.name)
        guard input.steps == steps else {
            throw NetworkError.invalidArchitecture("self-attention over \(steps) steps reads \(input)")
        }
        try requireProduct([maxBatch, steps, 3 * width], "self-attention workspace (maxBatch x steps x 3 x width)")
        try requireProduct([maxBatch, heads, steps, steps], "self-attention probabilities (maxBatch x heads x steps x steps)")
        try requireProduct([4, width, width + 1], "self-attention parameters")
        let layer = SelfAttention(width: width, heads: heads, steps: steps, epsilon: epsilon, maxBatch: maxBatch)
        return (layer, input)
    }
}

/// The last step of each sequence: `y[b] = x[b*T + T - 1]`, so `B·T x D` rows become `B x D` (the
/// gradient goes to the last step only). The other way, besides `MeanPooling`, to turn a sequence
/// encoder's per-step output into one row per sample.
public final class LastStep: Layer {
    /// Steps per sequence.
    public let steps: Int
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }
    public var parameterShapes: [ParameterShape] { [] }
    public var runsInPlace: Bool { false }

    /// The last of `steps` rows of `width` per sequence.
    public init(steps: Int, width: Int) {
        precondition(steps > 0 && width > 0, "last step needs positive sizes, got \(steps) x \(width)")
        self.steps = steps
        inputWidth = width
    }

    public func bind(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {}
    public func initializeParameters(using generator: inout RandomGenerator) throws {}

    public func forward(_ x: MatrixView, into y: MatrixView) {
        precondition(x.rows == y.rows * steps, "last step over \(steps) steps maps \(y.rows * steps) rows, got \(x.rows)")
        for b in 0..<y.rows { y.rowPointer(b).update(from: x.rowPointer(b * steps + steps - 1), count: inputWidth) }
    }

    public func backward(input x: MatrixView, output y: MatrixView, outputGradient dy: MatrixView,
                         inputGradient dx: MatrixView?, accumulate: Bool) {
        guard let dx else { return }
        for b in 0..<dy.rows {
            for t in 0..<steps {
                let target = dx.rowPointer(b * steps + t)
                if t == steps - 1 {
                    target.update(from: dy.rowPointer(b), count: inputWidth)
                } else {
                    target.update(repeating: 0, count: inputWidth)
                }
            }
        }
    }
}

/// The `lastStep` layer kind: a `LastStep` over its sequence input.
public struct LastStepKind: LayerKind {
    public static let name = "lastStep"
    public init() {}

    public func makeLayer(input: InputShape, maxBatch: Int) throws -> (layer: any NetworkLayer, output: InputShape) {
        guard case let .sequence(steps, width) = input else {
            throw NetworkError.invalidArchitecture("last step reads sequences, but its input is \(input)")
        }
        return (LastStep(steps: steps, width: width), .dense(width: width))
    }
}

extension LayerSpec {
    /// A pre-norm self-attention block (`heads` heads, learned positions) over sequences of `steps` rows
    /// of `width`; output `B·T x width`.
    public static func selfAttention(width: Int, heads: Int, steps: Int, epsilon: Float = 1e-5) -> LayerSpec {
        LayerSpec(SelfAttentionKind(width: width, heads: heads, steps: steps, epsilon: epsilon))
    }

    /// The last step of each sequence: `B·T x D` rows in, `B x D` out.
    public static let lastStep = LayerSpec(LastStepKind())
}
