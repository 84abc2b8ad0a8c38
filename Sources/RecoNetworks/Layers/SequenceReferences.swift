import Foundation

/// Forward output and gradients of a plain reference pass (all in Double).
struct ReferencePasses {
    /// The layer's output, row-major.
    var output: [Double]
    /// Gradients of every parameter, in store order.
    var parameterGradient: [Double]
    /// Gradient with respect to the input, row-major.
    var inputGradient: [Double]
}

// Plain references for the sequence encoders: naive loops over sample, step and unit with Double
// accumulation, written from the equations and independent of the tuned layers' buffers and BLAS
// calls. The tests compare the tuned layers with them.

extension GRU {
    /// Reference forward and backward of a GRU with parameters `w` (store order) on `x`
    /// (`batch·steps x inputs`) given the output gradient `dy`.
    static func referencePasses(parameters w: [Float], input x: [Float], batch: Int, steps: Int, inputs: Int,
                                hidden: Int, allSteps: Bool, outputGradient dy: [Float]) -> ReferencePasses {
        let D = inputs, H = hidden, T = steps, H3 = 3 * hidden
        let wih = 0, whh = H3 * D, bih = whh + H3 * H, bhh = bih + H3
        func p(_ i: Int) -> Double { Double(w[i]) }
        var output = [Double](repeating: 0, count: (allSteps ? batch * T : batch) * H)
        var gradient = [Double](repeating: 0, count: w.count)
        var dx = [Double](repeating: 0, count: x.count)
        for b in 0..<batch {
            // Forward, keeping every step's gates and state.
            var hs = [[Double]](repeating: [Double](repeating: 0, count: H), count: T + 1)  // hs[t + 1] = h_t
            var rs = hs, zs = hs, ns = hs, hns = hs
            for t in 0..<T {
                let xr = (b * T + t) * D
                for j in 0..<H {
                    var gi = [0.0, 0.0, 0.0], gh = [0.0, 0.0, 0.0]
                    for g in 0..<3 {
                        let unit = g * H + j
                        var s = p(bih + unit)
                        for i in 0..<D { s += p(wih + unit * D + i) * Double(x[xr + i]) }
                        gi[g] = s
                        var q = p(bhh + unit)
                        for i in 0..<H { q += p(whh + unit * H + i) * hs[t][i] }
                        gh[g] = q
                    }
                    let r = 1 / (1 + exp(-(gi[0] + gh[0])))
                    let z = 1 / (1 + exp(-(gi[1] + gh[1])))
                    let n = tanh(gi[2] + r * gh[2])
                    rs[t][j] = r; zs[t][j] = z; ns[t][j] = n; hns[t][j] = gh[2]
                    hs[t + 1][j] = (1 - z) * n + z * hs[t][j]
                }
                if allSteps { for j in 0..<H { output[(b * T + t) * H + j] = hs[t + 1][j] } }
            }
            if !allSteps { for j in 0..<H { output[b * H + j] = hs[T][j] } }
            // Backward through time.
            var dh = [Double](repeating: 0, count: H)
            if !allSteps { for j in 0..<H { dh[j] = Double(dy[b * H + j]) } }
            for t in stride(from: T - 1, through: 0, by: -1) {
                if allSteps { for j in 0..<H { dh[j] += Double(dy[(b * T + t) * H + j]) } }
                var dgi = [Double](repeating: 0, count: H3), dgh = [Double](repeating: 0, count: H3)
                var dprev = [Double](repeating: 0, count: H)
                for j in 0..<H {
                    let r = rs[t][j], z = zs[t][j], n = ns[t][j]
                    let dn = dh[j] * (1 - z) * (1 - n * n)
                    let dz = dh[j] * (hs[t][j] - n) * z * (1 - z)
                    let dr = dn * hns[t][j] * r * (1 - r)
                    dgi[j] = dr; dgi[H + j] = dz; dgi[2 * H + j] = dn
                    dgh[j] = dr; dgh[H + j] = dz; dgh[2 * H + j] = dn * r
                    dprev[j] += dh[j] * z
                }
                let xr = (b * T + t) * D
                for unit in 0..<H3 {
                    gradient[bih + unit] += dgi[unit]
                    gradient[bhh + unit] += dgh[unit]
                    for i in 0..<D {
                        gradient[wih + unit * D + i] += dgi[unit] * Double(x[xr + i])
                        dx[xr + i] += dgi[unit] * p(wih + unit * D + i)
                    }
                    for i in 0..<H {
                        gradient[whh + unit * H + i] += dgh[unit] * hs[t][i]
                        dprev[i] += dgh[unit] * p(whh + unit * H + i)
                    }
                }
                dh = dprev
            }
        }
        return ReferencePasses(output: output, parameterGradient: gradient, inputGradient: dx)
    }
}

