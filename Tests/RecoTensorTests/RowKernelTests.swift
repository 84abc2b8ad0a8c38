import Foundation
import RecoTestSupport
import Testing
@testable import RecoTensor

@Suite struct RowKernelTests {
    func rowsOf(_ m: Matrix) -> [[Float]] { (0..<m.rows).map { r in (0..<m.columns).map { m[r, $0] } } }

    func logSumExpReference(_ row: [Float]) -> Double {
        let m = Double(row.max()!)
        return m + Foundation.log(row.reduce(0.0) { $0 + Foundation.exp(Double($1) - m) })
    }

    @Test(arguments: oddShapes)
    func reductionsMatchPlainLoops(shape: (Int, Int)) {
        var generator = RandomGenerator(seed: 41)
        let x = randomMatrix(shape.0, shape.1, &generator, lower: -5, upper: 5)
        var maxima = [Float](repeating: 0, count: shape.0), sums = maxima, lse = maxima
        var argmax = [Int32](repeating: -1, count: shape.0)
        Kernels.rowMax(x.view, into: &maxima)
        Kernels.rowSum(x.view, into: &sums)
        Kernels.rowLogSumExp(x.view, into: &lse)
        Kernels.rowArgmax(x.view, into: &argmax)
        for (r, row) in rowsOf(x).enumerated() {
            #expect(maxima[r] == row.max()!)
            #expect(Int(argmax[r]) == row.firstIndex(of: row.max()!)!)
            #expect(abs(Double(sums[r]) - row.reduce(0.0) { $0 + Double($1) }) < 1e-4)
            #expect(abs(Double(lse[r]) - logSumExpReference(row)) < 1e-5 * max(1, abs(logSumExpReference(row))))
        }
    }

    /// The vectorised max and argmax agree exactly with their plain references, around the 16-lane
    /// width and with NaN and infinities sprinkled in.
    @Test(arguments: [1, 15, 16, 17, 33, 100, 1000])
    func maxAndArgmaxMatchReferences(columns: Int) {
        var generator = RandomGenerator(seed: 46)
        let x = randomMatrix(9, columns, &generator)
        for r in 0..<9 {
            for j in 0..<columns where generator.bernoulli(0.05) {
                x[r, j] = [Float.nan, .infinity, -.infinity][generator.index(below: 3)]
            }
        }
        for j in 0..<columns { x[0, j] = .nan; x[1, j] = -.infinity; x[2, j] = 0.5 }
        var fast = [Int32](repeating: -1, count: 9), plain = fast
        Kernels.rowArgmax(x.view, into: &fast)
        Kernels.rowArgmaxReference(x.view, into: &plain)
        #expect(fast == plain)
        var maxima = [Float](repeating: 0, count: 9)
        Kernels.rowMax(x.view, into: &maxima)
        for r in 0..<9 {
            let expected = Kernels.maximumReference(x.view.rowPointer(r), count: columns)
            #expect(maxima[r] == expected || (maxima[r].isNaN && expected.isNaN))
        }
    }

    @Test func argmaxOfEqualValuesIsTheFirstColumnAndSkipsNaN() {
        let x = Matrix(rows: 3, columns: 4, values: [2, 2, 2, 2, .nan, 1, 3, 3, -.infinity, -.infinity, -.infinity, -.infinity])
        var argmax = [Int32](repeating: -1, count: 3)
        Kernels.rowArgmax(x.view, into: &argmax)
        #expect(argmax == [0, 2, 0])
    }

    @Test func logSumExpHandlesLargeAndInfiniteValuesWithoutOverflow() {
        let x = Matrix(rows: 4, columns: 3, values: [
            1e30, 1e30, 0,                       // would overflow exp
            -1e30, -1e30, -1e30,                 // would underflow to log(0)
            -.infinity, -.infinity, -.infinity,  // empty support
            .infinity, 0, 1,
        ])
        var out = [Float](repeating: 0, count: 4)
        Kernels.rowLogSumExp(x.view, into: &out)
        #expect(abs(out[0] - 1e30) <= 1e30 * 1e-6)
        #expect(abs(out[1] - (-1e30)) <= 1e30 * 1e-6)
        #expect(out[2] == -.infinity)
        #expect(out[3] == .infinity)
        let big = Matrix(rows: 1, columns: 3, values: [100, 100, 100])
        Kernels.rowLogSumExp(big.view, into: &out)
        #expect(abs(out[0] - (100 + Foundation.log(3))) < 1e-4)
    }

    @Test(arguments: oddShapes)
    func softmaxAndLogSoftmaxMatchDoubleReferences(shape: (Int, Int)) {
        var generator = RandomGenerator(seed: 42)
        let x = randomMatrix(shape.0, shape.1, &generator, lower: -20, upper: 20)
        let p = Matrix(rows: shape.0, columns: shape.1), logp = Matrix(rows: shape.0, columns: shape.1)
        Kernels.softmax(x.view, into: p.view)
        Kernels.logSoftmax(x.view, into: logp.view)
        for (r, row) in rowsOf(x).enumerated() {
            let lse = logSumExpReference(row)
            var total: Float = 0
            for j in 0..<shape.1 {
                let expectedLog = Double(row[j]) - lse
                #expect(abs(Double(logp[r, j]) - expectedLog) < 1e-5 * max(1, abs(expectedLog)))
                #expect(abs(Double(p[r, j]) - Foundation.exp(expectedLog)) < 1e-6)
                total += p[r, j]
            }
            #expect(abs(total - 1) < 1e-5)
        }
        // In place gives the same result.
        let inPlace = x.copy()
        Kernels.softmax(inPlace.view, into: inPlace.view)
        #expect(inPlace.toArray() == p.toArray())
    }

