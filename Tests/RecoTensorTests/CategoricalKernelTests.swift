import Foundation
import RecoTestSupport
import Testing
@testable import RecoTensor

@Suite struct CategoricalKernelTests {
    static let batchSizes = [1, 3, 7]
    static let actionCounts = [1, 2, 3, 15, 16, 17, 33, 1000]

    func close(_ a: [Float], _ b: [Float]) -> Bool { allClose(a, b, absolute: 1e-6, relative: 1e-5) }

    func hasNaN(_ values: [Float]) -> Bool { values.contains { $0.isNaN } }

    // MARK: - Vectorised exp

    @Test func vectorisedExpMatchesFoundationExp() {
        let sweep = Array(stride(from: Float(-100), through: 100, by: 0.0137))
        let special: [Float] = [-.infinity, -1000, -100, -87.4, -87.3, -87, -1e-30, -0, 0, 1e-30, 1, 0.5, 88, 88.7,
                                88.8, 89, 1000, .infinity, .nan, -.nan]
        let x = sweep + special
        var y = [Float](repeating: -1, count: x.count)
        Kernels.vectorisedExp(x, into: &y, count: x.count)
        var worstUlps: Float = 0
        for (value, result) in zip(x, y) {
            let expected = Foundation.exp(value)
            if value.isNaN {
                #expect(result.isNaN)
            } else if value < -87.3366 {
                #expect(result == 0, "exp(\(value)) = \(result)")
            } else if value > 88.7229 {
                #expect(result == .infinity, "exp(\(value)) = \(result)")
            } else {
                worstUlps = max(worstUlps, abs(result - expected) / expected.ulp)
            }
        }
        #expect(worstUlps <= 2, "worst error \(worstUlps) ulp")
        #expect(y[sweep.count + 8] == 1)  // exp(0)
    }

    // MARK: - Kernels against their references

