import Foundation

/// RecoGym's click link (reco_env_v1.py L33-41): ff(x) = σ(5·σ(2·σ(0.3·x) − 2) − 6), increasing from
/// σ(5σ(−2) − 6) ≈ 0.00448 to σ(−3.5) ≈ 0.0293, so no policy can exceed a 2.93 % click rate.
public enum RecoGymClickFunction {
    /// σ(x) = 1 / (1 + e^(−x)).
    @inlinable public static func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }

    /// The click probability of a score β_a·ω + μ^b_a.
    @inlinable public static func probability(score x: Double) -> Double {
        sigmoid(5 * sigmoid(2 * sigmoid(0.3 * x) - 2) - 6)
    }
}
