import Foundation
import RecoEnvironments
import RecoNetworks

/// The configuration of a model without hyper-parameters (uniform random, organic count): only an
/// empty JSON object decodes to it, so a misspelt field is still an error.
public struct NoHyperparameters: AlgorithmConfiguration, Equatable {
    public init() {}
    public func validate() throws {}
    public var summary: String { "no hyper-parameters" }

    enum CodingKeys: String, CodingKey, CaseIterable { case none }

    public init(from decoder: Decoder) throws {
        _ = try PartialConfigurationDecoder<CodingKeys>(decoder, known: [])
    }

    public func encode(to encoder: Encoder) throws {
        _ = encoder.container(keyedBy: CodingKeys.self)
    }
}

/// The per-user organic count baseline's settings (RecoGym's `OrganicUserEventCounterAgent`).
public struct UserCountConfiguration: AlgorithmConfiguration, Equatable {
    /// Sample a product in proportion to the user's view counts (true, RecoGym's default) or take the
    /// most viewed one.
    public var selectRandomly = true
    /// Share of decisions made uniformly at random instead, in [0, 1] (RecoGym's `epsilon`, default 0;
    /// its leaderboard logs with this policy and epsilon exploration).
    public var epsilon: Float = 0

    public init() {}

    public func validate() throws {
        try ConfigurationError.require(epsilon >= 0 && epsilon <= 1, "epsilon", epsilon, "a share in [0, 1]")
    }

    public var summary: String { "selectRandomly \(selectRandomly), epsilon \(epsilon)" }

    enum CodingKeys: String, CodingKey, CaseIterable { case selectRandomly, epsilon }

    public init(from decoder: Decoder) throws {
        let values = try PartialConfigurationDecoder<CodingKeys>(decoder)
        let defaults = UserCountConfiguration()
        selectRandomly = try values.field(.selectRandomly, defaults.selectRandomly)
        epsilon = try values.field(.epsilon, defaults.epsilon)
    }

    public func encode(to encoder: Encoder) throws { try ConfigurationEncoding.encodeAll(self, to: encoder) }
}

/// The bandit count baseline's Beta prior on each (last viewed product, action) pair's click rate.
public struct BanditCountConfiguration: AlgorithmConfiguration, Equatable {
    /// Prior clicks (Beta alpha, > 0; RecoGym uses 1).
    public var priorClicks: Float = 1
    /// Prior non-clicks (Beta beta, > 0; RecoGym uses 1).
    public var priorMisses: Float = 1

    public init() {}

    public func validate() throws {
        try ConfigurationError.require(priorClicks > 0 && priorClicks.isFinite, "priorClicks", priorClicks, "a finite count above 0")
        try ConfigurationError.require(priorMisses > 0 && priorMisses.isFinite, "priorMisses", priorMisses, "a finite count above 0")
    }

    public var summary: String { "Beta(\(priorClicks), \(priorMisses)) prior" }

    enum CodingKeys: String, CodingKey, CaseIterable { case priorClicks, priorMisses }

    public init(from decoder: Decoder) throws {
        let values = try PartialConfigurationDecoder<CodingKeys>(decoder)
        let defaults = BanditCountConfiguration()
        priorClicks = try values.field(.priorClicks, defaults.priorClicks)
        priorMisses = try values.field(.priorMisses, defaults.priorMisses)
    }

    public func encode(to encoder: Encoder) throws { try ConfigurationEncoding.encodeAll(self, to: encoder) }
}

/// The L2-regularised logistic regressions of RecoGym's `LogregPolyAgent` (`likelihood`) and
/// `LogregMulticlassIpsAgent` (`logreg-ips`), fitted by Newton's method: minimise
/// `0.5 * l2 * ||w||² + sum of log-losses`, intercepts unpenalised. `l2 = 1` is scikit-learn's default
/// `C = 1` (scikit-learn minimises `0.5 * ||w||² + C * sum of log-losses`, the same optimum for
/// `C = 1 / l2`).
public struct LogisticRegressionConfiguration: AlgorithmConfiguration, Equatable {
    /// Strength of the L2 penalty on the coefficients (not the intercepts): `1 / C` in scikit-learn's
    /// terms, finite and above 0 (RecoGym uses scikit-learn's default, 1).
    public var l2: Double = 1
    /// The fit stops when no coefficient moves by more than this in a step, in (0, 1].
    public var tolerance: Double = 1e-6
    /// The fit stops after this many steps even if not converged (keeping the last coefficients), from 1
    /// to 10,000.
    public var maxIterations = 100

