import Foundation
import RecoTensor

/// A gated recurrent unit (Cho et al., 2014) over sequences, with PyTorch's `nn.GRU` equations and
/// parameter layout (one layer, zero initial state), so weights carry over:
///
///     r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)
///     z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)
///     n_t = tanh(W_in x_t + b_in + r_t * (W_hn h_{t-1} + b_hn))
///     h_t = (1 - z_t) * n_t + z_t * h_{t-1},   h_{-1} = 0
///
/// Tensors, in store order: `weight_ih_l0` `[3H, D]`, `weight_hh_l0` `[3H, H]`, `bias_ih_l0` `[3H]`,
/// `bias_hh_l0` `[3H]`, gates stacked `r, z, n`.
///
/// Shapes: input `B·T x D` (sample `b`'s `T` steps are rows `b*T ..< (b+1)*T`); output `B x H` (the last
/// hidden state of each sample, what an agent's trunk reads) or, with `allSteps`, `B·T x H` (every
/// step's state, for a layer after it that reads the whole sequence).
///
/// Cost: the input projection of all `B·T` rows is one sgemm (`B·T x D` times `D x 3H`); the recurrence
/// is one sgemm per step (`B x H` times `H x 3H`) on strided views of the sample-major buffers (no
/// transposition copies). The backward pass (back-propagation through time) mirrors it: per step one
/// sgemm for the hidden-state gradient and one for the recurrent weight gradient, then one sgemm each
/// for the input weight gradient and the input gradient over all steps. Workspaces are allocated on the
/// first pass for the largest batch and reused; nothing is allocated per step or per call after that.
public final class GRU: Layer {
    /// Steps `T` per sequence.
    public let steps: Int
    /// Input width `D`.
    public let inputWidth: Int
    /// Hidden size `H`.
    public let hiddenWidth: Int
    /// Whether the output is every step's hidden state (`B·T x H`) rather than the last (`B x H`).
    public let allSteps: Bool
    /// Largest batch `B` (in sequences).
    public let maxBatch: Int
    public var outputWidth: Int { hiddenWidth }
    public var runsInPlace: Bool { false }
    public var parameterShapes: [ParameterShape] {
        [ParameterShape(name: "weight_ih_l0", shape: [3 * hiddenWidth, inputWidth]),
         ParameterShape(name: "weight_hh_l0", shape: [3 * hiddenWidth, hiddenWidth]),
         ParameterShape(name: "bias_ih_l0", shape: [3 * hiddenWidth]),
         ParameterShape(name: "bias_hh_l0", shape: [3 * hiddenWidth])]
    }

    private var inputWeight: MatrixView?
    private var hiddenWeight: MatrixView?
    private var inputBias: UnsafeMutablePointer<Float>?
    private var hiddenBias: UnsafeMutablePointer<Float>?
    private var inputWeightGradient: MatrixView?
    private var hiddenWeightGradient: MatrixView?
    private var inputBiasGradient: UnsafeMutablePointer<Float>?
    private var hiddenBiasGradient: UnsafeMutablePointer<Float>?

    /// Forward workspaces (sample-major, `maxBatch·T` rows): the input projection, overwritten step by
    /// step with the gate activations `r, z, n`; `W_hn h + b_hn` per step; every hidden state.
    private var gates: Matrix?
    private var hiddenCandidate: Matrix?
    private var states: Matrix?
    /// One step's recurrent product `h_{t-1} W_hhᵀ` (`maxBatch x 3H`).
    private var recurrent: Matrix?
    /// A row of `H` zeros: the state before the first step (and its unused gradient).
    private var zeros: Matrix?
    /// Backward workspaces: gate gradients of the input and of the recurrent products (`maxBatch·T x 3H`)
    /// and the running hidden-state gradient (two `maxBatch x H` buffers, swapped per step).
    private var inputGateGradient: Matrix?
    private var hiddenGateGradient: Matrix?
    private var stateGradient: Matrix?
    private var nextStateGradient: Matrix?

