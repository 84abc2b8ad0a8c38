import Foundation
import RecoTestSupport
import Testing
@testable import RecoTensor

/// The kinds of logits rows the categorical kernels must handle.
enum LogitsKind: CaseIterable {
    /// Uniform in [-4, 4).
    case ordinary
    /// Ordinary, with about 40% of the entries `-inf` (masked actions), one per row always kept.
    case masked
    /// Uniform in [-5000, 5000): exp of the raw logits would overflow, most probabilities underflow.
    case huge
    /// Every entry the same: the uniform distribution.
    case equal
}

@Suite struct CategoricalKernelTests {
    static let batchSizes = [1, 3, 7]
    static let actionCounts = [1, 2, 3, 15, 16, 17, 33, 1000]

    /// A `rows x (columns + 1)` matrix whose first `columns` columns hold logits of the given kind, so the
    /// kernels see a strided view (as when logits share a matrix with a value column).
    func logitsStorage(_ rows: Int, _ columns: Int, _ kind: LogitsKind, _ generator: inout RandomGenerator) -> Matrix {
        let storage = Matrix(rows: rows, columns: columns + 1)
        for r in 0..<rows {
            let kept = generator.index(below: columns)
            for j in 0...columns {
                switch kind {
                case .ordinary: storage[r, j] = generator.uniform(-4, 4)
                case .masked: storage[r, j] = j != kept && generator.bernoulli(0.4) ? -.infinity : generator.uniform(-4, 4)
                case .huge: storage[r, j] = generator.uniform(-5000, 5000)
                case .equal: storage[r, j] = 0.75
                }
            }
        }
        return storage
    }

    func randomActions(_ rows: Int, _ columns: Int, _ generator: inout RandomGenerator) -> [Int32] {
        (0..<rows).map { _ in Int32(generator.index(below: columns)) }
    }

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
        let q1 = randomMatrix(5, 41, &generator), q2 = randomMatrix(5, 41, &generator)
        let actions = randomActions(5, 40, &generator), coefficients: [Float] = [1, -1, 0.5, 2, 0]
        var lse = [Float](repeating: 0, count: 5), entropy = lse, losses = lse
        let view = logits.view.columns(0..<40)
        Kernels.categoricalStatistics(logits: view, actions: nil, logSumExp: &lse, entropy: &entropy,
                                      actionLogProbabilities: nil)
        let separate = Matrix(rows: 5, columns: 40), inPlace = Matrix(copying: view)
        Kernels.categoricalGradient(logits: view, logSumExp: lse, entropy: entropy, actions: actions,
                                    actionCoefficients: coefficients, entropyCoefficient: 0.1, into: separate.view)
        Kernels.categoricalGradient(logits: inPlace.view, logSumExp: lse, entropy: entropy, actions: actions,
                                    actionCoefficients: coefficients, entropyCoefficient: 0.1, into: inPlace.view)
        #expect(inPlace.toArray() == separate.toArray())

        let soft = Matrix(copying: view)
        let qs = (q1.view.columns(0..<40), q2.view.columns(1..<41))
        Kernels.softActorLoss(logits: view, q1: qs.0, q2: qs.1, temperature: 0.1, gradientScale: 1,
                              losses: &losses, entropy: &entropy, gradient: separate.view)
        Kernels.softActorLoss(logits: soft.view, q1: qs.0, q2: qs.1, temperature: 0.1, gradientScale: 1,
                              losses: &losses, entropy: &entropy, gradient: soft.view)
        #expect(soft.toArray() == separate.toArray())
    }

    // MARK: - Gradients against finite differences

    /// Log-probabilities of a Double row (`-inf` where the logit is `-inf`).
    func logSoftmax(_ z: [Double]) -> [Double] {
        let m = z.max()!
        let lse = m + Foundation.log(z.reduce(0) { $0 + Foundation.exp($1 - m) })
        return z.map { $0 - lse }
    }

    func entropyOf(_ logP: [Double]) -> Double {
        logP.reduce(0) { $1 > -.infinity ? $0 - Foundation.exp($1) * $1 : $0 }
    }

    /// Central differences of `objective(row values, row index)` at every finite entry of `x`.
    func numericGradient(_ x: Matrix, _ objective: ([Double], Int) -> Double) -> [[Double]] {
        (0..<x.rows).map { r in
            let base = (0..<x.columns).map { Double(x[r, $0]) }
            return (0..<x.columns).map { j in
                guard base[j].isFinite else { return 0 }
                var plus = base, minus = base
                plus[j] += 1e-5
                minus[j] -= 1e-5
                return (objective(plus, r) - objective(minus, r)) / 2e-5
            }
        }
    }

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
        let numeric = numericGradient(x) { z, r in
            let logP = logSoftmax(z)
            return Double(coefficients[r]) * logP[Int(actions[r])] + Double(entropyCoefficient) * entropyOf(logP)
        }
        expectClose(gradient, numeric)
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
        let numeric = numericGradient(x) { z, r in
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
        let actions = randomActions(rows, columns, &generator)
        let coefficients = (0..<rows).map { _ in generator.uniform(-1, 1) }
        let uniforms = (0..<rows).map { _ in generator.uniform() }
        let view = logits.view.columns(0..<columns)

        func run() -> [UInt32] {
            var lse = [Float](repeating: 0, count: rows), entropy = lse, logP = lse, values = lse, losses = lse
            var softEntropy = lse
            var sampled = [Int32](repeating: 0, count: rows)
            let gradient = Matrix(rows: rows, columns: columns), softGradient = Matrix(rows: rows, columns: columns)
            Kernels.categoricalStatistics(logits: view, actions: actions, logSumExp: &lse, entropy: &entropy,
                                          actionLogProbabilities: &logP)
            Kernels.categoricalGradient(logits: view, logSumExp: lse, entropy: entropy, actions: actions,
                                        actionCoefficients: coefficients, entropyCoefficient: 0.01, into: gradient.view)
            Kernels.softStateValues(logits: view, q1: q1.view, q2: q2.view, temperature: 0.1, into: &values,
                                    entropy: nil)
            Kernels.softActorLoss(logits: view, q1: q1.view, q2: q2.view, temperature: 0.1, gradientScale: 1,
                                  losses: &losses, entropy: &softEntropy, gradient: softGradient.view)
            Kernels.sampleCategorical(logits: view, uniforms: uniforms, into: &sampled)
            let floats = lse + entropy + logP + values + losses + softEntropy + gradient.toArray()
                + softGradient.toArray()
            return floats.map(\.bitPattern) + sampled.map { UInt32(bitPattern: $0) }
        }

        let original = ThreadPolicy.threadCount
        defer { ThreadPolicy.setThreadCount(original) }
        ThreadPolicy.setThreadCount(1)
        let single = run()
        ThreadPolicy.setThreadCount(4)
        #expect(ThreadPolicy.chunkCount(rows, minimumChunk: (32_768 + columns - 1) / columns) > 1)
        #expect(run() == single)
    }
}
