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
    private let inputs: Int
    /// The regression: each product's coefficients and intercept, and the products seen viewed.
    private var regression: MulticlassSoftmax
    /// Newton steps the last fit took, and whether it converged (for tests and reports).
    var lastFit: (iterations: Int, converged: Bool) { regression.lastFit }

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
        regression = MulticlassSoftmax(classes: actionCount, inputs: inputs)
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
        try regression.fit(objective(log), tolerance: configuration.tolerance, maxIterations: configuration.maxIterations)
        interactionsSeen = log.count
    }

    public func scores(_ contexts: MatrixView, into scores: MatrixView) {
        var x = [Double](repeating: 0, count: inputs), z = [Double](repeating: 0, count: actionCount)
        x.withUnsafeMutableBufferPointer { x in
            z.withUnsafeMutableBufferPointer { z in
                for r in 0..<contexts.rows {
                    features(contexts.rowPointer(r), into: x.baseAddress!)
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
