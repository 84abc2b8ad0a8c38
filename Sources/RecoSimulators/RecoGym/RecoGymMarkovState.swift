/// RecoGym's high-level user state (`organic = 0`, `bandit = 1`, `stop = 2` in abstract.py).
public enum RecoGymMarkovState: Int, Codable, Sendable, CaseIterable {
    /// The user browses products (organic page views).
    case organic = 0
    /// The user is shown a recommendation (one impression per step).
    case bandit = 1
    /// The user has left (absorbing).
    case stop = 2
}
