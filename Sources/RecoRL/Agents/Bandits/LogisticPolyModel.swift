import RecoEnvironments
import RecoNetworks
import RecoTensor

/// Logistic regression of clicks (RecoGym's `LogregPolyAgent`, "Likelihood" in its leaderboard): the
/// click probability of showing action `a` to a user with view counts `x` is
/// `σ(b + wᵥ·x + wₐ[a] + Wₓ[a]·x)`, logistic regression on the features `[x (P), one-hot a (P),
/// x ⊗ one-hot a (P²)]` plus an intercept, fitted to every logged impression (clicked or not);
/// recommend the action of highest predicted click probability.
///
/// The fit minimises `0.5 * l2 * ||w||² + sum of log-losses` (the intercept unpenalised; scikit-learn's
/// objective with `C = 1 / l2`) by Newton's method (`NewtonMinimiser`). Logits, loss and gradient are
/// computed in double precision from the sparse features (O(P) per impression); the Hessian `Xᵀ W X`
/// from dense feature rows, 4,096 at a time, by `ssyrk` in single precision, summed over the chunks
/// and solved in double: with clicks rare and view counts large its condition number reaches 10⁶ to 10⁷,
/// which a single-precision Cholesky factorisation would not survive. The cost per step is
/// `impressions x (P² + 2P + 1)² / 2` multiply-adds, so `P` is bounded at 100 (the Hessian alone then
/// takes 1.2 GB).
///
/// Contexts: RecoGym's `viewHistory` layout (`ViewHistoryLayout`, D = 2P; only the view counts, columns
/// `0..<P`, are read); scores: the predicted click probability of each action (`P`), the expected
/// one-step reward.
public final class LogisticPolyModel: BanditModel, @unchecked Sendable {
    public static let algorithm = "likelihood"
    public static let scoreKind: ActionScoreKind? = .qValue
    /// The largest catalogue: the fit's Hessian is `(P² + 2P + 1)²`.
    public static let maximumProducts = 100
    public let configuration: LogisticRegressionConfiguration
    public let observationWidth: Int
    public let actionCount: Int
    public private(set) var interactionsSeen = 0
    /// Newton steps the last fit took, and whether it converged (for tests and reports).
    private(set) var lastFit: (iterations: Int, converged: Bool) = (0, true)
    /// `P² + 2P + 1` coefficients: view counts (`0..<P`), actions (`P..<2P`), the cross terms
    /// (`2P + a * P + j` for action `a` and view count `j`), then the intercept.
    private(set) var coefficients: [Float]

    public init(configuration: LogisticRegressionConfiguration, observationWidth: Int, actionCount: Int) throws {
        _ = try ViewHistoryLayout(algorithm: Self.algorithm, observationWidth: observationWidth, actionCount: actionCount)
        guard actionCount <= Self.maximumProducts else {
            throw ConfigurationError(field: "products", value: "\(actionCount)",
                                     expected: "at most \(Self.maximumProducts) products for \(Self.algorithm): its P² + 2P + 1 features make a Hessian of (P² + 2P + 1)² values (1.2 GB at 100 products) and a fit step of impressions x (P² + 2P + 1)² / 2 operations")
        }
        self.configuration = configuration
        self.observationWidth = observationWidth
        self.actionCount = actionCount
        coefficients = [Float](repeating: 0, count: ClickObjective.featureCount(products: actionCount))
    }