    @Test(arguments: batchSizes, actionCounts)
    func statisticsMatchReference(rows: Int, columns: Int) {
        var generator = RandomGenerator(seed: 51)
        for kind in LogitsKind.allCases {
            let storage = logitsStorage(rows, columns, kind, &generator)
            let logits = storage.view.columns(0..<columns)
            let actions = randomActions(rows, columns, &generator)
            var lse = [Float](repeating: .nan, count: rows), entropy = lse, logP = lse
            Kernels.categoricalStatistics(logits: logits, actions: actions, logSumExp: &lse, entropy: &entropy,
                                          actionLogProbabilities: &logP)
            var lseReference = lse, entropyReference = lse, logPReference = lse
            Kernels.categoricalStatisticsReference(logits: logits, actions: actions, logSumExp: &lseReference,
                                                   entropy: &entropyReference,
                                                   actionLogProbabilities: &logPReference)
            #expect(close(lse, lseReference), "\(kind)")
            #expect(close(entropy, entropyReference), "\(kind)")
            #expect(close(logP, logPReference), "\(kind)")
            #expect(!hasNaN(lse + entropy + logP), "\(kind)")
            if kind == .equal { #expect(close(entropy, Array(repeating: Float(Foundation.log(Double(columns))), count: rows))) }

            var lseAlone = lse, entropyAlone = lse
            Kernels.categoricalStatistics(logits: logits, actions: nil, logSumExp: &lseAlone, entropy: &entropyAlone,
                                          actionLogProbabilities: nil)
            #expect(lseAlone == lse && entropyAlone == entropy)
        }
    }

    @Test(arguments: batchSizes, actionCounts)
    func gradientMatchesReference(rows: Int, columns: Int) {
        var generator = RandomGenerator(seed: 52)
        for kind in LogitsKind.allCases {
            let storage = logitsStorage(rows, columns, kind, &generator)
            let logits = storage.view.columns(0..<columns)
            let actions = randomActions(rows, columns, &generator)
            let coefficients = (0..<rows).map { _ in generator.uniform(-2, 2) }
            var lse = [Float](repeating: 0, count: rows), entropy = lse
            Kernels.categoricalStatistics(logits: logits, actions: nil, logSumExp: &lse, entropy: &entropy,
                                          actionLogProbabilities: nil)
            let gradient = Matrix(rows: rows, columns: columns + 2), reference = Matrix(rows: rows, columns: columns)
            Kernels.categoricalGradient(logits: logits, logSumExp: lse, entropy: entropy, actions: actions,
                                        actionCoefficients: coefficients, entropyCoefficient: 0.3,
                                        into: gradient.view.columns(1..<columns + 1))
            Kernels.categoricalGradientReference(logits: logits, logSumExp: lse, entropy: entropy, actions: actions,
                                                 actionCoefficients: coefficients, entropyCoefficient: 0.3,
                                                 into: reference.view)
            let fast = gradient.view.columns(1..<columns + 1).toArray()
            #expect(close(fast, reference.toArray()), "\(kind)")
            #expect(!hasNaN(fast), "\(kind)")
            for r in 0..<rows {
                #expect(gradient[r, 0] == 0 && gradient[r, columns + 1] == 0, "wrote outside the view")
                for j in 0..<columns where logits[r, j] == -.infinity && j != Int(actions[r]) {
                    #expect(gradient[r, j + 1] == 0, "masked action \(j) of row \(r) has a gradient")
                }
            }
        }
    }

    @Test(arguments: batchSizes, actionCounts)
    func samplingMatchesReference(rows: Int, columns: Int) {
        var generator = RandomGenerator(seed: 55)
        for kind in LogitsKind.allCases {
            let storage = logitsStorage(rows, columns, kind, &generator)
            let logits = storage.view.columns(0..<columns)
            for _ in 0..<20 {
                let uniforms = (0..<rows).map { _ in generator.uniform() }
                var actions = [Int32](repeating: -1, count: rows), reference = actions
                Kernels.sampleCategorical(logits: logits, uniforms: uniforms, into: &actions)
                Kernels.sampleCategoricalReference(logits: logits, uniforms: uniforms, into: &reference)
                for r in 0..<rows {
                    let chosen = Int(actions[r])
                    #expect(chosen >= 0 && chosen < columns && logits[r, chosen] > -.infinity)
                    if chosen != Int(reference[r]) {
                        // Only where the uniform sits on a cumulative boundary, within rounding.
                        let boundary = cumulativeProbability(logits, row: r, through: min(chosen, Int(reference[r])))
                        #expect(abs(boundary - Double(uniforms[r])) < 1e-5, "\(kind) row \(r)")
                    }
                }
            }
        }
    }

    /// The probability of columns 0...`column` of `row`, in Double.
    func cumulativeProbability(_ logits: MatrixView, row: Int, through column: Int) -> Double {
        let (_, logP) = Kernels.logSoftmaxReference(logits, row: row)
        return logP[0...column].reduce(0) { $0 + Foundation.exp($1) }
    }

    // MARK: - Edge cases

    @Test func samplingFollowsTheCumulativeDistribution() {
        let x = Matrix(rows: 1, columns: 6, values: [0, -.infinity, 0, 0, 0, -.infinity])
        let cases: [(Float, Int32)] = [(0, 0), (0.2, 0), (0.25, 2), (0.5, 3), (0.74, 3), (0.75, 4),
                                       (Float(1).nextDown, 4)]
        for (uniform, expected) in cases {
            var action: Int32 = -1, reference: Int32 = -1
            Kernels.sampleCategorical(logits: x.view, uniforms: [uniform], into: &action)
            Kernels.sampleCategoricalReference(logits: x.view, uniforms: [uniform], into: &reference)
            #expect(action == expected && reference == expected, "uniform \(uniform)")
        }
    }

    @Test func maskedActionsHaveProbabilityZeroAndNoNaN() {
        let x = Matrix(rows: 2, columns: 4, values: [-.infinity, 2, -.infinity, 1, 3, -.infinity, -.infinity, -.infinity])
        var lse = [Float](repeating: 0, count: 2), entropy = lse, logP = lse
        Kernels.categoricalStatistics(logits: x.view, actions: [0, 0], logSumExp: &lse, entropy: &entropy,
                                      actionLogProbabilities: &logP)
        #expect(logP[0] == -.infinity && logP[1] == 0)
        #expect(entropy[1] == 0)
        #expect(abs(Double(lse[0]) - Foundation.log(Foundation.exp(2.0) + Foundation.exp(1.0))) < 1e-6)
        let gradient = Matrix(rows: 2, columns: 4)
        Kernels.categoricalGradient(logits: x.view, logSumExp: lse, entropy: entropy, actions: [1, 0],
                                    actionCoefficients: [1, 1], entropyCoefficient: 0.5, into: gradient.view)
        #expect(gradient[0, 0] == 0 && gradient[0, 2] == 0)
        #expect(gradient.toArray()[4...] == [0, 0, 0, 0])  // a certain action: nothing to gain
    }

    @Test func rowsWithoutAFiniteLogitGiveNaN() {
        let x = Matrix(rows: 1, columns: 3, values: [-.infinity, -.infinity, -.infinity])
        var lse: Float = 0, entropy: Float = 0
        Kernels.categoricalStatistics(logits: x.view, actions: nil, logSumExp: &lse, entropy: &entropy,
                                      actionLogProbabilities: nil)
        #expect(lse.isNaN && entropy.isNaN)
    }

    @Test func gradientsMayOverwriteTheLogits() {
        var generator = RandomGenerator(seed: 56)
        let logits = logitsStorage(5, 40, .masked, &generator)
        let actions = randomActions(5, 40, &generator), coefficients: [Float] = [1, -1, 0.5, 2, 0]
        var lse = [Float](repeating: 0, count: 5), entropy = lse
        let view = logits.view.columns(0..<40)
        Kernels.categoricalStatistics(logits: view, actions: nil, logSumExp: &lse, entropy: &entropy,
                                      actionLogProbabilities: nil)
        let separate = Matrix(rows: 5, columns: 40), inPlace = Matrix(copying: view)
        Kernels.categoricalGradient(logits: view, logSumExp: lse, entropy: entropy, actions: actions,
                                    actionCoefficients: coefficients, entropyCoefficient: 0.1, into: separate.view)
        Kernels.categoricalGradient(logits: inPlace.view, logSumExp: lse, entropy: entropy, actions: actions,
                                    actionCoefficients: coefficients, entropyCoefficient: 0.1, into: inPlace.view)
        #expect(inPlace.toArray() == separate.toArray())
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

    @Test func categoricalGradientMatchesFiniteDifferences() {
        var generator = RandomGenerator(seed: 57)
        let x = randomMatrix(3, 5, &generator, lower: -2, upper: 2)
        x[1, 3] = -.infinity
        let actions: [Int32] = [2, 4, 0], coefficients: [Float] = [0.7, -1.3, 2]
        let entropyCoefficient: Float = 0.4
        var lse = [Float](repeating: 0, count: 3), entropy = lse
        Kernels.categoricalStatistics(logits: x.view, actions: nil, logSumExp: &lse, entropy: &entropy,
                                      actionLogProbabilities: nil)
        let gradient = Matrix(rows: 3, columns: 5)
        Kernels.categoricalGradient(logits: x.view, logSumExp: lse, entropy: entropy, actions: actions,
                                    actionCoefficients: coefficients, entropyCoefficient: entropyCoefficient,
                                    into: gradient.view)
        let numeric = GradientCheck.rowCentralDifferences(x, step: 1e-5) { z, r in
            let logP = logSoftmax(z)
            return Double(coefficients[r]) * logP[Int(actions[r])] + Double(entropyCoefficient) * entropyOf(logP)
        }
        expectClose(gradient, numeric)
    }

    // MARK: - Threads

    @Test func resultsDoNotDependOnTheThreadCount() {
        var generator = RandomGenerator(seed: 59)
        let rows = 64, columns = 2000
        let logits = logitsStorage(rows, columns, .masked, &generator)
        let actions = randomActions(rows, columns, &generator)
        let coefficients = (0..<rows).map { _ in generator.uniform(-1, 1) }
        let uniforms = (0..<rows).map { _ in generator.uniform() }
        let view = logits.view.columns(0..<columns)

        func run() -> [UInt32] {
            var lse = [Float](repeating: 0, count: rows), entropy = lse, logP = lse
            var sampled = [Int32](repeating: 0, count: rows)
            let gradient = Matrix(rows: rows, columns: columns)
            Kernels.categoricalStatistics(logits: view, actions: actions, logSumExp: &lse, entropy: &entropy,
                                          actionLogProbabilities: &logP)
            Kernels.categoricalGradient(logits: view, logSumExp: lse, entropy: entropy, actions: actions,
                                        actionCoefficients: coefficients, entropyCoefficient: 0.01, into: gradient.view)
            Kernels.sampleCategorical(logits: view, uniforms: uniforms, into: &sampled)
            let floats = lse + entropy + logP + gradient.toArray()
            return floats.map(\.bitPattern) + sampled.map { UInt32(bitPattern: $0) }
        }

        let single = ThreadCountTesting.with(threads: 1) { run() }
        ThreadCountTesting.with(threads: 4) {
            #expect(ThreadPolicy.chunkCount(rows, minimumChunk: (32_768 + columns - 1) / columns) > 1)
            #expect(run() == single)
        }
    }
}
