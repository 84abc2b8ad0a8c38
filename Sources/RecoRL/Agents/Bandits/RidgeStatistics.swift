import Foundation
import RecoEnvironments
import RecoNetworks
import RecoTensor

/// The features a linear bandit reads from a context of any width `D`: the context's values, each
/// mapped to `sign(x) log(1 + |x|)` with `logValues` (which tames RecoGym's growing view counts and
/// leaves 0/1 entries as 0/log 2), then a constant 1 with `intercept` (a per-action base rate, the
/// only thing a linear model can learn from an all-zero context such as a user without views).
/// Width `F = D + (intercept ? 1 : 0)`.
public struct LinearFeatures: Sendable, Equatable {
    public let contextWidth: Int
    public let intercept: Bool
    public let logValues: Bool
    public var width: Int { contextWidth + (intercept ? 1 : 0) }

    public init(contextWidth: Int, intercept: Bool, logValues: Bool) {
        self.contextWidth = contextWidth
        self.intercept = intercept
        self.logValues = logValues
    }

    /// Writes the `width` features of the `contextWidth` values at `context` into `features`.
    @inline(__always)
    public func write(_ context: UnsafePointer<Float>, into features: UnsafeMutablePointer<Float>) {
        if logValues {
            for j in 0..<contextWidth {
                let x = context[j]
                features[j] = x < 0 ? -Foundation.log1p(-x) : Foundation.log1p(x)
            }
        } else {
            features.update(from: context, count: contextWidth)
        }
        if intercept { features[contextWidth] = 1 }
    }

    /// The features of every row of `contexts` (`B x D`), as a new `B x F` matrix (per-call scratch).
    public func matrix(_ contexts: MatrixView) -> Matrix {
        let result = Matrix(rows: contexts.rows, columns: width)
        for r in 0..<contexts.rows { write(contexts.rowPointer(r), into: result.view.rowPointer(r)) }
        return result
    }
}

/// The sufficient statistics of a disjoint linear bandit (Li et al. 2010): for every action `a`, a
/// ridge regression of the reward on the features `x` of the contexts `a` was shown in,
/// `A_a = lambda I + sum x xᵀ` (`F x F`) and `b_a = sum r x`, with the lower Cholesky factor `L_a` of
/// `A_a` (LAPACK `dpotrf`) and the ridge solution `theta_a = A_a⁻¹ b_a` (`dpotrs`). The statistics and
/// factors are kept in double precision: over a RecoGym log the one-hot of the last viewed product
/// sums to the intercept, so `A_a` is `lambda` away from singular at entries in the hundreds of
/// thousands, past what single precision can factor. LinUCB and Thompson
/// sampling share it: `theta_a . x` is the expected reward, `xᵀ A_a⁻¹ x = |L_a⁻¹ x|²` (one triangular
/// solve) the width of its confidence ellipsoid, or of the posterior `N(theta_a, v² A_a⁻¹)`.
///
/// `add` accumulates a batch and refactors each action it touched once, at the end. Reading (`means`,
/// `inverseQuadratic`) writes nothing, so it may run on several threads at once between updates.
/// Memory: two `A x F x F` double tables (`A_a`, `L_a`) and two `A x F` ones. Checkpoints hold `A_a`
/// and `b_a` as float pairs (`hi + lo`), so they restore to about 48 bits.
public final class RidgeStatistics {
    public let features: LinearFeatures
    public let actionCount: Int
    public let lambda: Float
    public var width: Int { features.width }
    /// Interactions folded in since the last `reset`.
    public private(set) var interactions = 0
    /// `A_a`, `A x F x F` row-major.
    private var gram: [Double]
    /// `b_a`, `A x F`.
    private var targets: [Double]
    /// `L_a` in the lower triangles, `A x F x F` (the upper triangles hold stale copies of `A_a`).
    private var factors: [Double]
    /// `theta_a` in double precision, `A x F` (the solve's result before it is rounded into `theta`).
    private var solutions: [Double]
    /// `theta_a` as the rows of an `A x F` matrix (the right operand of the scores' product).
    private let theta: Matrix