    public init() {}

    public func validate() throws {
        try ConfigurationError.require(l2 > 0 && l2.isFinite, "l2", l2, "a finite penalty above 0 (1 / C; scikit-learn's default C = 1)")
        try ConfigurationError.require(tolerance > 0 && tolerance <= 1, "tolerance", tolerance, "a step size in (0, 1]")
        try ConfigurationLimits.require(maxIterations, in: 1...10_000, "maxIterations")
    }

    public var summary: String { "l2 \(l2) (C = \(1 / l2)), tolerance \(tolerance), maxIterations \(maxIterations)" }

    enum CodingKeys: String, CodingKey, CaseIterable { case l2, tolerance, maxIterations }

    public init(from decoder: Decoder) throws {
        let values = try PartialConfigurationDecoder<CodingKeys>(decoder)
        let defaults = LogisticRegressionConfiguration()
        l2 = try values.field(.l2, defaults.l2)
        tolerance = try values.field(.tolerance, defaults.tolerance)
        maxIterations = try values.field(.maxIterations, defaults.maxIterations)
    }

    public func encode(to encoder: Encoder) throws { try ConfigurationEncoding.encodeAll(self, to: encoder) }
}

/// LinUCB's settings (Li et al. 2010, the disjoint model): `alpha` scales the confidence bonus,
/// `lambda` the ridge prior; the features are the context's values (`LinearFeatures`).
public struct LinUCBConfiguration: AlgorithmConfiguration, Equatable {
    /// Width of the upper confidence bound, in standard deviations of the estimate (>= 0; 0 is greedy).
    public var alpha: Float = 1
    /// Ridge regularisation, `A_a = lambda I + sum x xᵀ` (> 0).
    public var lambda: Float = 1
    /// Append a constant feature 1 (a per-action base rate).
    public var intercept = true
    /// Map every context value `x` to `sign(x) log(1 + |x|)` (for counts).
    public var logFeatures = false

    public init() {}

    public func validate() throws {
        try ConfigurationError.require(alpha >= 0 && alpha.isFinite, "alpha", alpha, "a finite number >= 0")
        try ConfigurationError.require(lambda > 0 && lambda.isFinite, "lambda", lambda, "a finite number above 0")
    }

    public var summary: String { "alpha \(alpha), lambda \(lambda), intercept \(intercept), logFeatures \(logFeatures)" }

    enum CodingKeys: String, CodingKey, CaseIterable { case alpha, lambda, intercept, logFeatures }

    public init(from decoder: Decoder) throws {
        let values = try PartialConfigurationDecoder<CodingKeys>(decoder)
        let defaults = LinUCBConfiguration()
        alpha = try values.field(.alpha, defaults.alpha)
        lambda = try values.field(.lambda, defaults.lambda)
        intercept = try values.field(.intercept, defaults.intercept)
        logFeatures = try values.field(.logFeatures, defaults.logFeatures)
    }

    public func encode(to encoder: Encoder) throws { try ConfigurationEncoding.encodeAll(self, to: encoder) }
}

/// Linear Thompson sampling's settings (Agrawal & Goyal 2013): the posterior of action `a` is
/// `N(theta_a, v² A_a⁻¹)` over the ridge statistics LinUCB keeps.
public struct ThompsonSamplingConfiguration: AlgorithmConfiguration, Equatable {
    /// Scale of the posterior's standard deviation (>= 0; 0 is greedy).
    public var v: Float = 0.25
    /// Ridge regularisation (the prior precision), `A_a = lambda I + sum x xᵀ` (> 0).
    public var lambda: Float = 1
    /// Append a constant feature 1 (a per-action base rate).
    public var intercept = true
    /// Map every context value `x` to `sign(x) log(1 + |x|)` (for counts).
    public var logFeatures = false
    /// Further posterior draws per decision for the Monte-Carlo estimate of the chosen action's
    /// propensity (0 to 65,536; 0 logs propensity 1).
    public var propensityDraws = 64

