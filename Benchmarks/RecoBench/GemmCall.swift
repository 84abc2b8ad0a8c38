import RecoTensor

/// One matrix product of a training step, with its own operands, so it can be timed alone.
struct GemmCall {
    let m: Int, n: Int, k: Int
    let transposeA: Bool, transposeB: Bool
    let a: Matrix, b: Matrix, c: Matrix

    init(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, generator: inout RandomGenerator) {
        self.m = m
        self.n = n
        self.k = k
        self.transposeA = transposeA
        self.transposeB = transposeB
        a = transposeA ? Matrix(rows: k, columns: m) : Matrix(rows: m, columns: k)
        b = transposeB ? Matrix(rows: n, columns: k) : Matrix(rows: k, columns: n)
        c = Matrix(rows: m, columns: n)
        generator.fillUniform(a.view.flat, -1, 1)
        generator.fillUniform(b.view.flat, -1, 1)
    }

    var flops: Double { 2 * Double(m) * Double(n) * Double(k) }

    func run() { BLAS.gemm(a.view, transposeA: transposeA, b.view, transposeB: transposeB, into: c.view) }

    var label: String {
        "\(m)x\(k)\(transposeA ? "ᵀ" : "") * \(transposeB ? "(\(n)x\(k))ᵀ" : "\(k)x\(n)")"
    }

    /// The products a forward and backward pass of an MLP with these layer widths makes at batch `batch`,
    /// in the engine's layout (`y = x W^T`, `dW = dy^T x`, `dx = dy W`; no `dx` for the first layer).
    static func mlpStep(widths: [Int], batch: Int, generator: inout RandomGenerator) -> [GemmCall] {
        var calls: [GemmCall] = []
        for layer in 0..<(widths.count - 1) {
            let inputs = widths[layer], outputs = widths[layer + 1]
            calls.append(GemmCall(m: batch, n: outputs, k: inputs, transposeA: false, transposeB: true, generator: &generator))
            calls.append(GemmCall(m: outputs, n: inputs, k: batch, transposeA: true, transposeB: false, generator: &generator))
            if layer > 0 {
                calls.append(GemmCall(m: batch, n: inputs, k: outputs, transposeA: false, transposeB: false, generator: &generator))
            }
        }
        return calls
    }

    /// The products of a forward pass only (`y = x W^T` per layer).
    static func mlpForward(widths: [Int], batch: Int, generator: inout RandomGenerator) -> [GemmCall] {
        (0..<(widths.count - 1)).map { layer in
            GemmCall(m: batch, n: widths[layer + 1], k: widths[layer], transposeA: false, transposeB: true, generator: &generator)
        }
    }
}