    public func fit(_ log: [LoggedInteraction], using generator: inout RandomGenerator) throws {
        try checkLog(log)
        let objective = ClickObjective(log: log, products: actionCount, l2: configuration.l2)
        let clicks = objective.clicks.reduce(0, +)
        if log.isEmpty {
            coefficients = [Float](repeating: 0, count: objective.featureCount)
            lastFit = (0, true)
        } else {
            guard clicks > 0, clicks < Float(log.count) else {
                throw LoggedDataError.invalid(field: "log", value: clicks == 0 ? "no clicks" : "only clicks",
                                              expected: "both clicked and unclicked impressions for the \(Self.algorithm) model's logistic regression")
            }
            let newton = NewtonMinimiser(tolerance: configuration.tolerance, maxIterations: configuration.maxIterations)
            let result = try newton.minimise(from: [Double](repeating: 0, count: objective.featureCount),
                                             loss: objective.loss, derivatives: objective.derivatives)
            coefficients = result.solution.map { Float($0) }
            lastFit = (result.iterations, result.converged)
        }
        interactionsSeen = log.count
    }

    public func scores(_ contexts: MatrixView, into scores: MatrixView) {
        let p = actionCount
        coefficients.withUnsafeBufferPointer { w in
            let intercept = w[p * p + 2 * p]
            for r in 0..<contexts.rows {
                let x = contexts.rowPointer(r), row = scores.rowPointer(r)
                var base = intercept
                for j in 0..<p { base += w[j] * x[j] }
                for a in 0..<p {
                    let cross = 2 * p + a * p
                    var z = base + w[p + a]
                    for j in 0..<p { z += w[cross + j] * x[j] }
                    row[a] = Float(sigmoid(Double(z)))
                }
            }
        }
    }

    public func parameters() -> ParameterStore {
        let p = actionCount
        let store = ParameterStore(shapes: [ParameterShape(name: "view_counts", shape: [p]),
                                            ParameterShape(name: "actions", shape: [p]),
                                            ParameterShape(name: "cross", shape: [p, p]),
                                            ParameterShape(name: "intercept", shape: [1])])
        coefficients.withUnsafeBufferPointer { store.values.baseAddress!.update(from: $0.baseAddress!, count: $0.count) }
        return store
    }

    public func restore(_ parameters: ParameterStore, interactionsSeen: Int, path: String) throws {
        let p = actionCount
        let layout: [(String, [Int], Int)] = [("view_counts", [p], 0), ("actions", [p], p), ("cross", [p, p], 2 * p),
                                              ("intercept", [1], p * p + 2 * p)]
        var restored = coefficients
        for (name, shape, start) in layout {
            guard let tensor = parameters.tensor(named: name), tensor.shape == shape else {
                throw CheckpointError.mismatch(path: path, detail: "a \(Self.algorithm) checkpoint holds view_counts [\(p)], actions [\(p)], cross [\(p), \(p)] and intercept [1]")
            }
            for i in 0..<tensor.count { restored[start + i] = parameters.values[tensor.offset + i] }
        }
        coefficients = restored
        self.interactionsSeen = interactionsSeen
    }
}

/// The `likelihood` model's objective on a log: `0.5 * l2 * ||w||² + Σ log-loss(σ(w · features), click)`
/// over the features `[view counts, one-hot action, view counts ⊗ one-hot action, 1]`, the intercept
/// (last) unpenalised. Internal so tests can check the gradient against finite differences.
struct ClickObjective {
    /// Feature rows per `ssyrk` call.
    static let chunkRows = 4_096
    let products: Int
    let l2: Double
    /// Impressions fitted to.
    let rows: Int
    /// `rows x products` view counts.
    let counts: [Float]
    let actions: [Int]
    /// 1 for a click (reward above 0), else 0.
    let clicks: [Float]

    static func featureCount(products p: Int) -> Int { p * p + 2 * p + 1 }
    var featureCount: Int { Self.featureCount(products: products) }

    init(log: [LoggedInteraction], products: Int, l2: Double) {
        self.products = products
        self.l2 = l2
        rows = log.count
        var counts = [Float](repeating: 0, count: log.count * products)
        for (i, interaction) in log.enumerated() {
            for j in 0..<products { counts[i * products + j] = interaction.context[j] }
        }
        self.counts = counts
        actions = log.map(\.action)
        clicks = log.map { $0.reward > 0 ? 1 : 0 }
    }

