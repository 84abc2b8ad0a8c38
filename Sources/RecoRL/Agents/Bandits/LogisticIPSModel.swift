import Foundation
import RecoEnvironments
import RecoNetworks
import RecoTensor

/// Multinomial logistic regression of the logged action, weighted by inverse propensity (RecoGym's
/// `LogregMulticlassIpsAgent`): the probability of recommending `a` to a user with view counts `x` is
/// `softmax(W x + b)[a]`, fitted to the logged impressions with weights `click / propensity`, so only
/// clicked impressions count and each stands for the impressions the logging policy would have made
/// with that action; recommend the most probable action.
///
/// The fit minimises `0.5 * l2 * ||W||² + Σ weight * cross-entropy` (intercepts unpenalised:
/// scikit-learn's multinomial objective with `C = 1 / l2`) over the classes that were clicked at least
/// once; the others get probability 0, as scikit-learn knows only the classes it was shown. The
/// intercepts are defined up to a common shift; the fit returns the ones that sum to 0. With no clicks
/// at all the model stays uniform; with clicks on one action only it always recommends that action.
///
/// Fitted by Newton's method (`NewtonMinimiser`) in double precision, the `(K (P + 1))²` Hessian built
/// as `blockdiag(Σ s p_k x xᵀ) - Uᵀ U` with `U`'s rows `sqrt(s) (p ⊗ x)` by `dsyrk` (double precision
/// because its blocks cancel), for `K` clicked classes. Only clicked impressions enter, about 1% of a
/// RecoGym log, so a step costs `clicks x (K (P + 1))² / 2` operations and its Hessian takes
/// `8 (K (P + 1))²` bytes: `P` is bounded at 100 (816 MB). Newton rather than L-BFGS (scikit-learn's
/// solver) because it reaches the optimum to the tolerance in a few steps, which makes its result
/// comparable to scikit-learn's to 1e-3 without tuning a line search or a history length.
///
/// Contexts: RecoGym's `viewHistory` layout (`ViewHistoryLayout`, D = 2P; only the view counts, columns
/// `0..<P`, are read); scores: the probability of each action (`P`).
public final class LogisticIPSModel: BanditModel, @unchecked Sendable {
    public static let algorithm = "logreg-ips"
    public static let scoreKind: ActionScoreKind? = .probability
    /// The largest catalogue: the fit's Hessian is `(P (P + 1))²`.
    public static let maximumProducts = 100
    public let configuration: LogisticRegressionConfiguration
    public let observationWidth: Int
    public let actionCount: Int
    public private(set) var interactionsSeen = 0
    /// The regression: each class's view-count coefficients and intercept, and the classes seen clicked.
    private var regression: MulticlassSoftmax
    /// Newton steps the last fit took, and whether it converged (for tests and reports).
    var lastFit: (iterations: Int, converged: Bool) { regression.lastFit }
    /// `P x (P + 1)` row-major: each class's view-count coefficients, then its intercept.
    var weights: [Float] { regression.weights }
    /// 1 for a class the fit saw clicked, else 0 (probability 0). All 0: the uniform model.
    var classes: [Float] { regression.classes }

    public init(configuration: LogisticRegressionConfiguration, observationWidth: Int, actionCount: Int) throws {
        _ = try ViewHistoryLayout(algorithm: Self.algorithm, observationWidth: observationWidth, actionCount: actionCount)
        guard actionCount <= Self.maximumProducts else {
            throw ConfigurationError(field: "products", value: "\(actionCount)",
                                     expected: "at most \(Self.maximumProducts) products for \(Self.algorithm): its Newton fit's Hessian holds (P (P + 1))² values (816 MB at 100 products)")
        }
        self.configuration = configuration
        self.observationWidth = observationWidth
        self.actionCount = actionCount
        regression = MulticlassSoftmax(classes: actionCount, inputs: actionCount)
    }

    public func fit(_ log: [LoggedInteraction], using generator: inout RandomGenerator) throws {
        try checkLog(log)
        try regression.fit(MulticlassObjective(log: log, products: actionCount, l2: configuration.l2),
                           tolerance: configuration.tolerance, maxIterations: configuration.maxIterations)
        interactionsSeen = log.count
    }

