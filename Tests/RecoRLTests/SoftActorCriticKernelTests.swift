import Foundation
import RecoTestSupport
import Testing
@testable import RecoRL
import RecoTensor

/// The discrete soft actor-critic kernels (`Kernels.softStateValues`, `Kernels.softActorLoss`) against their
/// Double references and against finite differences, over the logits tables of the categorical kernel tests.
@Suite struct SoftActorCriticKernelTests {
    static let batchSizes = [1, 3, 7]
    static let actionCounts = [1, 2, 3, 15, 16, 17, 33, 1000]

    func close(_ a: [Float], _ b: [Float]) -> Bool { allClose(a, b, absolute: 1e-6, relative: 1e-5) }

    func hasNaN(_ values: [Float]) -> Bool { values.contains { $0.isNaN } }

    // MARK: - Kernels against their references

    @Test(arguments: batchSizes, actionCounts)
    func softStateValuesMatchReference(rows: Int, columns: Int) {
        var generator = RandomGenerator(seed: 53)
        for kind in LogitsKind.allCases {
            let storage = logitsStorage(rows, columns, kind, &generator)
            let logits = storage.view.columns(0..<columns)
            let q1 = randomMatrix(rows, columns + 3, &generator, lower: -3, upper: 3)
            let q2 = randomMatrix(rows, columns, &generator, lower: -3, upper: 3)
            let q1View = q1.view.columns(3..<columns + 3)
            var values = [Float](repeating: .nan, count: rows), entropy = values
            Kernels.softStateValues(logits: logits, q1: q1View, q2: q2.view, temperature: 0.2, into: &values,
                                    entropy: &entropy)
            var valuesReference = values, entropyReference = values
            Kernels.softStateValuesReference(logits: logits, q1: q1View, q2: q2.view, temperature: 0.2,
                                             into: &valuesReference, entropy: &entropyReference)
            #expect(close(values, valuesReference), "\(kind)")
            #expect(close(entropy, entropyReference), "\(kind)")
            #expect(!hasNaN(values + entropy), "\(kind)")

            var valuesAlone = values
            Kernels.softStateValues(logits: logits, q1: q1View, q2: q2.view, temperature: 0.2, into: &valuesAlone,
                                    entropy: nil)
            #expect(valuesAlone == values)
        }
    }