    /// Throws `ConfigurationError` (field `observation width`) when the tables would not fit in
    /// `ConfigurationLimits.memoryBytes`.
    public init(features: LinearFeatures, actionCount: Int, lambda: Float, algorithm: String) throws {
        let f = features.width
        let (square, overflow1) = f.multipliedReportingOverflow(by: f)
        let (cells, overflow2) = square.multipliedReportingOverflow(by: max(1, actionCount))
        guard !overflow1, !overflow2, Double(cells) * 16 + Double(f) * Double(actionCount) * 20 <= ConfigurationLimits.memoryBytes else {
            throw ConfigurationError(field: "observation width", value: "\(features.contextWidth)",
                                     expected: "contexts narrow enough for \(algorithm)'s \(actionCount) per-action F x F matrices (F = \(f) features, two double tables of actions x F x F) to fit in \(Int(ConfigurationLimits.memoryBytes / 1_073_741_824)) GiB")
        }
        self.features = features
        self.actionCount = actionCount
        self.lambda = lambda
        gram = [Double](repeating: 0, count: cells)
        factors = [Double](repeating: 0, count: cells)
        targets = [Double](repeating: 0, count: f * actionCount)
        solutions = [Double](repeating: 0, count: f * actionCount)
        theta = Matrix(rows: actionCount, columns: f)
        reset()
    }

    /// Back to the prior: `A_a = lambda I`, `b_a = 0`, `theta_a = 0`.
    public func reset() {
        let f = width, lambda = Double(self.lambda), root = lambda.squareRoot()
        for i in gram.indices { gram[i] = 0; factors[i] = 0 }
        for i in targets.indices { targets[i] = 0 }
        theta.view.fill(0)
        interactions = 0
        for a in 0..<actionCount {
            for j in 0..<f {
                gram[a * f * f + j * f + j] = lambda
                factors[a * f * f + j * f + j] = root
            }
        }
    }

    /// Folds `batch` in (contexts and actions already checked against the sizes), then refactors
    /// every action it touched. Throws `LinearAlgebraError` if a matrix stops being positive definite.
    public func add(_ batch: [LoggedInteraction]) throws {
        let f = width
        var x = [Double](repeating: 0, count: f)
        var row = [Float](repeating: 0, count: f)
        var touched = [Bool](repeating: false, count: actionCount)
        gram.withUnsafeMutableBufferPointer { gram in
            targets.withUnsafeMutableBufferPointer { targets in
                x.withUnsafeMutableBufferPointer { x in
                    let xp = x.baseAddress!
                    for interaction in batch {
                        row.withUnsafeMutableBufferPointer { row in
                            interaction.context.withUnsafeBufferPointer { features.write($0.baseAddress!, into: row.baseAddress!) }
                            for j in 0..<f { xp[j] = Double(row[j]) }
                        }
                        let a = interaction.action
                        touched[a] = true
                        let block = gram.baseAddress! + a * f * f
                        for i in 0..<f {
                            let xi = xp[i]
                            if xi == 0 { continue }
                            let row = block + i * f
                            for j in 0..<f { row[j] += xi * xp[j] }
                        }
                        let b = targets.baseAddress! + a * f
                        let r = Double(interaction.reward)
                        for j in 0..<f { b[j] += r * xp[j] }
                    }
                }
            }
        }
        interactions += batch.count
        for a in 0..<actionCount where touched[a] { try refactor(a) }
    }