    /// The logit of impression `i` under `w`.
    @inline(__always) private func logit(_ w: UnsafeBufferPointer<Double>, _ x: UnsafePointer<Float>, action a: Int) -> Double {
        let p = products, cross = 2 * p + a * p
        var z = w[p * p + 2 * p] + w[p + a]
        for j in 0..<p where x[j] != 0 { z += (w[j] + w[cross + j]) * Double(x[j]) }
        return z
    }

    private func penalty(_ w: UnsafeBufferPointer<Double>) -> Double {
        var sum = 0.0
        for k in 0..<(featureCount - 1) { sum += w[k] * w[k] }
        return 0.5 * l2 * sum
    }

    func loss(_ w: [Double]) -> Double {
        w.withUnsafeBufferPointer { w in
            counts.withUnsafeBufferPointer { counts in
                var total = penalty(w)
                for i in 0..<rows {
                    let z = logit(w, counts.baseAddress! + i * products, action: actions[i])
                    total += softplus(z) - Double(clicks[i]) * z
                }
                return total
            }
        }
    }

    func gradient(_ w: [Double]) -> [Double] {
        var gradient = [Double](repeating: 0, count: featureCount)
        _ = accumulate(w, gradient: &gradient, hessian: nil)
        return gradient
    }

    /// The objective at `w`, its gradient, and the lower triangle of its Hessian (row-major).
    func derivatives(_ w: [Double], _ gradient: inout [Double], _ hessian: UnsafeMutablePointer<Double>) -> Double {
        accumulate(w, gradient: &gradient, hessian: hessian)
    }

    private func accumulate(_ w: [Double], gradient: inout [Double], hessian: UnsafeMutablePointer<Double>?) -> Double {
        let p = products, f = featureCount
        let chunk = hessian == nil ? nil : Matrix(rows: min(Self.chunkRows, max(rows, 1)), columns: f)
        let chunkGram = hessian == nil ? nil : Matrix(rows: f, columns: f)
        if let hessian { hessian.update(repeating: 0, count: f * f) }
        return w.withUnsafeBufferPointer { w in
            counts.withUnsafeBufferPointer { counts in
                gradient.withUnsafeMutableBufferPointer { g in
                    for k in 0..<f { g[k] = k < f - 1 ? l2 * w[k] : 0 }
                    var total = penalty(w)
                    var start = 0
                    while start < rows {
                        let end = min(rows, start + Self.chunkRows)
                        for i in start..<end {
                            let x = counts.baseAddress! + i * p, a = actions[i], cross = 2 * p + a * p
                            let z = logit(w, x, action: a), y = Double(clicks[i])
                            total += softplus(z) - y * z
                            let q = sigmoid(z), r = q - y
                            g[p + a] += r
                            g[f - 1] += r
                            for j in 0..<p where x[j] != 0 {
                                let v = r * Double(x[j])
                                g[j] += v
                                g[cross + j] += v
                            }
                            if let chunk {
                                // The feature row scaled by sqrt(q (1 - q)): its Gram matrix is Xᵀ W X.
                                let row = chunk.view.rowPointer(i - start), s = Float((q * (1 - q)).squareRoot())
                                row.update(repeating: 0, count: f)
                                for j in 0..<p where x[j] != 0 {
                                    row[j] = s * x[j]
                                    row[cross + j] = s * x[j]
                                }
                                row[p + a] = s
                                row[f - 1] = s
                            }
                        }
                        if let chunk, let chunkGram, let hessian {
                            BLAS.syrkLower(chunk.view.rows(0..<(end - start)), into: chunkGram.view)
                            for i in 0..<f {
                                let source = chunkGram.view.rowPointer(i), target = hessian + i * f
                                for j in 0...i { target[j] += Double(source[j]) }
                            }
                        }
                        start = end
                    }
                    if let hessian { for k in 0..<(f - 1) { hessian[k * f + k] += l2 } }
                    return total
                }
            }
        }
    }
}