    @Test(arguments: batchSizes, actionCounts)
    func softActorLossMatchesReference(rows: Int, columns: Int) {
        var generator = RandomGenerator(seed: 54)
        for kind in LogitsKind.allCases {
            let storage = logitsStorage(rows, columns, kind, &generator)
            let logits = storage.view.columns(0..<columns)
            let q1 = randomMatrix(rows, columns, &generator, lower: -3, upper: 3)
            let q2 = randomMatrix(rows, columns, &generator, lower: -3, upper: 3)
            let gradient = Matrix(rows: rows, columns: columns + 1), reference = Matrix(rows: rows, columns: columns)
            var losses = [Float](repeating: .nan, count: rows), entropy = losses
            Kernels.softActorLoss(logits: logits, q1: q1.view, q2: q2.view, temperature: 0.2, gradientScale: 0.5,
                                  losses: &losses, entropy: &entropy, gradient: gradient.view.columns(0..<columns))
            var lossesReference = losses, entropyReference = losses
            Kernels.softActorLossReference(logits: logits, q1: q1.view, q2: q2.view, temperature: 0.2,
                                           gradientScale: 0.5, losses: &lossesReference,
                                           entropy: &entropyReference, gradient: reference.view)
            let fast = gradient.view.columns(0..<columns).toArray()
            #expect(close(losses, lossesReference), "\(kind)")
            #expect(close(entropy, entropyReference), "\(kind)")
            #expect(close(fast, reference.toArray()), "\(kind)")
            #expect(!hasNaN(losses + entropy + fast), "\(kind)")
            for r in 0..<rows {
                #expect(gradient[r, columns] == 0, "wrote outside the view")
                for j in 0..<columns where logits[r, j] == -.infinity { #expect(gradient[r, j] == 0) }
            }
        }
    }

    // MARK: - Edge cases

    @Test func actorGradientMayOverwriteTheLogits() {
        var generator = RandomGenerator(seed: 56)
        let logits = logitsStorage(5, 40, .masked, &generator)
        let q1 = randomMatrix(5, 41, &generator), q2 = randomMatrix(5, 41, &generator)
        var losses = [Float](repeating: 0, count: 5), entropy = losses
        let view = logits.view.columns(0..<40)
        let separate = Matrix(rows: 5, columns: 40), soft = Matrix(copying: view)
        let qs = (q1.view.columns(0..<40), q2.view.columns(1..<41))
        Kernels.softActorLoss(logits: view, q1: qs.0, q2: qs.1, temperature: 0.1, gradientScale: 1,
                              losses: &losses, entropy: &entropy, gradient: separate.view)
        Kernels.softActorLoss(logits: soft.view, q1: qs.0, q2: qs.1, temperature: 0.1, gradientScale: 1,
                              losses: &losses, entropy: &entropy, gradient: soft.view)
        #expect(soft.toArray() == separate.toArray())
    }

    // MARK: - Gradients against finite differences

    func expectClose(_ analytic: Matrix, _ numeric: [[Double]]) {
        for r in 0..<analytic.rows {
            for j in 0..<analytic.columns {
                let expected = numeric[r][j]
                #expect(abs(Double(analytic[r, j]) - expected) < 1e-5 + 1e-4 * abs(expected), "(\(r), \(j))")
            }
        }
    }

    @Test func softActorGradientMatchesFiniteDifferences() {
        var generator = RandomGenerator(seed: 58)
        let x = randomMatrix(3, 5, &generator, lower: -2, upper: 2)
        x[2, 0] = -.infinity
        let q1 = randomMatrix(3, 5, &generator, lower: -3, upper: 3), q2 = randomMatrix(3, 5, &generator, lower: -3, upper: 3)
        let temperature: Float = 0.3, scale: Float = 1.0 / 3
        var losses = [Float](repeating: 0, count: 3), entropy = losses
        let gradient = Matrix(rows: 3, columns: 5)
        Kernels.softActorLoss(logits: x.view, q1: q1.view, q2: q2.view, temperature: temperature, gradientScale: scale,
                              losses: &losses, entropy: &entropy, gradient: gradient.view)
        let numeric = GradientCheck.rowCentralDifferences(x, step: 1e-5) { z, r in
            let logP = logSoftmax(z)
            var loss = 0.0
            for j in 0..<5 where logP[j] > -.infinity {
                let q = min(Double(q1[r, j]), Double(q2[r, j]))
                loss += Foundation.exp(logP[j]) * (Double(temperature) * logP[j] - q)
            }
            return Double(scale) * loss
        }
        expectClose(gradient, numeric)
    }

    // MARK: - Threads

    @Test func resultsDoNotDependOnTheThreadCount() {
        var generator = RandomGenerator(seed: 59)
        let rows = 64, columns = 2000
        let logits = logitsStorage(rows, columns, .masked, &generator)
        let q1 = randomMatrix(rows, columns, &generator), q2 = randomMatrix(rows, columns, &generator)
        let view = logits.view.columns(0..<columns)

        func run() -> [UInt32] {
            var values = [Float](repeating: 0, count: rows), losses = values, softEntropy = values
            let softGradient = Matrix(rows: rows, columns: columns)
            Kernels.softStateValues(logits: view, q1: q1.view, q2: q2.view, temperature: 0.1, into: &values,
                                    entropy: nil)
            Kernels.softActorLoss(logits: view, q1: q1.view, q2: q2.view, temperature: 0.1, gradientScale: 1,
                                  losses: &losses, entropy: &softEntropy, gradient: softGradient.view)
            return (values + losses + softEntropy + softGradient.toArray()).map(\.bitPattern)
        }

        let single = ThreadCountTesting.with(threads: 1) { run() }
        ThreadCountTesting.with(threads: 4) {
            #expect(ThreadPolicy.chunkCount(rows, minimumChunk: (32_768 + columns - 1) / columns) > 1)
            #expect(run() == single)
        }
    }
}