    /// A GRU over sequences of `steps` rows of `inputs` to hidden states of `hidden`, for batches of up
    /// to `maxBatch` sequences; `allSteps` outputs every step rather than the last.
    public init(inputs: Int, hidden: Int, steps: Int, allSteps: Bool, maxBatch: Int) {
        precondition(inputs > 0 && hidden > 0 && steps > 0 && maxBatch > 0,
                     "GRU needs positive sizes, got \(inputs) -> \(hidden), \(steps) steps, batch \(maxBatch)")
        inputWidth = inputs
        hiddenWidth = hidden
        self.steps = steps
        self.allSteps = allSteps
        self.maxBatch = maxBatch
    }

    public func bind(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {
        let h3 = 3 * hiddenWidth
        let offsets = [0, h3 * inputWidth, h3 * inputWidth + h3 * hiddenWidth, h3 * inputWidth + h3 * hiddenWidth + h3]
        inputWeight = MatrixView(base: parameters, rows: h3, columns: inputWidth)
        hiddenWeight = MatrixView(base: parameters + offsets[1], rows: h3, columns: hiddenWidth)
        inputBias = parameters + offsets[2]
        hiddenBias = parameters + offsets[3]
        inputWeightGradient = MatrixView(base: gradients, rows: h3, columns: inputWidth)
        hiddenWeightGradient = MatrixView(base: gradients + offsets[1], rows: h3, columns: hiddenWidth)
        inputBiasGradient = gradients + offsets[2]
        hiddenBiasGradient = gradients + offsets[3]
    }

    /// PyTorch's initialisation: every parameter uniform in `±1/sqrt(H)`.
    public func initializeParameters(using generator: inout RandomGenerator) throws {
        let limit = 1 / Float(hiddenWidth).squareRoot()
        generator.fillUniform(UnsafeMutableBufferPointer(start: bound(inputWeight).base, count: parameterCount), -limit, limit)
    }

    private func forwardWorkspaces() -> (gates: MatrixView, candidate: MatrixView, states: MatrixView, recurrent: MatrixView) {
        if gates == nil {
            let rows = maxBatch * steps
            gates = Matrix(rows: rows, columns: 3 * hiddenWidth)
            hiddenCandidate = Matrix(rows: rows, columns: hiddenWidth)
            states = Matrix(rows: rows, columns: hiddenWidth)
            recurrent = Matrix(rows: maxBatch, columns: 3 * hiddenWidth)
            zeros = Matrix(rows: 1, columns: hiddenWidth)
        }
        return (bound(gates).view, bound(hiddenCandidate).view, bound(states).view, bound(recurrent).view)
    }

    /// Rows `b*T + t` of `matrix` for every sample `b < batch`: step `t` of the batch, as a strided view.
    @inline(__always)
    private func step(_ t: Int, of matrix: MatrixView, batch: Int) -> MatrixView {
        MatrixView(base: matrix.base + t * matrix.rowStride, rows: batch, columns: matrix.columns,
                   rowStride: matrix.rowStride * steps)
    }

    public func forward(_ x: MatrixView, into y: MatrixView) {
        let batch = x.rows / steps
        precondition(x.rows == batch * steps && batch <= maxBatch && x.columns == inputWidth,
                     "GRU reads up to \(maxBatch) sequences of \(steps) x \(inputWidth), got \(x.rows)x\(x.columns)")
        precondition(y.columns == hiddenWidth && y.rows == (allSteps ? batch * steps : batch),
                     "GRU output is \(y.rows)x\(y.columns), expected \(allSteps ? batch * steps : batch)x\(hiddenWidth)")
        let work = forwardWorkspaces()
        let rows = batch * steps, h = hiddenWidth
        let gates = work.gates.rows(0..<rows), candidate = work.candidate.rows(0..<rows), states = work.states.rows(0..<rows)
        let recurrent = work.recurrent.rows(0..<batch)
        BLAS.gemm(x, bound(inputWeight), transposeB: true, into: gates)
        Kernels.addBias(bound(inputBias), to: gates)
        let bhh = bound(hiddenBias), whh = bound(hiddenWeight)
        for t in 0..<steps {
            if t > 0 {
                BLAS.gemm(step(t - 1, of: states, batch: batch), whh, transposeB: true, into: recurrent)
            } else {
                recurrent.fill(0)
            }
            let zero = bound(zeros).view.base
            for b in 0..<batch {
                let row = b * steps + t
                let g = gates.rowPointer(row), c = candidate.rowPointer(row), s = states.rowPointer(row)
                let previous = t > 0 ? states.rowPointer(row - 1) : zero
                // The recurrent row becomes scratch: -(r, z pre-activations), then -2 x n's.
                let p = recurrent.rowPointer(b)
                for j in 0..<(2 * h) { p[j] = -(g[j] + p[j] + bhh[j]) }
                for j in 0..<h { c[j] = p[2 * h + j] + bhh[2 * h + j] }
                Kernels.vectorisedExp(p, into: p, count: 2 * h)
                for j in 0..<(2 * h) { g[j] = 1 / (1 + p[j]) }       // r, z = σ(a) = 1 / (1 + e^-a)
                for j in 0..<h { p[2 * h + j] = -2 * (g[2 * h + j] + g[j] * c[j]) }
                Kernels.vectorisedExp(p + 2 * h, into: p + 2 * h, count: h)
                for j in 0..<h {
                    let n = 2 / (1 + p[2 * h + j]) - 1                // tanh(a) = 2σ(2a) - 1
                    let z = g[h + j]
                    g[2 * h + j] = n
                    s[j] = (1 - z) * n + z * previous[j]
                }
            }
        }
        if allSteps {
            y.copy(from: states)
        } else {
            y.copy(from: step(steps - 1, of: states, batch: batch))
        }
    }

    public func backward(input x: MatrixView, output y: MatrixView, outputGradient dy: MatrixView,
                         inputGradient dx: MatrixView?, accumulate: Bool) {
        let batch = x.rows / steps
        precondition(gates != nil && x.rows == batch * steps && batch <= maxBatch, "GRU backward needs the forward pass of its batch")
        precondition(dy.columns == hiddenWidth && dy.rows == (allSteps ? batch * steps : batch),
                     "GRU output gradient is \(dy.rows)x\(dy.columns), expected \(allSteps ? batch * steps : batch)x\(hiddenWidth)")
        if inputGateGradient == nil {
            inputGateGradient = Matrix(rows: maxBatch * steps, columns: 3 * hiddenWidth)
            hiddenGateGradient = Matrix(rows: maxBatch * steps, columns: 3 * hiddenWidth)
            stateGradient = Matrix(rows: maxBatch, columns: hiddenWidth)
            nextStateGradient = Matrix(rows: maxBatch, columns: hiddenWidth)
        }
        let rows = batch * steps, h = hiddenWidth
        let gates = bound(gates).rows(0..<rows), candidate = bound(hiddenCandidate).rows(0..<rows)
        let states = bound(states).rows(0..<rows)
        let dGi = bound(inputGateGradient).rows(0..<rows), dGh = bound(hiddenGateGradient).rows(0..<rows)
        var current = bound(stateGradient).rows(0..<batch), next = bound(nextStateGradient).rows(0..<batch)
        let whh = bound(hiddenWeight), dWhh = bound(hiddenWeightGradient)
        if allSteps { current.fill(0) } else { current.copy(from: dy) }
        if !accumulate { dWhh.fill(0) }
        let zero = bound(zeros).view.base
        for t in stride(from: steps - 1, through: 0, by: -1) {
            for b in 0..<batch {
                let row = b * steps + t
                let g = gates.rowPointer(row), c = candidate.rowPointer(row)
                let gi = dGi.rowPointer(row), gh = dGh.rowPointer(row)
                let dh = current.rowPointer(b), carry = next.rowPointer(b)
                let previous = t > 0 ? states.rowPointer(row - 1) : zero
                let direct = allSteps ? dy.rowPointer(row) : zero
                // Short loops over few pointers, so the compiler vectorises each (with run-time alias checks).
                for j in 0..<h { dh[j] += direct[j] }
                for j in 0..<h {
                    let z = g[h + j], n = g[2 * h + j]
                    gi[2 * h + j] = dh[j] * (1 - z) * (1 - n * n)                 // n pre-activation
                    gi[h + j] = dh[j] * (previous[j] - n) * z * (1 - z)           // z pre-activation
                }
                for j in 0..<h {
                    let r = g[j]
                    gi[j] = gi[2 * h + j] * c[j] * r * (1 - r)                    // r pre-activation
                }
                gh.update(from: gi, count: 2 * h)
                for j in 0..<h { gh[2 * h + j] = gi[2 * h + j] * g[j] }           // through r * (W_hn h + b_hn)
                for j in 0..<h { carry[j] = dh[j] * g[h + j] }                    // h_{t-1} directly
            }
            if t > 0 {
                let stepGradient = step(t, of: dGh, batch: batch)
                BLAS.gemm(stepGradient, whh, into: next, beta: 1)
                BLAS.gemm(stepGradient, transposeA: true, step(t - 1, of: states, batch: batch), into: dWhh, beta: 1)
            }
            swap(&current, &next)
        }
        BLAS.gemm(dGi, transposeA: true, x, into: bound(inputWeightGradient), beta: accumulate ? 1 : 0)
        Kernels.biasGradient(dGi, into: bound(inputBiasGradient), accumulate: accumulate)
        Kernels.biasGradient(dGh, into: bound(hiddenBiasGradient), accumulate: accumulate)
        if let dx { BLAS.gemm(dGi, bound(inputWeight), into: dx) }
    }
}

/// What a `gru` layer outputs.
public enum GRUOutput: String, Codable, Equatable, Sendable {
    /// The last hidden state of each sequence: `B x H` (an agent's trunk).
    case last
    /// Every step's hidden state: `B·T x H` (for a pooling or another sequence layer after it).
    case steps
}

/// The `gru` layer kind: a `GRU` of `hidden` units over the sequence from the layer before (rows of
/// `inputs`; a dense input is a sequence of one step), outputting the last state or every step.
///
/// JSON: `{"gru":{"inputs":16,"hidden":64,"output":"last"}}`.
public struct GRUKind: LayerKind {
    public static let name = "gru"
    /// Input width `D`.
    public var inputs: Int
    /// Hidden size `H`.
    public var hidden: Int
    /// The last state (`B x H`) or every step (`B·T x H`).
    public var output: GRUOutput

