import Foundation
import RecoEnvironments
import RecoNetworks
import RecoTensor

/// A model of the organic behaviour: a multinomial logistic regression of the product a user views
/// next on what the context says of their views so far (the counts, as counts, logs or shares, and
/// optionally the last viewed product); recommend the most probable next view. In RecoGym's default
/// world (`number_of_flips = 0`) a product is clicked exactly as it would be viewed (β = Γ, μ^b = μ^o),
/// so the product the user most likely views next is also the one they most likely click.
///
/// It learns from the organic views of a log, never from clicks: a user's views between two of their
/// logged decisions (the growth of the view counts, as `OrganicCountModel` reads it) are the labels,
/// each weighted by how many times it was viewed, and the earlier decision's context is the input (all
/// zeros before a user's first logged decision, or when the log carries no user ids). The fit minimises
/// `0.5 * l2 * ||W||² + Σ views * cross-entropy` by Newton's method (`MulticlassObjective`, as
/// `logreg-ips`), over the products viewed at least once; the others get probability 0.
///
/// Contexts: RecoGym's `viewHistory` layout (`ViewHistoryLayout`, D = 2P); scores: the probability of
/// each product being viewed next (`P`).
public final class NextViewModel: BanditModel, @unchecked Sendable {
    public static let algorithm = "next-view"
    public static let scoreKind: ActionScoreKind? = .probability
    /// The largest parameter count, `P x (inputs + 1)`: the fit's Hessian holds its square (816 MB).
    public static let maximumParameters = 10_100
    public let configuration: NextViewConfiguration
    public let observationWidth: Int
    public let actionCount: Int
    public private(set) var interactionsSeen = 0
    /// Newton steps the last fit took, and whether it converged (for tests and reports).
    private(set) var lastFit: (iterations: Int, converged: Bool) = (0, true)
    private let inputs: Int
    /// `P x (inputs + 1)` row-major: each product's coefficients, then its intercept.
    private(set) var weights: [Float]
    /// 1 for a product the fit saw viewed, else 0 (probability 0). All 0: the uniform model.
    private(set) var classes: [Float]

    public init(configuration: NextViewConfiguration, observationWidth: Int, actionCount: Int) throws {
        try configuration.validate()
        _ = try ViewHistoryLayout(algorithm: Self.algorithm, observationWidth: observationWidth, actionCount: actionCount)
        let inputs = configuration.inputs(products: actionCount)
        guard actionCount <= Self.maximumParameters / (inputs + 1) else {
            throw ConfigurationError(field: "products", value: "\(actionCount)",
                                     expected: "at most \(Self.maximumParameters) parameters (P x (\(configuration.lastViewed ? "2P" : "P") + 1)) for \(Self.algorithm): its Newton fit's Hessian holds their square")
        }
        self.configuration = configuration
        self.observationWidth = observationWidth
        self.actionCount = actionCount
        self.inputs = inputs
        weights = [Float](repeating: 0, count: actionCount * (inputs + 1))
        classes = [Float](repeating: 0, count: actionCount)
    }

    /// The regression's inputs for a context (`2P` values) into `x` (`inputs` values).
    @inline(__always) private func features(_ context: UnsafePointer<Float>, into x: UnsafeMutablePointer<Double>) {
        let p = actionCount
        var total = 0.0
        if configuration.counts == .shares { for j in 0..<p { total += Double(context[j]) } }
        for j in 0..<p {
            let n = Double(context[j])
            switch configuration.counts {
            case .counts: x[j] = n
            case .logCounts: x[j] = log1p(n)
            case .shares: x[j] = total > 0 ? n / total : 0
            }
        }
        if configuration.lastViewed { for j in 0..<p { x[p + j] = Double(context[p + j]) } }
    }