    public init() {}

    public func validate() throws {
        try ConfigurationError.require(v >= 0 && v.isFinite, "v", v, "a finite number >= 0")
        try ConfigurationError.require(lambda > 0 && lambda.isFinite, "lambda", lambda, "a finite number above 0")
        try ConfigurationLimits.require(propensityDraws, in: 0...65_536, "propensityDraws")
    }

    public var summary: String {
        "v \(v), lambda \(lambda), intercept \(intercept), logFeatures \(logFeatures), \(propensityDraws) propensity draws"
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case v, lambda, intercept, logFeatures, propensityDraws }

    public init(from decoder: Decoder) throws {
        let values = try PartialConfigurationDecoder<CodingKeys>(decoder)
        let defaults = ThompsonSamplingConfiguration()
        v = try values.field(.v, defaults.v)
        lambda = try values.field(.lambda, defaults.lambda)
        intercept = try values.field(.intercept, defaults.intercept)
        logFeatures = try values.field(.logFeatures, defaults.logFeatures)
        propensityDraws = try values.field(.propensityDraws, defaults.propensityDraws)
    }

    public func encode(to encoder: Encoder) throws { try ConfigurationEncoding.encodeAll(self, to: encoder) }
}

/// The neural IPS policy's settings: an MLP from the features to a softmax over the actions, trained
/// by Adam on the clipped-IPS objective (`ClippedIPSLoss`).
public struct NeuralIPSConfiguration: AlgorithmConfiguration, Equatable {
    /// What the network reads from a context.
    public enum Features: String, Codable, Sendable, CaseIterable {
        /// The view counts, columns `0..<P` of RecoGym's `viewHistory` layout (RecoGym's NN-IPS).
        case viewCounts
        /// The whole context, whatever its layout.
        case context
    }

    /// The nonlinearity between hidden layers.
    public enum Activation: String, Codable, Sendable, CaseIterable {
        case relu, sigmoid

        public var layer: LayerSpec { self == .relu ? .relu : .sigmoid }
    }

    public var features: Features = .viewCounts
    /// Hidden layer widths: 1 to 16 layers, each 1 to 65,536 wide (RecoGym: [20, 20]).
    public var hiddenLayers: [Int] = [20, 20]
    /// RecoGym uses sigmoid; relu trains faster here.
    public var activation: Activation = .relu
    /// Adam step size.
    public var learningRate: Float = 0.01
    /// Passes over the log (1 to 10,000).
    public var epochs = 20
    /// Interactions per Adam step (1 to 65,536; a log no longer than that is one full batch).
    public var batchSize = 512
    /// The importance ratio's clip `M`: the objective is `(1/n) sum r_i min(pi(a_i|x_i) / p_i, M)` (> 0).
    public var clip: Float = 10

    public init() {}

    public func validate() throws {
        try ConfigurationLimits.requireHiddenLayers(hiddenLayers)
        try ConfigurationError.require(learningRate > 0 && learningRate.isFinite, "learningRate", learningRate, "a positive number")
        try ConfigurationLimits.require(epochs, in: 1...ConfigurationLimits.maximumEpochs, "epochs")
        try ConfigurationLimits.require(batchSize, in: 1...ConfigurationLimits.maximumBatchSize, "batchSize")
        try ConfigurationError.require(clip > 0 && clip.isFinite, "clip", clip, "a finite number above 0")
    }

    public var summary: String {
        "\(features.rawValue) -> hidden \(hiddenLayers) \(activation.rawValue), lr \(learningRate), \(epochs) epochs of batches of \(batchSize), clip \(clip)"
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case features, hiddenLayers, activation, learningRate, epochs, batchSize, clip }

