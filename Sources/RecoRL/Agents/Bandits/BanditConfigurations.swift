import Foundation

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