extension SelfAttention {
    /// Reference forward and backward of the block with parameters `w` (store order) on `x`
    /// (`batch·steps x width`) given the output gradient `dy`.
    static func referencePasses(parameters w: [Float], input x: [Float], batch: Int, steps: Int, width: Int,
                                heads: Int, epsilon: Double, outputGradient dy: [Float]) -> ReferencePasses {
        let T = steps, D = width, d = width / heads
        let pos = 0, gamma = T * D, beta = gamma + D, win = beta + D, bin = win + 3 * D * D, wout = bin + 3 * D
        let bout = wout + D * D
        func p(_ i: Int) -> Double { Double(w[i]) }
        let scale = 1 / Double(d).squareRoot()
        var output = [Double](repeating: 0, count: x.count)
        var gradient = [Double](repeating: 0, count: w.count)
        var dx = [Double](repeating: 0, count: x.count)
        for b in 0..<batch {
            // Forward.
            var u = [[Double]](repeating: [Double](repeating: 0, count: D), count: T)
            var xhat = u, a = u, o = u
            var inverse = [Double](repeating: 0, count: T)
            var qkv = [[Double]](repeating: [Double](repeating: 0, count: 3 * D), count: T)
            for t in 0..<T {
                for j in 0..<D { u[t][j] = Double(x[(b * T + t) * D + j]) + p(pos + t * D + j) }
                let mean = u[t].reduce(0, +) / Double(D)
                let variance = u[t].reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(D)
                inverse[t] = 1 / (variance + epsilon).squareRoot()
                for j in 0..<D {
                    xhat[t][j] = (u[t][j] - mean) * inverse[t]
                    a[t][j] = xhat[t][j] * p(gamma + j) + p(beta + j)
                }
                for c in 0..<(3 * D) {
                    var s = p(bin + c)
                    for j in 0..<D { s += p(win + c * D + j) * a[t][j] }
                    qkv[t][c] = s
                }
            }
            var probabilities = [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: 0, count: T), count: T), count: heads)
            for k in 0..<heads {
                for t in 0..<T {
                    var scores = [Double](repeating: 0, count: T)
                    for s in 0..<T {
                        var dot = 0.0
                        for i in 0..<d { dot += qkv[t][k * d + i] * qkv[s][D + k * d + i] }
                        scores[s] = dot * scale
                    }
                    let m = scores.max() ?? 0
                    let e = scores.map { exp($0 - m) }
                    let total = e.reduce(0, +)
                    probabilities[k][t] = e.map { $0 / total }
                    for i in 0..<d {
                        var s = 0.0
                        for v in 0..<T { s += probabilities[k][t][v] * qkv[v][2 * D + k * d + i] }
                        o[t][k * d + i] = s
                    }
                }
            }
            for t in 0..<T {
                for j in 0..<D {
                    var s = p(bout + j)
                    for i in 0..<D { s += p(wout + j * D + i) * o[t][i] }
                    output[(b * T + t) * D + j] = u[t][j] + s
                }
            }
            // Backward.
            var du = [[Double]](repeating: [Double](repeating: 0, count: D), count: T)
            var dout = du, da = du
            var dqkv = [[Double]](repeating: [Double](repeating: 0, count: 3 * D), count: T)
            for t in 0..<T {
                for j in 0..<D {
                    let g = Double(dy[(b * T + t) * D + j])
                    du[t][j] = g
                    gradient[bout + j] += g
                    for i in 0..<D {
                        gradient[wout + j * D + i] += g * o[t][i]
                        dout[t][i] += g * p(wout + j * D + i)
                    }
                }
            }
            for k in 0..<heads {
                for t in 0..<T {
                    var dp = [Double](repeating: 0, count: T)
                    for s in 0..<T {
                        for i in 0..<d {
                            dp[s] += dout[t][k * d + i] * qkv[s][2 * D + k * d + i]
                            dqkv[s][2 * D + k * d + i] += probabilities[k][t][s] * dout[t][k * d + i]
                        }
                    }
                    var inner = 0.0
                    for s in 0..<T { inner += dp[s] * probabilities[k][t][s] }
                    for s in 0..<T {
                        let ds = probabilities[k][t][s] * (dp[s] - inner) * scale
                        for i in 0..<d {
                            dqkv[t][k * d + i] += ds * qkv[s][D + k * d + i]
                            dqkv[s][D + k * d + i] += ds * qkv[t][k * d + i]
                        }
                    }
                }
            }
            for t in 0..<T {
                for c in 0..<(3 * D) {
                    gradient[bin + c] += dqkv[t][c]
                    for j in 0..<D {
                        gradient[win + c * D + j] += dqkv[t][c] * a[t][j]
                        da[t][j] += dqkv[t][c] * p(win + c * D + j)
                    }
                }
                var meanG = 0.0, meanGX = 0.0
                for j in 0..<D {
                    gradient[gamma + j] += da[t][j] * xhat[t][j]
                    gradient[beta + j] += da[t][j]
                    let g = da[t][j] * p(gamma + j)
                    meanG += g
                    meanGX += g * xhat[t][j]
                }
                meanG /= Double(D)
                meanGX /= Double(D)
                for j in 0..<D {
                    let g = da[t][j] * p(gamma + j)
                    du[t][j] += inverse[t] * (g - meanG - xhat[t][j] * meanGX)
                    gradient[pos + t * D + j] += du[t][j]
                    dx[(b * T + t) * D + j] = du[t][j]
                }
            }
        }
        return ReferencePasses(output: output, parameterGradient: gradient, inputGradient: dx)
    }
}
