import RecoEnvironments
import RecoSimulators
import RecoTensor
import Testing

@Suite struct CartPoleTests {
    /// The balancing controller of the tests: push toward where the pole is falling.
    static func balance(_ observation: [Float]) -> Int { observation[2] + 0.5 * observation[3] > 0 ? 1 : 0 }

    @Test func spacesAreGymnasiumsCartPoleV1() {
        let cartPole = CartPole()
        #expect(cartPole.actionSpace == .discrete(2))
        guard case let .box(lower, upper) = cartPole.observationSpace else {
            Issue.record("observation space is not a box")
            return
        }
        #expect(upper.count == 4 && lower == upper.map { -$0 })
        #expect(abs(upper[0] - 4.8) < 1e-6 && abs(upper[2] - 0.418879) < 1e-6)
        #expect(upper[1] == .infinity && upper[3] == .infinity)
        #expect(cartPole.maxEpisodeSteps == 500)
    }

    @Test func resetDrawsEachVariableFromTheStartInterval() {
        var cartPole = CartPole()
        var generator = RandomGenerator(seed: 1)
        for _ in 0..<200 {
            let observation = cartPole.reset(using: &generator)
            #expect(observation.allSatisfy { abs($0) <= 0.05 })
            #expect(cartPole.stepsTaken == 0)
        }
    }

    /// From rest, pushing right: temp = F / (m_c + m_p) = 100/11; the angular acceleration is
    /// -temp / (l (4/3 - m_p / (m_c + m_p))) = -(100/11) / (0.5 x 41/33) = -600/41; the cart's is
    /// temp - m_p l thetaAcc / (m_c + m_p) = 100/11 + 300/451 = 400/41. Euler with tau = 0.02 moves the
    /// velocities only: x_dot = 8/41, theta_dot = -12/41.
    @Test func oneStepFromRestMatchesTheEquationsByHand() {
        var cartPole = CartPole()
        cartPole.state = CartPole.State(x: 0, xDot: 0, theta: 0, thetaDot: 0)
        var generator = RandomGenerator(seed: 0)
        let (observation, outcome) = cartPole.step(1, using: &generator)
        #expect(abs(cartPole.state.x) < 1e-12 && abs(cartPole.state.theta) < 1e-12)
        #expect(abs(cartPole.state.xDot - 8.0 / 41.0) < 1e-12)
        #expect(abs(cartPole.state.thetaDot + 12.0 / 41.0) < 1e-12)
        #expect(abs(observation[1] - 0.195_121_95) < 1e-7 && abs(observation[3] + 0.292_682_93) < 1e-7)
        #expect(outcome == StepOutcome(reward: 1))
    }

    /// A general state, both pushes, against Gymnasium's step written out:
    /// temp = (force + m_p l theta_dot^2 sin) / M, thetaAcc = (g sin - cos temp) / (l (4/3 - m_p cos^2 / M)),
    /// xAcc = temp - m_p l thetaAcc cos / M; then x += tau x_dot, x_dot += tau xAcc, theta += tau theta_dot,
    /// theta_dot += tau thetaAcc. The numbers were computed with those lines in Python.
    @Test func oneStepFromAMovingStateMatchesGymnasium() {
        let start = CartPole.State(x: 0.1, xDot: -0.2, theta: 0.05, thetaDot: 0.3)
        let expected: [Int: CartPole.State] = [
            1: CartPole.State(x: 0.096, xDot: -0.005625065781779709, theta: 0.056, thetaDot: 0.02349585151852651),
            0: CartPole.State(x: 0.096, xDot: -0.3957976546439626, theta: 0.056, thetaDot: 0.6080233136061515),
        ]
        for (action, next) in expected {
            var cartPole = CartPole()
            cartPole.state = start
            var generator = RandomGenerator(seed: 0)
            _ = cartPole.step(action, using: &generator)
            #expect(abs(cartPole.state.x - next.x) < 1e-12)
            #expect(abs(cartPole.state.xDot - next.xDot) < 1e-12)
            #expect(abs(cartPole.state.theta - next.theta) < 1e-12)
            #expect(abs(cartPole.state.thetaDot - next.thetaDot) < 1e-12)
        }
    }

    @Test func sameSeedGivesTheSameEpisode() {
        func rollout(seed: UInt64) -> [[Float]] {
            var cartPole = CartPole()
            var generator = RandomGenerator(seed: seed)
            var observations = [cartPole.reset(using: &generator)]
            for step in 0..<30 { observations.append(cartPole.step(step % 3 == 0 ? 0 : 1, using: &generator).observation) }
            return observations
        }
        #expect(rollout(seed: 7) == rollout(seed: 7))
        #expect(rollout(seed: 7) != rollout(seed: 8))
    }

    @Test func poleFallingTerminatesTheEpisode() {
        var cartPole = CartPole()
        var generator = RandomGenerator(seed: 3)
        _ = cartPole.reset(using: &generator)
        var steps = 0
        var outcome = StepOutcome(reward: 0)
        var observation: [Float] = []
        while !outcome.terminated && steps < 100 {
            (observation, outcome) = cartPole.step(1, using: &generator)
            steps += 1
            #expect(outcome.reward == 1)
        }
        #expect(outcome.terminated && !outcome.truncated)
        #expect(steps < 30)  // always pushing right tips the pole over within a second or so
        #expect(abs(observation[2]) > 0.209_439_51)
        #expect(abs(observation[0]) <= 2.4)
    }

    @Test func crossingAThresholdTerminatesAndStayingInsideDoesNot() {
        var generator = RandomGenerator(seed: 0)
        var cartPole = CartPole()
        cartPole.state = CartPole.State(x: 2.39, xDot: 1, theta: 0, thetaDot: 0)
        #expect(cartPole.step(1, using: &generator).outcome.terminated)  // x = 2.41
        cartPole.state = CartPole.State(x: -2.39, xDot: -1, theta: 0, thetaDot: 0)
        #expect(cartPole.step(0, using: &generator).outcome.terminated)
        cartPole.state = CartPole.State(x: 0, xDot: 0, theta: 0.2, thetaDot: 0.5)
        #expect(cartPole.step(1, using: &generator).outcome.terminated)  // theta = 0.21 > 12 degrees
        cartPole.state = CartPole.State(x: 0, xDot: 0, theta: 0.2, thetaDot: 0)
        #expect(!cartPole.step(1, using: &generator).outcome.terminated)  // theta stays 0.2 this step
    }

    @Test func balancingControllerIsTruncatedAtFiveHundredSteps() {
        var cartPole = CartPole()
        var generator = RandomGenerator(seed: 11)
        var observation = cartPole.reset(using: &generator)
        var total: Float = 0
        var outcome = StepOutcome(reward: 0)
        var steps = 0
        while !outcome.terminated && !outcome.truncated {
            (observation, outcome) = cartPole.step(CartPoleTests.balance(observation), using: &generator)
            total += outcome.reward
            steps += 1
        }
        #expect(steps == 500 && total == 500)
        #expect(outcome.truncated && !outcome.terminated)
    }

    @Test func terminationTakesPrecedenceOverTruncation() {
        var cartPole = CartPole(maxEpisodeSteps: 1)
        var generator = RandomGenerator(seed: 0)
        cartPole.state = CartPole.State(x: 2.39, xDot: 1, theta: 0, thetaDot: 0)
        let outcome = cartPole.step(1, using: &generator).outcome
        #expect(outcome.terminated && !outcome.truncated)
        _ = cartPole.reset(using: &generator)
        let next = cartPole.step(1, using: &generator).outcome
        #expect(next.truncated && !next.terminated)
    }
}