    /// A GRU from rows of `inputs` to `hidden` units, outputting `output`.
    public init(inputs: Int, hidden: Int, output: GRUOutput = .last) {
        self.inputs = inputs
        self.hidden = hidden
        self.output = output
    }

    public func makeLayer(input: InputShape, maxBatch: Int) throws -> (layer: any NetworkLayer, output: InputShape) {
        try requireSize(inputs, "gru inputs")
        try requireSize(hidden, "gru hidden")
        try requireWidth(inputs, of: input, for: Self.name)
        let steps = input.steps
        // Workspaces hold maxBatch·T rows of 3H; parameters 3H(D + H + 2).
        try requireProduct([maxBatch, steps, 3, hidden], "gru workspace (maxBatch x steps x 3 x hidden)")
        try requireProduct([3, hidden, inputs + hidden + 2], "gru parameters")
        let layer = GRU(inputs: inputs, hidden: hidden, steps: steps, allSteps: output == .steps, maxBatch: maxBatch)
        return (layer, output == .steps ? .floats(steps: steps, width: hidden) : .dense(width: hidden))
    }
}

/// Throws unless `value` is a size in `1...Checkpoint.maximumLayerWidth`, naming `field`.
func requireSize(_ value: Int, _ field: String) throws {
    guard (1...Checkpoint.maximumLayerWidth).contains(value) else {
        throw NetworkError.invalidArchitecture("\(field) must be in 1...\(Checkpoint.maximumLayerWidth), got \(value)")
    }
}

/// Throws unless the product of `factors` is at most 2^31 elements (8 GiB of floats), naming `field`.
func requireProduct(_ factors: [Int], _ field: String) throws {
    var total = 1
    for factor in factors {
        let (product, overflow) = total.multipliedReportingOverflow(by: factor)
        guard !overflow, product <= 1 << 31 else {
            throw NetworkError.invalidArchitecture("\(field) holds \(factors.map(String.init).joined(separator: " x ")) elements, more than 2^31")
        }
        total = product
    }
}

extension LayerSpec {
    /// A GRU from rows of `inputs` to `hidden` units over the sequence from the layer before; `output`
    /// `.last` gives `B x hidden`, `.steps` gives `B·T x hidden`.
    public static func gru(inputs: Int, hidden: Int, output: GRUOutput = .last) -> LayerSpec {
        LayerSpec(GRUKind(inputs: inputs, hidden: hidden, output: output))
    }
}
