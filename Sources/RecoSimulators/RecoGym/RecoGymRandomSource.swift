import Foundation
import RecoTensor

/// The three kinds of draw RecoGym makes, so the simulator runs on either stream: the engine's
/// `RandomGenerator` (the default) or `NumpyRandomState` (bit-exact RecoGym).
public protocol RecoGymRandomSource {
    /// A uniform double in [0, 1) (what `choice` with probabilities consumes).
    mutating func recoGymUniform() -> Double
    /// A standard normal double.
    mutating func recoGymGaussian() -> Double
    /// A uniform index in 0..<`bound` (the uniform logging policy's `choice(P)`).
    mutating func recoGymIndex(below bound: Int) -> Int
}

extension NumpyRandomState: RecoGymRandomSource {
    public mutating func recoGymUniform() -> Double { randomSample() }
    public mutating func recoGymGaussian() -> Double { gauss() }
    public mutating func recoGymIndex(below bound: Int) -> Int { randint(below: bound) }
}

extension RandomGenerator: RecoGymRandomSource {
    public mutating func recoGymUniform() -> Double { uniformDouble() }
    /// Box-Muller in double precision, one value per call (no cached state, so copies stay independent
    /// of how many normals were drawn before).
    public mutating func recoGymGaussian() -> Double {
        let u1 = 1 - uniformDouble()  // (0, 1]: the logarithm stays finite
        let u2 = uniformDouble()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }
    public mutating func recoGymIndex(below bound: Int) -> Int { index(below: bound) }
}

/// Which random stream a `RecoGymEnvironment` draws from.
public enum RecoGymRandomStream: String, Codable, Sendable {
    /// The engine's `RandomGenerator`: the static world from `RandomGenerator(seed: random_seed)`, every
    /// user from the generator the caller passes to `reset`/`step` (so `VectorEnvironment` seeds copies).
    case engine
    /// One `NumpyRandomState(random_seed)` held by the environment, as RecoGym does (re-seeded after the
    /// static world); the generators passed to `reset`/`step` are ignored. Bit-exact with recogym 0.1.3.0.
    case numpy
}