    /// Softmax and log-softmax gradients agree with central differences of `sum(dy * f(x))`.
    @Test(arguments: [false, true])
    func softmaxGradientsMatchFiniteDifferences(logarithmic: Bool) {
        var generator = RandomGenerator(seed: 43)
        let rows = 3, columns = 7
        let x = randomMatrix(rows, columns, &generator, lower: -2, upper: 2)
        let dy = randomMatrix(rows, columns, &generator)
        let y = Matrix(rows: rows, columns: columns), dx = Matrix(rows: rows, columns: columns)
        func forward(_ input: MatrixView, _ output: MatrixView) {
            if logarithmic { Kernels.logSoftmax(input, into: output) } else { Kernels.softmax(input, into: output) }
        }
        forward(x.view, y.view)
        if logarithmic {
            Kernels.logSoftmaxBackward(output: y.view, outputGradient: dy.view, into: dx.view)
        } else {
            Kernels.softmaxBackward(output: y.view, outputGradient: dy.view, into: dx.view)
        }
        // Objective in Double from a Double softmax, so the differences are not limited by Float32.
        func objective(_ values: [Double], row: Int) -> Double {
            let m = values.max()!
            let lse = m + Foundation.log(values.reduce(0) { $0 + Foundation.exp($1 - m) })
            return values.enumerated().reduce(0) { total, item in
                let f = logarithmic ? item.element - lse : Foundation.exp(item.element - lse)
                return total + Double(dy[row, item.offset]) * f
            }
        }
        let numeric = GradientCheck.rowCentralDifferences(x, step: 1e-5) { objective($0, row: $1) }
        for r in 0..<rows {
            for j in 0..<columns {
                #expect(abs(Double(dx[r, j]) - numeric[r][j]) < 1e-5 + 1e-4 * abs(numeric[r][j]))
            }
        }
    }

    @Test func gatherScatterAndClearAddressOneColumnPerRow() {
        let x = Matrix(rows: 3, columns: 4, values: [0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23])
        let columns: [Int32] = [3, 0, 2]
        var gathered = [Float](repeating: 0, count: 3)
        Kernels.gatherColumns(x.view, columns: columns, into: &gathered)
        #expect(gathered == [3, 10, 22])

        let gradient = Matrix(rows: 3, columns: 4)
        Kernels.scatterColumns([1, 2, 3], columns: columns, into: gradient.view)
        #expect(gradient.toArray() == [0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 3, 0])
        Kernels.scatterColumns([1, 1, 1], columns: columns, into: gradient.view, accumulate: true)
        #expect(gradient.toArray() == [0, 0, 0, 2, 3, 0, 0, 0, 0, 0, 4, 0])
        Kernels.clearColumns(columns, in: gradient.view)
        #expect(gradient.toArray().allSatisfy { $0 == 0 })
    }

    @Test(arguments: [(1, 1, 1), (3, 50, 5), (4, 17, 17), (2, 1000, 10), (5, 9, 1)])
    func topKMatchesAFullSort(shape: (Int, Int, Int)) {
        let (rows, columns, k) = shape
        var generator = RandomGenerator(seed: 44)
        let x = randomMatrix(rows, columns, &generator)
        var indices = [Int32](repeating: -1, count: rows * k)
        var values = [Float](repeating: 0, count: rows * k)
        Kernels.topK(x.view, k: k, indices: &indices, values: &values)
        let expected = Kernels.topKReference(x.view, k: k)
        #expect(indices == expected.flatMap { $0 })
        for r in 0..<rows {
            for j in 0..<k { #expect(values[r * k + j] == x[r, Int(indices[r * k + j])]) }
        }
    }

    @Test func topKBreaksTiesByColumnAndHandlesAllEqualRows() {
        let x = Matrix(rows: 2, columns: 6, values: [5, 5, 5, 5, 5, 5, 1, 3, 3, 2, 3, 0])
        var indices = [Int32](repeating: -1, count: 2 * 4)
        Kernels.topK(x.view, k: 4, indices: &indices)
        #expect(indices == [0, 1, 2, 3, 1, 2, 4, 3])
        #expect(indices == Kernels.topKReference(x.view, k: 4).flatMap { $0 })
    }

    @Test func topKOverALargeCatalogueUsesEveryRow() {
        var generator = RandomGenerator(seed: 45)
        let x = randomMatrix(64, 5000, &generator)
        var indices = [Int32](repeating: -1, count: 64 * 10)
        Kernels.topK(x.view, k: 10, indices: &indices)
        #expect(indices == Kernels.topKReference(x.view, k: 10).flatMap { $0 })
    }
}