    /// The objective's rows: one per (earlier context, product viewed since), weighted by its views.
    func objective(_ log: [LoggedInteraction]) -> MulticlassObjective {
        let p = actionCount, m = inputs + 1
        var rows: [Double] = [], labels: [Int] = [], weights: [Double] = []
        var previous: [Int: [Float]] = [:]  // each user's context at their previous decision
        let empty = [Float](repeating: 0, count: observationWidth)
        var x = [Double](repeating: 1, count: m)
        for interaction in log {
            let before = interaction.user.flatMap { previous[$0] } ?? empty
            var featuresDone = false
            for a in 0..<p {
                let views = interaction.context[a] - before[a]
                guard views > 0 else { continue }
                if !featuresDone {
                    before.withUnsafeBufferPointer { b in x.withUnsafeMutableBufferPointer { features(b.baseAddress!, into: $0.baseAddress!) } }
                    featuresDone = true
                }
                rows.append(contentsOf: x)
                labels.append(a)
                weights.append(Double(views))
            }
            if let user = interaction.user { previous[user] = interaction.context }
        }
        return MulticlassObjective(coefficients: inputs, l2: configuration.l2, features: rows, labels: labels, sampleWeights: weights)
    }

    public func fit(_ log: [LoggedInteraction], using generator: inout RandomGenerator) throws {
        try checkLog(log)
        let p = actionCount, m = inputs + 1
        let objective = objective(log)
        var fitted = [Float](repeating: 0, count: p * m)
        var seen = [Float](repeating: 0, count: p)
        for c in objective.classes { seen[c] = 1 }
        lastFit = (0, true)
        if objective.classes.count > 1 {
            let newton = NewtonMinimiser(tolerance: configuration.tolerance, maxIterations: configuration.maxIterations)
            let result = try newton.minimise(from: [Double](repeating: 0, count: objective.parameterCount),
                                             loss: objective.loss, derivatives: objective.derivatives)
            for (k, c) in objective.classes.enumerated() {
                for j in 0..<m { fitted[c * m + j] = Float(result.solution[k * m + j]) }
            }
            lastFit = (result.iterations, result.converged)
        }
        weights = fitted
        classes = seen
        interactionsSeen = log.count
    }

    public func scores(_ contexts: MatrixView, into scores: MatrixView) {
        let p = actionCount, m = inputs + 1
        let present = classes.reduce(0, +)
        var x = [Double](repeating: 0, count: inputs), z = [Double](repeating: 0, count: p)
        weights.withUnsafeBufferPointer { w in
            x.withUnsafeMutableBufferPointer { x in
                for r in 0..<contexts.rows {
                    let row = scores.rowPointer(r)
                    guard present > 0 else { row.update(repeating: 1 / Float(p), count: p); continue }
                    features(contexts.rowPointer(r), into: x.baseAddress!)
                    var largest = -Double.infinity
                    for a in 0..<p where classes[a] > 0 {
                        var s = Double(w[a * m + inputs])
                        for j in 0..<inputs { s += Double(w[a * m + j]) * x[j] }
                        z[a] = s
                        largest = max(largest, s)
                    }
                    var total = 0.0
                    for a in 0..<p {
                        z[a] = classes[a] > 0 ? exp(z[a] - largest) : 0
                        total += z[a]
                    }
                    for a in 0..<p { row[a] = Float(z[a] / total) }
                }
            }
        }
    }

    public func parameters() -> ParameterStore {
        let p = actionCount, m = inputs + 1
        let store = ParameterStore(shapes: [ParameterShape(name: "weights", shape: [p, m]),
                                            ParameterShape(name: "classes", shape: [p])])
        let values = store.values.baseAddress!
        weights.withUnsafeBufferPointer { values.update(from: $0.baseAddress!, count: $0.count) }
        classes.withUnsafeBufferPointer { values.advanced(by: p * m).update(from: $0.baseAddress!, count: $0.count) }
        return store
    }

    public func restore(_ parameters: ParameterStore, interactionsSeen: Int, path: String) throws {
        let p = actionCount, m = inputs + 1
        guard let w = parameters.tensor(named: "weights"), w.shape == [p, m],
              let c = parameters.tensor(named: "classes"), c.shape == [p],
              (0..<p).allSatisfy({ [0, 1].contains(parameters.values[c.offset + $0]) }) else {
            throw CheckpointError.mismatch(path: path, detail: "a \(Self.algorithm) checkpoint holds weights of shape [\(p), \(m)] and classes [\(p)] of 0s and 1s")
        }
        for i in 0..<(p * m) { weights[i] = parameters.values[w.offset + i] }
        for i in 0..<p { classes[i] = parameters.values[c.offset + i] }
        self.interactionsSeen = interactionsSeen
    }
}