    /// Recomputes `L_a` and `theta_a` from `A_a` and `b_a`.
    private func refactor(_ a: Int) throws {
        let f = width
        try factors.withUnsafeMutableBufferPointer { factors in
            let factor = factors.baseAddress! + a * f * f
            gram.withUnsafeBufferPointer { factor.update(from: $0.baseAddress! + a * f * f, count: f * f) }
            try LAPACK.choleskyFactor(factor, order: f)
            try solutions.withUnsafeMutableBufferPointer { solutions in
                let solution = solutions.baseAddress! + a * f
                targets.withUnsafeBufferPointer { solution.update(from: $0.baseAddress! + a * f, count: f) }
                try LAPACK.choleskySolve(factor: factor, order: f, solution)
                let rounded = theta.view.rowPointer(a)
                for j in 0..<f { rounded[j] = Float(solution[j]) }
            }
        }
    }

    /// `theta_a . x` for every row of `features` (`B x F`) and action, into `scores` (`B x A`).
    public func means(_ features: MatrixView, into scores: MatrixView) {
        BLAS.gemm(features, theta.view, transposeB: true, into: scores)
    }

    /// `theta_a`, `F` values.
    public func coefficients(_ a: Int) -> UnsafePointer<Float> { UnsafePointer(theta.view.rowPointer(a)) }

    /// `xᵀ A_a⁻¹ x = |L_a⁻¹ x|²` for the `F` features at `x`, using the `F` values at `scratch`.
    public func inverseQuadratic(_ a: Int, _ x: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Double>) -> Float {
        let f = width
        for j in 0..<f { scratch[j] = Double(x[j]) }
        factors.withUnsafeBufferPointer { BLAS.lowerTriangularSolve($0.baseAddress! + a * f * f, order: f, scratch) }
        var total = 0.0
        for j in 0..<f { total += scratch[j] * scratch[j] }
        return Float(total)
    }

    /// `A_a` (`gram`, shape `[A, F, F]`) and `b_a` (`targets`, `[A, F]`), each as the float pair
    /// `<name>` + `<name>_low` whose sum is the double value to about 48 bits: everything else follows.
    public func parameters() -> ParameterStore {
        let f = width, a = actionCount
        let store = ParameterStore(shapes: [ParameterShape(name: "gram", shape: [a, f, f]),
                                            ParameterShape(name: "gram_low", shape: [a, f, f]),
                                            ParameterShape(name: "targets", shape: [a, f]),
                                            ParameterShape(name: "targets_low", shape: [a, f])])
        let values = store.values
        var offset = 0
        for table in [gram, targets] {
            for i in table.indices {
                let high = Float(table[i])
                values[offset + i] = high
                values[offset + table.count + i] = Float(table[i] - Double(high))
            }
            offset += 2 * table.count
        }
        return store
    }

    /// Puts back what `parameters()` returned and refactors every action; throws
    /// `CheckpointError.mismatch` for a missing tensor, a wrong shape or a matrix that is not positive
    /// definite.
    public func restore(_ parameters: ParameterStore, interactions: Int, path: String, algorithm: String) throws {
        let f = width, a = actionCount
        guard let g = parameters.tensor(named: "gram"), g.shape == [a, f, f],
              let gLow = parameters.tensor(named: "gram_low"), gLow.shape == [a, f, f],
              let b = parameters.tensor(named: "targets"), b.shape == [a, f],
              let bLow = parameters.tensor(named: "targets_low"), bLow.shape == [a, f] else {
            throw CheckpointError.mismatch(path: path, detail: "a \(algorithm) checkpoint holds gram and gram_low of shape [\(a), \(f), \(f)] and targets and targets_low of shape [\(a), \(f)]")
        }
        let values = parameters.values
        for i in gram.indices { gram[i] = Double(values[g.offset + i]) + Double(values[gLow.offset + i]) }
        for i in targets.indices { targets[i] = Double(values[b.offset + i]) + Double(values[bLow.offset + i]) }
        do {
            for action in 0..<a { try refactor(action) }
            self.interactions = interactions
        } catch {
            reset()
            throw CheckpointError.mismatch(path: path, detail: "the \(algorithm) checkpoint's gram matrices are not positive definite (\(error))")
        }
    }
}
