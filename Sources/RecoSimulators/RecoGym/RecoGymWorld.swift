import Foundation

/// RecoGym's static world, drawn once per environment (reco_env_v1.py `set_static_params`,
/// `generate_beta`; MODEL.md section 2): the Markov matrix, the organic product embeddings Γ (P×K,
/// row-major), the popularity offsets μ^o, and the bandit parameters β, μ^b.
public struct RecoGymWorld: Codable, Equatable, Sendable {
    public let numProducts: Int
    public let K: Int
    /// Rows = from-state (organic, bandit, stop), columns = to-state.
    public let stateTransition: [[Double]]
    /// Γ, P×K row-major.
    public let gamma: [Double]
    /// μ^o, P.
    public let muOrganic: [Double]
    /// β, P×K row-major (Γ with `number_of_flips` similar pairs swapped, rows optionally unit-normed).
    public let beta: [Double]
    /// μ^b, P (μ^o permuted as β).
    public let muBandit: [Double]
    /// `stateTransition` rows as NumPy's `cumsum`, what `choice(3, p=row)` searches.
    let cumulativeTransition: [[Double]]

    /// Draws the world in RecoGym's order: P·K normals for Γ, then P normals scaled by
    /// `sigma_mu_organic` for μ^o; β and μ^b need no draws.
    public init<R: RecoGymRandomSource>(configuration c: RecoGymConfiguration, random: inout R) {
        numProducts = c.numProducts
        K = c.K
        // As RecoGym: the diagonal is 1 - Python's sum() of the row holding a 0 there, left to right.
        var organicRow = [0.0, c.probOrganicToBandit, c.probLeaveOrganic]
        organicRow[0] = 1 - (((0 + organicRow[0]) + organicRow[1]) + organicRow[2])
        var banditRow = [c.probBanditToOrganic, 0.0, c.probLeaveOrganic]
        banditRow[1] = 1 - (((0 + banditRow[0]) + banditRow[1]) + banditRow[2])
        stateTransition = [organicRow, banditRow, [0, 0, 1]]
        cumulativeTransition = stateTransition.map(NumpyChoice.cumulativeSum)

        let p = c.numProducts, k = c.K
        var gamma = [Double](repeating: 0, count: p * k)
        for i in 0..<(p * k) { gamma[i] = 0 + 1 * random.recoGymGaussian() }
        var mu = [Double](repeating: 0, count: p)
        for i in 0..<p { mu[i] = 0 + c.sigmaMuOrganic * random.recoGymGaussian() }
        self.gamma = gamma
        muOrganic = mu

        let permutation = Self.flipPermutation(gamma: gamma, products: p, K: k, flips: c.numberOfFlips)
        var beta = [Double](repeating: 0, count: p * k)
        var muBandit = [Double](repeating: 0, count: p)
        for i in 0..<p {
            for j in 0..<k { beta[i * k + j] = gamma[permutation[i] * k + j] }
            muBandit[i] = mu[permutation[i]]
        }
        if c.normalizeBeta {
            for i in 0..<p {
                var squares = 0.0
                for j in 0..<k { squares += beta[i * k + j] * beta[i * k + j] }
                let norm = squares.squareRoot()
                for j in 0..<k { beta[i * k + j] /= norm }
            }
        }
        self.beta = beta
        self.muBandit = muBandit
    }

    /// `generate_beta`'s index permutation: walk ΓΓᵀ (diagonal zeroed) from its largest entry down and
    /// swap each pair of products neither of which is used yet, `flips` times.
    static func flipPermutation(gamma: [Double], products p: Int, K k: Int, flips: Int) -> [Int] {
        var index = Array(0..<p)
        guard flips > 0 else { return index }
        var cov = [Double](repeating: 0, count: p * p)
        for i in 0..<p {
            for j in 0..<p where i != j {
                var s = 0.0
                for l in 0..<k { s += gamma[i * k + l] * gamma[j * k + l] }
                cov[i * p + j] = s
            }
        }
        // Descending; ties (the symmetric pair (i, j), (j, i)) swap the same two products either way.
        let order = (0..<(p * p)).sorted { cov[$0] > cov[$1] || (cov[$0] == cov[$1] && $0 > $1) }
        var used = Set<Int>()
        var done = 0
        for flat in order {
            let ii = flat / p, jj = flat % p
            if !used.contains(ii) && !used.contains(jj) {
                index[ii] = jj
                index[jj] = ii
                used.insert(ii)
                used.insert(jj)
                done += 1
                if done == flips { break }
            }
        }
        return index
    }

    /// Γ_j·ω + μ^o_j for every product j.
    func organicScores(omega: [Double]) -> [Double] { scores(gamma, muOrganic, omega) }

    /// β_a·ω + μ^b_a for every product a.
    func banditScores(omega: [Double]) -> [Double] { scores(beta, muBandit, omega) }

    private func scores(_ matrix: [Double], _ offset: [Double], _ omega: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: numProducts)
        for i in 0..<numProducts {
            var s = 0.0
            for j in 0..<K { s += matrix[i * K + j] * omega[j] }
            out[i] = s + offset[i]
        }
        return out
    }

    /// P(view = j | ω) = softmax_j(Γ_j·ω + μ^o_j), computed as RecoGym does (max subtracted, NumPy's sum).
    public func organicProbabilities(omega: [Double]) -> [Double] {
        var logits = organicScores(omega: omega)
        let top = logits.max()!
        for i in logits.indices { logits[i] = Foundation.exp(logits[i] - top) }
        let total = NumpyChoice.pairwiseSum(logits)
        return logits.map { $0 / total }
    }

    /// The click probability of every product for a user of taste ω.
    public func clickProbabilities(omega: [Double]) -> [Double] {
        banditScores(omega: omega).map(RecoGymClickFunction.probability(score:))
    }
}
