import Foundation
import RecoTestSupport
import Testing
@testable import RecoTensor

@Suite struct ActivationKernelTests {
    /// The tuned relu kernels agree bit for bit with their plain references, including strided views.
    @Test(arguments: oddShapes)
    func reluKernelsMatchReferences(shape: (Int, Int)) {
        var generator = RandomGenerator(seed: 31)
        let parent = randomMatrix(shape.0, shape.1 + 3, &generator)
        let x = parent.view.columns(1..<(shape.1 + 1))
        let fast = Matrix(rows: shape.0, columns: shape.1), plain = Matrix(rows: shape.0, columns: shape.1)
        Kernels.relu(x, into: fast.view)
        Kernels.reluReference(x, into: plain.view)
        #expect(fast.toArray() == plain.toArray())

        let dy = randomMatrix(shape.0, shape.1, &generator)
        let dxFast = Matrix(rows: shape.0, columns: shape.1), dxPlain = Matrix(rows: shape.0, columns: shape.1)
        Kernels.reluBackward(output: fast.view, outputGradient: dy.view, into: dxFast.view)
        Kernels.reluBackwardReference(output: fast.view, outputGradient: dy.view, into: dxPlain.view)
        #expect(dxFast.toArray() == dxPlain.toArray())
    }

    @Test(arguments: [0, 1, 17, 4096, 4097, 100_003])
    func sumOfSquaresMatchesItsReference(count: Int) {
        var generator = RandomGenerator(seed: 35)
        let values = (0..<count).map { _ in generator.uniform(-2, 2) }
        let fast = Kernels.sumOfSquares(values, count: count)
        let plain = Kernels.sumOfSquaresReference(values, count: count)
        #expect(abs(fast - plain) <= 1e-5 * max(1, plain))
        #expect(Kernels.sumOfSquares(values, count: count) == fast)
    }

    @Test func reluRunsInPlace() {
        let m = Matrix(rows: 1, columns: 4, values: [-1, 0, 2, -0.5])
        Kernels.relu(m.view, into: m.view)
        #expect(m.toArray() == [0, 0, 2, 0])
    }

    @Test(arguments: oddShapes)
    func biasKernelsMatchReferences(shape: (Int, Int)) {
        var generator = RandomGenerator(seed: 32)
        let bias = randomMatrix(1, shape.1, &generator)
        let x = randomMatrix(shape.0, shape.1, &generator)
        let y = x.copy()
        Kernels.addBias(bias.view.base, to: x.view)
        Kernels.addBiasReference(bias.view.base, to: y.view)
        #expect(x.toArray() == y.toArray())

        for accumulate in [false, true] {
            var fast = bias.toArray(), plain = bias.toArray()
            Kernels.biasGradient(x.view, into: &fast, accumulate: accumulate)
            Kernels.biasGradientReference(x.view, into: &plain, accumulate: accumulate)
            #expect(fast == plain)
            let expected = (0..<shape.1).map { j in
                (0..<shape.0).reduce(accumulate ? bias[0, j] : 0) { $0 + x[$1, j] }
            }
            #expect(allClose(fast, expected))
        }
    }

    @Test func smoothActivationsMatchTheirDefinitions() {
        var generator = RandomGenerator(seed: 33)
        let x = randomMatrix(7, 13, &generator, lower: -4, upper: 4)
        let y = Matrix(rows: 7, columns: 13)
        let values = x.toArray()
        Kernels.tanh(x.view, into: y.view)
        #expect(allClose(y.toArray(), values.map { Foundation.tanh($0) }))
        Kernels.sigmoid(x.view, into: y.view)
        #expect(allClose(y.toArray(), values.map { 1 / (1 + Foundation.exp(-$0)) }))
        Kernels.exp(x.view, into: y.view)
        #expect(allClose(y.toArray(), values.map { Foundation.exp($0) }))
        let positive = randomMatrix(7, 13, &generator, lower: 0.1, upper: 5)
        Kernels.log(positive.view, into: y.view)
        #expect(allClose(y.toArray(), positive.toArray().map { Foundation.log($0) }))
    }

    @Test func sigmoidDoesNotOverflowForLargeInputs() {
        let x = Matrix(rows: 1, columns: 4, values: [-1000, -90, 90, 1000])
        let y = Matrix(rows: 1, columns: 4)
        Kernels.sigmoid(x.view, into: y.view)
        #expect(y.toArray().allSatisfy { $0.isFinite })
        #expect(y[0, 0] == 0 && y[0, 3] == 1)
    }

    /// Each derivative kernel agrees with central differences of its forward kernel (in Double).
    @Test func activationDerivativesMatchFiniteDifferences() {
        var generator = RandomGenerator(seed: 34)
        let x = randomMatrix(3, 11, &generator, lower: 0.2, upper: 2)   // away from relu's kink and log's pole
        let dy = randomMatrix(3, 11, &generator)
        typealias Forward = (MatrixView, MatrixView) -> Void
        typealias Backward = (MatrixView, MatrixView, MatrixView, MatrixView) -> Void  // x, y, dy, dx
        let cases: [(String, Forward, Backward, (Double) -> Double)] = [
            ("relu", { Kernels.relu($0, into: $1) }, { _, y, dy, dx in Kernels.reluBackward(output: y, outputGradient: dy, into: dx) }, { max($0, 0) }),
            ("tanh", { Kernels.tanh($0, into: $1) }, { _, y, dy, dx in Kernels.tanhBackward(output: y, outputGradient: dy, into: dx) }, { Foundation.tanh($0) }),
            ("sigmoid", { Kernels.sigmoid($0, into: $1) }, { _, y, dy, dx in Kernels.sigmoidBackward(output: y, outputGradient: dy, into: dx) }, { 1 / (1 + Foundation.exp(-$0)) }),
            ("exp", { Kernels.exp($0, into: $1) }, { _, y, dy, dx in Kernels.expBackward(output: y, outputGradient: dy, into: dx) }, { Foundation.exp($0) }),
            ("log", { Kernels.log($0, into: $1) }, { x, _, dy, dx in Kernels.logBackward(input: x, outputGradient: dy, into: dx) }, { Foundation.log($0) }),
        ]
        for (name, forward, backward, function) in cases {
            let y = Matrix(rows: 3, columns: 11), dx = Matrix(rows: 3, columns: 11)
            forward(x.view, y.view)
            backward(x.view, y.view, dy.view, dx.view)
            let h = 1e-6
            for r in 0..<3 {
                for j in 0..<11 {
                    let v = Double(x[r, j])
                    let numeric = Double(dy[r, j]) * GradientCheck.centralDifference(at: v, step: h, function)
                    #expect(abs(Double(dx[r, j]) - numeric) <= 1e-5 + 1e-4 * abs(numeric), "\(name) at \(v)")
                }
            }
        }
    }
}
