import Foundation
import RecoEnvironments
import RecoTensor

/// The classic cart-pole balancing task (Barto, Sutton and Anderson, 1983, "Neuronlike adaptive
/// elements that can solve difficult learning control problems"), as Gymnasium's `CartPole-v1`.
///
/// A pole is hinged on a cart that moves along a frictionless track; the agent pushes the cart left
/// (action 0) or right (action 1) with a force of 10 N and earns 1 per step while the pole stays up.
/// The dynamics, constants, thresholds and start distribution follow the Gymnasium implementation
/// exactly (Euler integration in double precision, observations rounded to Float), so learning curves
/// compare with the published ones. It is here only as a sanity check that the algorithms learn what
/// the RL world knows they learn.
///
/// - Observation: `[x, x_dot, theta, theta_dot]`, bounded by `±4.8`, `±inf`, `±0.418879` rad (24
///   degrees) and `±inf`.
/// - Start: every state variable uniform in `[-0.05, 0.05]`.
/// - Terminated: `|x| > 2.4` or `|theta| > 12` degrees, after the step that got there (which still
///   earns its 1).
/// - Truncated: after `maxEpisodeSteps` steps (500 in `CartPole-v1`), unless terminated in that step.
public struct CartPole: Environment {
    /// The cart-pole's physical state, in SI units (metres, radians, per second).
    public struct State: Equatable, Sendable {
        /// Cart position (0 is the centre of the track).
        public var x: Double
        /// Cart velocity.
        public var xDot: Double
        /// Pole angle from upright (positive leans right).
        public var theta: Double
        /// Pole angular velocity.
        public var thetaDot: Double

        public init(x: Double, xDot: Double, theta: Double, thetaDot: Double) {
            self.x = x
            self.xDot = xDot
            self.theta = theta
            self.thetaDot = thetaDot
        }
    }

    /// Gravitational acceleration (m/s^2).
    public static let gravity = 9.8
    /// Mass of the cart (kg).
    public static let cartMass = 1.0
    /// Mass of the pole (kg).
    public static let poleMass = 0.1
    /// Half the pole's length (m): the distance from the hinge to the pole's centre of mass.
    public static let poleHalfLength = 0.5
    /// Magnitude of the push (N).
    public static let forceMagnitude = 10.0
    /// Seconds between steps.
    public static let tau = 0.02
    /// The episode ends when the cart leaves `[-2.4, 2.4]` m.
    public static let positionThreshold = 2.4
    /// The episode ends when the pole leans more than 12 degrees (radians).
    public static let angleThreshold = 12 * 2 * Double.pi / 360

    /// Steps after which an episode is truncated.
    public let maxEpisodeSteps: Int
    /// The current physical state. Setting it (for example to replay a given situation) keeps the
    /// step count, as assigning Gymnasium's `env.unwrapped.state` does.
    public var state = State(x: 0, xDot: 0, theta: 0, thetaDot: 0)
    /// Steps taken in the current episode.
    public private(set) var stepsTaken = 0

    /// A cart-pole whose episodes are truncated after `maxEpisodeSteps` steps (500 as in `CartPole-v1`).
    public init(maxEpisodeSteps: Int = 500) {
        precondition(maxEpisodeSteps >= 1, "an episode needs at least one step, got \(maxEpisodeSteps)")
        self.maxEpisodeSteps = maxEpisodeSteps
    }

    public var observationSpace: Space {
        let high = [Float(2 * CartPole.positionThreshold), .infinity, Float(2 * CartPole.angleThreshold), .infinity]
        return .box(lower: high.map { -$0 }, upper: high)
    }

    public var actionSpace: Space { .discrete(2) }

    public mutating func reset(using generator: inout RandomGenerator, observation: UnsafeMutableBufferPointer<Float>) {
        state = State(x: generator.uniformDouble() * 0.1 - 0.05, xDot: generator.uniformDouble() * 0.1 - 0.05,
                      theta: generator.uniformDouble() * 0.1 - 0.05, thetaDot: generator.uniformDouble() * 0.1 - 0.05)
        stepsTaken = 0
        write(observation)
    }

    public mutating func step(_ action: UnsafeBufferPointer<Int32>, using generator: inout RandomGenerator,
                              observation: UnsafeMutableBufferPointer<Float>) -> StepOutcome {
        precondition(action.count == 1 && (action[0] == 0 || action[0] == 1), "cart-pole actions are 0 (left) or 1 (right)")
        let force = action[0] == 1 ? CartPole.forceMagnitude : -CartPole.forceMagnitude
        let totalMass = CartPole.cartMass + CartPole.poleMass
        let poleMassLength = CartPole.poleMass * CartPole.poleHalfLength
        let cosTheta = cos(state.theta), sinTheta = sin(state.theta)
        // The frictionless equations of motion of Barto, Sutton and Anderson (1983), as Gymnasium computes them.
        let temp = (force + poleMassLength * state.thetaDot * state.thetaDot * sinTheta) / totalMass
        let thetaAcc = (CartPole.gravity * sinTheta - cosTheta * temp)
            / (CartPole.poleHalfLength * (4.0 / 3.0 - CartPole.poleMass * cosTheta * cosTheta / totalMass))
        let xAcc = temp - poleMassLength * thetaAcc * cosTheta / totalMass
        state.x += CartPole.tau * state.xDot
        state.xDot += CartPole.tau * xAcc
        state.theta += CartPole.tau * state.thetaDot
        state.thetaDot += CartPole.tau * thetaAcc
        stepsTaken += 1
        write(observation)
        let terminated = abs(state.x) > CartPole.positionThreshold || abs(state.theta) > CartPole.angleThreshold
        return StepOutcome(reward: 1, terminated: terminated, truncated: !terminated && stepsTaken >= maxEpisodeSteps)
    }

    private func write(_ observation: UnsafeMutableBufferPointer<Float>) {
        precondition(observation.count == 4, "a cart-pole observation has 4 values, the buffer has \(observation.count)")
        observation[0] = Float(state.x)
        observation[1] = Float(state.xDot)
        observation[2] = Float(state.theta)
        observation[3] = Float(state.thetaDot)
    }
}

// Saved and restored whole by resumable runs (see `SnapshottableEnvironment`).
extension CartPole: Codable, SnapshottableEnvironment {
    public typealias SavedState = CartPole
}
extension CartPole.State: Codable {}