    public func scores(_ contexts: MatrixView, into scores: MatrixView) {
        let p = actionCount
        var x = [Double](repeating: 0, count: p), z = [Double](repeating: 0, count: p)
        x.withUnsafeMutableBufferPointer { x in
            z.withUnsafeMutableBufferPointer { z in
                for r in 0..<contexts.rows {
                    let counts = contexts.rowPointer(r)
                    for j in 0..<p { x[j] = Double(counts[j]) }
                    regression.probabilities(x.baseAddress!, into: scores.rowPointer(r), scratch: z.baseAddress!)
                }
            }
        }
    }

    public func parameters() -> ParameterStore { regression.parameters() }

    public func restore(_ parameters: ParameterStore, interactionsSeen: Int, path: String) throws {
        try regression.restore(parameters, path: path, algorithm: Self.algorithm)
        self.interactionsSeen = interactionsSeen
    }
}

/// A weighted multinomial logistic regression's objective:
/// `0.5 * l2 * ||W||² + 0.5 * (Σ_k b_k)² + Σ_i s_i * (logsumexp(z_i) - z_i[y_i])`, `z_i = W x_i + b`,
/// over the `K` classes present. For the `logreg-ips` model the rows are a log's clicked impressions
/// (`x` the view counts, `y` the action, `s = 1 / propensity`); for `next-view` they are the organic
/// views between logged decisions. The second term is zero at every optimum of the others shifted
/// to `Σ b = 0`: it only picks that one, making the Hessian positive definite.
/// Parameters: `K x (coefficients + 1)` row-major (coefficients, then intercept). Internal for the tests.
struct MulticlassObjective {
    /// Rows of `U` per `dsyrk` call.
    static let chunkRows = 256
    /// Coefficients per class (the inputs of a row, without its constant 1).
    let products: Int
    let l2: Double
    /// The labels present at least once, in increasing order.
    let classes: [Int]
    /// `rows x (products + 1)`: the inputs, then 1.
    let features: [Double]
    /// Index in `classes` of each row's label.
    let labels: [Int]
    /// Each row's weight.
    let sampleWeights: [Double]

    var rows: Int { labels.count }
    var width: Int { products + 1 }
    var parameterCount: Int { classes.count * width }

    /// The `logreg-ips` objective: the clicked impressions of `log`, inputs their view counts
    /// (the first `products` context values), labels their actions, weights `1 / propensity`.
    init(log: [LoggedInteraction], products: Int, l2: Double) {
        let clicked = log.filter { $0.reward > 0 }
        var features = [Double](repeating: 1, count: clicked.count * (products + 1))
        for (i, interaction) in clicked.enumerated() {
            for j in 0..<products { features[i * (products + 1) + j] = Double(interaction.context[j]) }
        }
        self.init(coefficients: products, l2: l2, features: features, labels: clicked.map(\.action),
                  sampleWeights: clicked.map { 1 / Double($0.propensity) })
    }

    /// Rows already made: `features` holds `labels.count` rows of `coefficients` inputs then 1; `labels`
    /// are class indices (any non-negative integers), `sampleWeights` positive.
    init(coefficients: Int, l2: Double, features: [Double], labels: [Int], sampleWeights: [Double]) {
        products = coefficients
        self.l2 = l2
        classes = Set(labels).sorted()
        var index: [Int: Int] = [:]
        for (k, c) in classes.enumerated() { index[c] = k }
        self.features = features
        self.labels = labels.map { index[$0] ?? 0 }
        self.sampleWeights = sampleWeights
    }

    /// Row `i`'s class probabilities under `w` into `q` (`K` values); returns `logsumexp(z_i)`.
    @inline(__always) private func probabilities(_ w: UnsafeBufferPointer<Double>, row i: Int,
                                                 _ x: UnsafePointer<Double>, into q: UnsafeMutablePointer<Double>) -> Double {
        let k = classes.count, m = width
        var largest = -Double.infinity
        for c in 0..<k {
            var z = 0.0
            for j in 0..<m { z += w[c * m + j] * x[j] }
            q[c] = z
            largest = max(largest, z)
        }
        var total = 0.0
        for c in 0..<k { total += exp(q[c] - largest) }
        let logTotal = largest + log(total)
        for c in 0..<k { q[c] = exp(q[c] - logTotal) }
        return logTotal
    }