    public init(from decoder: Decoder) throws {
        let values = try PartialConfigurationDecoder<CodingKeys>(decoder)
        let defaults = NeuralIPSConfiguration()
        features = try values.field(.features, defaults.features)
        hiddenLayers = try values.field(.hiddenLayers, defaults.hiddenLayers)
        activation = try values.field(.activation, defaults.activation)
        learningRate = try values.field(.learningRate, defaults.learningRate)
        epochs = try values.field(.epochs, defaults.epochs)
        batchSize = try values.field(.batchSize, defaults.batchSize)
        clip = try values.field(.clip, defaults.clip)
    }

    public func encode(to encoder: Encoder) throws { try ConfigurationEncoding.encodeAll(self, to: encoder) }
}

extension NeuralIPSConfiguration: MemoryBoundedConfiguration {
    /// The network's parameters with gradients and Adam moments, and its workspaces for a batch (id
    /// columns are read as numbers: the model embeds nothing).
    public func validateMemory(copies: Int, observationWidth: Int, actions: Int, observationIds: ObservationIds?) throws {
        let inputs = features == .viewCounts ? actions : observationWidth
        try ConfigurationLimits.requireMemory([
            .init(field: "hiddenLayers", value: "\(hiddenLayers)",
                  bytes: ConfigurationLimits.trainedParameterBytes(inputs: inputs, hidden: hiddenLayers, outputs: actions),
                  formula: "the network (parameters x 4 bytes x 4)"),
            .init(field: "batchSize", value: "\(batchSize)",
                  bytes: ConfigurationLimits.workspaceBytes(rows: Double(batchSize), inputs: inputs, hidden: hiddenLayers, outputs: actions),
                  formula: "the workspaces of a batch (batchSize x widest layer x layers x 4 bytes)"),
        ])
    }
}

/// The next-view model's settings: what it reads from a context, and its logistic regression's penalty
/// and Newton fit (as `LogisticRegressionConfiguration`).
public struct NextViewConfiguration: AlgorithmConfiguration, Equatable {
    /// How the view counts `n` (columns `0..<P` of RecoGym's `viewHistory` layout) enter the regression.
    public enum Counts: String, Codable, Sendable, CaseIterable {
        /// `n_j` as they are.
        case counts
        /// `log(1 + n_j)`.
        case logCounts
        /// `n_j / Σ n` (all 0 before the first view).
        case shares
    }

    public var counts: Counts = .logCounts
    /// Also read the one-hot of the last viewed product (columns `P..<2P`).
    public var lastViewed = true
    /// Strength of the L2 penalty on the coefficients (not the intercepts), finite and above 0.
    public var l2: Double = 1
    /// The fit stops when no coefficient moves by more than this in a step, in (0, 1].
    public var tolerance: Double = 1e-6
    /// The fit stops after this many steps even if not converged (keeping the last coefficients), from 1
    /// to 10,000.
    public var maxIterations = 100

    public init() {}

    public func validate() throws {
        try ConfigurationError.require(l2 > 0 && l2.isFinite, "l2", l2, "a finite penalty above 0")
        try ConfigurationError.require(tolerance > 0 && tolerance <= 1, "tolerance", tolerance, "a step size in (0, 1]")
        try ConfigurationLimits.require(maxIterations, in: 1...10_000, "maxIterations")
    }

    /// Inputs per class for `products` products.
    public func inputs(products: Int) -> Int { lastViewed ? 2 * products : products }

    public var summary: String {
        "\(counts.rawValue)\(lastViewed ? " and last viewed" : ""), l2 \(l2), tolerance \(tolerance), maxIterations \(maxIterations)"
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case counts, lastViewed, l2, tolerance, maxIterations }

    public init(from decoder: Decoder) throws {
        let values = try PartialConfigurationDecoder<CodingKeys>(decoder)
        let defaults = NextViewConfiguration()
        counts = try values.field(.counts, defaults.counts)
        lastViewed = try values.field(.lastViewed, defaults.lastViewed)
        l2 = try values.field(.l2, defaults.l2)
        tolerance = try values.field(.tolerance, defaults.tolerance)
        maxIterations = try values.field(.maxIterations, defaults.maxIterations)
    }

    public func encode(to encoder: Encoder) throws { try ConfigurationEncoding.encodeAll(self, to: encoder) }
}
