import RecoTestSupport
import Testing
@testable import RecoTensor

@Suite struct BLASTests {
    /// Plain triple loop in Double: c = alpha op(a) op(b) + beta c.
    func referenceGemm(_ a: Matrix, _ transposeA: Bool, _ b: Matrix, _ transposeB: Bool, _ c: [Float],
                       m: Int, n: Int, k: Int, alpha: Float, beta: Float) -> [Float] {
        var result = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum: Double = 0
                for p in 0..<k {
                    let x = transposeA ? a[p, i] : a[i, p]
                    let y = transposeB ? b[j, p] : b[p, j]
                    sum += Double(x) * Double(y)
                }
                result[i * n + j] = Float(Double(alpha) * sum + Double(beta) * Double(c[i * n + j]))
            }
        }
        return result
    }

    @Test(arguments: [(1, 1, 1), (3, 5, 7), (17, 9, 13), (64, 33, 31), (2, 100, 1)])
    func gemmMatchesPlainLoopsForEveryTransposeAndScaling(shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        var generator = RandomGenerator(seed: 11)
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                for (alpha, beta) in [(Float(1), Float(0)), (0.5, 1), (-2, 0.25)] {
                    let a = transposeA ? randomMatrix(k, m, &generator) : randomMatrix(m, k, &generator)
                    let b = transposeB ? randomMatrix(n, k, &generator) : randomMatrix(k, n, &generator)
                    let c = randomMatrix(m, n, &generator)
                    let before = c.toArray()
                    BLAS.gemm(a.view, transposeA: transposeA, b.view, transposeB: transposeB, into: c.view,
                              alpha: alpha, beta: beta)
                    let expected = referenceGemm(a, transposeA, b, transposeB, before, m: m, n: n, k: k,
                                                 alpha: alpha, beta: beta)
                    #expect(allClose(c.toArray(), expected, absolute: 1e-4, relative: 1e-4),
                            "gemm \(m)x\(n)x\(k) tA=\(transposeA) tB=\(transposeB) alpha=\(alpha) beta=\(beta)")
                }
            }
        }
    }

    @Test func gemmWorksOnRowAndColumnViewsWithoutCopies() {
        var generator = RandomGenerator(seed: 12)
        let big = randomMatrix(10, 12, &generator)
        let a = big.view.rows(2..<7).columns(1..<5)      // 5x4, stride 12
        let b = randomMatrix(4, 3, &generator)
        let c = Matrix(rows: 5, columns: 3)
        BLAS.gemm(a, b.view, into: c.view)
        let aCopy = Matrix(copying: a)
        let expected = referenceGemm(aCopy, false, b, false, [Float](repeating: 0, count: 15), m: 5, n: 3, k: 4,
                                     alpha: 1, beta: 0)
        #expect(allClose(c.toArray(), expected))
    }

    @Test func vectorRoutinesMatchPlainLoops() {
        var generator = RandomGenerator(seed: 13)
        let n = 37
        let x = randomMatrix(1, n, &generator).toArray()
        var y = randomMatrix(1, n, &generator).toArray()
        let y0 = y
        BLAS.axpy(count: n, alpha: 0.5, x, &y)
        #expect(allClose(y, zip(x, y0).map { 0.5 * $0 + $1 }))
        y = y0
        BLAS.axpby(count: n, alpha: 0.25, x, beta: 0.75, &y)
        #expect(allClose(y, zip(x, y0).map { 0.25 * $0 + 0.75 * $1 }))
        y = y0
        BLAS.scal(count: n, alpha: -3, &y)
        #expect(allClose(y, y0.map { -3 * $0 }))
        let dot = BLAS.dot(count: n, x, y0)
        #expect(abs(dot - zip(x, y0).map { $0 * $1 }.reduce(0, +)) < 1e-4)

        let a = randomMatrix(6, 5, &generator)
        let v = randomMatrix(1, 6, &generator).toArray()
        var out = [Float](repeating: 0, count: 5)
        BLAS.gemv(a.view, transpose: true, v, into: &out)
        let expected = (0..<5).map { j in (0..<6).map { a[$0, j] * v[$0] }.reduce(0, +) }
        #expect(allClose(out, expected, absolute: 1e-5, relative: 1e-4))
    }

    @Test func scaleByZeroClearsEvenNaN() {
        let m = Matrix(rows: 2, columns: 3, values: [1, .nan, 3, 4, 5, .infinity])
        BLAS.scale(m.view, by: 0)
        #expect(m.toArray() == [0, 0, 0, 0, 0, 0])
    }
}