    private func penalty(_ w: UnsafeBufferPointer<Double>) -> Double {
        let m = width
        var squares = 0.0, intercepts = 0.0
        for c in 0..<classes.count {
            for j in 0..<products { squares += w[c * m + j] * w[c * m + j] }
            intercepts += w[c * m + products]
        }
        return 0.5 * l2 * squares + 0.5 * intercepts * intercepts
    }

    func loss(_ w: [Double]) -> Double {
        let m = width
        let q = UnsafeMutablePointer<Double>.allocate(capacity: max(classes.count, 1))
        defer { q.deallocate() }
        return w.withUnsafeBufferPointer { w in
            features.withUnsafeBufferPointer { x in
                var total = penalty(w)
                for i in 0..<rows {
                    let logTotal = probabilities(w, row: i, x.baseAddress! + i * m, into: q)
                    var z = 0.0
                    for j in 0..<m { z += w[labels[i] * m + j] * x[i * m + j] }
                    total += sampleWeights[i] * (logTotal - z)
                }
                return total
            }
        }
    }

    func gradient(_ w: [Double]) -> [Double] {
        var gradient = [Double](repeating: 0, count: parameterCount)
        _ = accumulate(w, gradient: &gradient, hessian: nil)
        return gradient
    }

    /// The objective at `w`, its gradient, and the lower triangle of its Hessian (row-major).
    func derivatives(_ w: [Double], _ gradient: inout [Double], _ hessian: UnsafeMutablePointer<Double>) -> Double {
        accumulate(w, gradient: &gradient, hessian: hessian)
    }

    private func accumulate(_ w: [Double], gradient: inout [Double], hessian: UnsafeMutablePointer<Double>?) -> Double {
        let k = classes.count, m = width, n = parameterCount
        let q = UnsafeMutablePointer<Double>.allocate(capacity: max(k, 1))
        defer { q.deallocate() }
        let chunk = UnsafeMutablePointer<Double>.allocate(capacity: hessian == nil ? 1 : Self.chunkRows * n)
        defer { chunk.deallocate() }
        if let hessian { hessian.update(repeating: 0, count: n * n) }
        var intercepts = 0.0
        for c in 0..<k { intercepts += w[c * m + products] }
        return w.withUnsafeBufferPointer { w in
            features.withUnsafeBufferPointer { features in
                gradient.withUnsafeMutableBufferPointer { g in
                    for c in 0..<k {
                        for j in 0..<products { g[c * m + j] = l2 * w[c * m + j] }
                        g[c * m + products] = intercepts
                    }
                    var total = penalty(w)
                    var start = 0
                    while start < rows {
                        let end = min(rows, start + Self.chunkRows)
                        for i in start..<end {
                            let x = features.baseAddress! + i * m, s = sampleWeights[i], y = labels[i]
                            let logTotal = probabilities(w, row: i, x, into: q)
                            var zy = 0.0
                            for j in 0..<m { zy += w[y * m + j] * x[j] }
                            total += s * (logTotal - zy)
                            for c in 0..<k {
                                let r = s * (q[c] - (c == y ? 1 : 0))
                                for j in 0..<m { g[c * m + j] += r * x[j] }
                            }
                            guard let hessian else { continue }
                            // blockdiag(s q_c x xᵀ), lower triangle of each block.
                            for c in 0..<k {
                                let d = s * q[c], block = hessian + (c * m) * n + c * m
                                for a in 0..<m where x[a] != 0 {
                                    let da = d * x[a], target = block + a * n
                                    for b in 0...a { target[b] += da * x[b] }
                                }
                            }
                            // Row of U: sqrt(s) (q ⊗ x).
                            let u = chunk + (i - start) * n, root = s.squareRoot()
                            for c in 0..<k {
                                let qc = root * q[c]
                                for j in 0..<m { u[c * m + j] = qc * x[j] }
                            }
                        }
                        if let hessian {
                            BLAS.syrkLower(rows: end - start, columns: n, chunk, into: hessian, alpha: -1, beta: 1)
                        }
                        start = end
                    }
                    if let hessian {
                        for c in 0..<k {
                            for j in 0..<products { hessian[(c * m + j) * n + c * m + j] += l2 }
                            for d in 0...c { hessian[(c * m + products) * n + d * m + products] += 1 }
                        }
                    }
                    return total
                }
            }
        }
    }
}
