/// The settings of RecoGym's `env_1_args` that the generative model uses, under RecoGym's names in JSON
/// and with its defaults (MODEL.md section 1). `num_users`, `prob_leave_bandit`, `with_ps_all`,
/// `num_clusters` and `phi_var` are accepted in JSON (so RecoGym's dict decodes) but unused, as in
/// RecoGym: the bandit row of the Markov matrix reads `prob_leave_organic`.
public struct RecoGymConfiguration: Codable, Equatable, Sendable {
    /// P, the number of products (= actions).
    public var numProducts: Int = 10
    /// Unused by the simulator (kept for RecoGym's dict).
    public var numUsers: Int = 100
    /// Seed of the static world (and, in the numpy stream, of every user). RecoGym draws one at import
    /// time when unset; here it defaults to 42, the seed of the golden log.
    public var randomSeed: Int = 42
    public var probOrganicToBandit: Double = 0.25
    public var probBanditToOrganic: Double = 0.05
    /// Leave probability from both organic and bandit (RecoGym's quirk).
    public var probLeaveOrganic: Double = 0.01
    /// Unused, as in RecoGym.
    public var probLeaveBandit: Double = 0.01
    /// Latent dimension.
    public var K: Int = 5
    public var sigmaOmegaInitial: Double = 1
    public var sigmaOmega: Double = 0.1
    public var sigmaMuOrganic: Double = 3
    public var numberOfFlips: Int = 0
    public var normalizeBeta: Bool = false
    public var changeOmegaForBandits: Bool = false
    /// Unused (logging detail in RecoGym).
    public var withPsAll: Bool = false
    /// reco-gym-v0 only, unused.
    public var numClusters: Int = 2
    /// reco-gym-v0 only, unused.
    public var phiVar: Double = 0.1

    public init() {}

    enum CodingKeys: String, CodingKey {
        case numProducts = "num_products", numUsers = "num_users", randomSeed = "random_seed"
        case probOrganicToBandit = "prob_organic_to_bandit", probBanditToOrganic = "prob_bandit_to_organic"
        case probLeaveOrganic = "prob_leave_organic", probLeaveBandit = "prob_leave_bandit"
        case K, sigmaOmegaInitial = "sigma_omega_initial", sigmaOmega = "sigma_omega"
        case sigmaMuOrganic = "sigma_mu_organic", numberOfFlips = "number_of_flips"
        case normalizeBeta = "normalize_beta", changeOmegaForBandits = "change_omega_for_bandits"
        case withPsAll = "with_ps_all", numClusters = "num_clusters", phiVar = "phi_var"
    }

    /// Missing keys take RecoGym's defaults; unknown keys are ignored like RecoGym's `Configuration`.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = RecoGymConfiguration()
        func value<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
            try c.decodeIfPresent(T.self, forKey: key) ?? fallback
        }
        numProducts = try value(.numProducts, d.numProducts)
        numUsers = try value(.numUsers, d.numUsers)
        randomSeed = try value(.randomSeed, d.randomSeed)
        probOrganicToBandit = try value(.probOrganicToBandit, d.probOrganicToBandit)
        probBanditToOrganic = try value(.probBanditToOrganic, d.probBanditToOrganic)
        probLeaveOrganic = try value(.probLeaveOrganic, d.probLeaveOrganic)
        probLeaveBandit = try value(.probLeaveBandit, d.probLeaveBandit)
        K = try value(.K, d.K)
        sigmaOmegaInitial = try value(.sigmaOmegaInitial, d.sigmaOmegaInitial)
        sigmaOmega = try value(.sigmaOmega, d.sigmaOmega)
        sigmaMuOrganic = try value(.sigmaMuOrganic, d.sigmaMuOrganic)
        numberOfFlips = try value(.numberOfFlips, d.numberOfFlips)
        normalizeBeta = try value(.normalizeBeta, d.normalizeBeta)
        changeOmegaForBandits = try value(.changeOmegaForBandits, d.changeOmegaForBandits)
        withPsAll = try value(.withPsAll, d.withPsAll)
        numClusters = try value(.numClusters, d.numClusters)
        phiVar = try value(.phiVar, d.phiVar)
    }

    /// Throws a `RecoGymConfigurationError` naming the first bad field, its value and what was expected.
    public func validate() throws {
        func fail(_ field: String, _ value: String, _ expected: String) -> RecoGymConfigurationError {
            RecoGymConfigurationError(field: field, value: value, expected: expected)
        }
        func probability(_ field: String, _ p: Double) throws {
            guard p.isFinite, p >= 0, p <= 1 else { throw fail(field, "\(p)", "a probability in [0, 1]") }
        }
        guard numProducts >= 1, numProducts <= 1 << 24 else {
            throw fail("num_products", "\(numProducts)", "an integer in 1...16777216")
        }
        guard numUsers >= 0 else { throw fail("num_users", "\(numUsers)", "a non-negative integer") }
        guard randomSeed >= 0, randomSeed <= Int(UInt32.max) else {
            throw fail("random_seed", "\(randomSeed)", "an integer in 0...4294967295 (NumPy's seed range)")
        }
        try probability("prob_organic_to_bandit", probOrganicToBandit)
        try probability("prob_bandit_to_organic", probBanditToOrganic)
        try probability("prob_leave_organic", probLeaveOrganic)
        try probability("prob_leave_bandit", probLeaveBandit)
        guard probOrganicToBandit + probLeaveOrganic <= 1 else {
            throw fail("prob_organic_to_bandit", "\(probOrganicToBandit)",
                       "at most 1 - prob_leave_organic = \(1 - probLeaveOrganic) (the organic row must sum to 1)")
        }
        guard probBanditToOrganic + probLeaveOrganic <= 1 else {
            throw fail("prob_bandit_to_organic", "\(probBanditToOrganic)",
                       "at most 1 - prob_leave_organic = \(1 - probLeaveOrganic) (the bandit row must sum to 1)")
        }
        guard K >= 1, K <= 4096 else { throw fail("K", "\(K)", "an integer in 1...4096") }
        for (field, sigma) in [("sigma_omega_initial", sigmaOmegaInitial), ("sigma_omega", sigmaOmega),
                               ("sigma_mu_organic", sigmaMuOrganic), ("phi_var", phiVar)] {
            guard sigma.isFinite, sigma >= 0 else { throw fail(field, "\(sigma)", "a finite non-negative number") }
        }
        guard numberOfFlips >= 0, numberOfFlips <= numProducts / 2 else {
            throw fail("number_of_flips", "\(numberOfFlips)",
                       "an integer in 0...num_products/2 = \(numProducts / 2) (each flip uses two products)")
        }
        guard numClusters >= 1 else { throw fail("num_clusters", "\(numClusters)", "a positive integer") }
    }
}
