import Foundation
import RecoEnvironments
import RecoSimulators
import RecoTensor
import Testing

@Suite struct RecoGymEnvironmentTests {
    /// Steps `environment` with actions 0, 1, 2, ... and returns (observation, reward, terminated) per step.
    static func run(_ environment: inout RecoGymEnvironment, generator: inout RandomGenerator,
                    steps: Int) -> [[Float]] {
        var trace: [[Float]] = []
        for t in 0..<steps {
            let (observation, outcome) = environment.step(t % 10, using: &generator)
            trace.append(observation + [outcome.reward, outcome.terminated ? 1 : 0])
            if outcome.terminated { trace.append(environment.reset(using: &generator)) }
        }
        return trace
    }

    /// A JSON round trip mid-episode continues identically, on either stream (what snapshots rely on).
    @Test(arguments: [RecoGymRandomStream.engine, .numpy])
    func codableRoundTripContinuesIdentically(stream: RecoGymRandomStream) throws {
        var environment = try RecoGymEnvironment(configuration: RecoGymConfiguration(), stream: stream)
        var generator = RandomGenerator(seed: 11)
        _ = environment.reset(using: &generator)
        _ = Self.run(&environment, generator: &generator, steps: 137)
        var restored = try JSONDecoder().decode(RecoGymEnvironment.self, from: JSONEncoder().encode(environment))
        #expect(restored.world == environment.world && restored.user == environment.user)
        var generatorCopy = generator
        #expect(Self.run(&environment, generator: &generator, steps: 300)
                == Self.run(&restored, generator: &generatorCopy, steps: 300))
    }

    /// On the NumPy stream the generator passed in is ignored; on the engine stream it decides the users
    /// while the world stays that of `random_seed`.
    @Test func streamsDrawUsersFromTheRightSource() throws {
        var a = try RecoGymEnvironment(configuration: RecoGymConfiguration(), stream: .numpy)
        var b = a
        var g1 = RandomGenerator(seed: 1), g2 = RandomGenerator(seed: 2)
        _ = a.reset(using: &g1)
        _ = b.reset(using: &g2)
        #expect(Self.run(&a, generator: &g1, steps: 200) == Self.run(&b, generator: &g2, steps: 200))

        var c = RecoGymEnvironment(), d = RecoGymEnvironment()
        #expect(c.world == d.world)
        var g3 = RandomGenerator(seed: 1), g4 = RandomGenerator(seed: 2)
        _ = c.reset(using: &g3)
        _ = d.reset(using: &g4)
        #expect(Self.run(&c, generator: &g3, steps: 200) != Self.run(&d, generator: &g4, steps: 200))
    }

    /// Each observation counts exactly the organic views among `eventsSinceLastAction`, which after a
    /// step start with the impression just made; users who leave before any impression are skipped.
    @Test func observationsCountTheViewsSinceTheLastAction() {
        var configuration = RecoGymConfiguration()
        configuration.probLeaveOrganic = 0.2  // many users leave during their first session
        var environment = try! RecoGymEnvironment(configuration: configuration)
        var generator = RandomGenerator(seed: 5)
        for _ in 0..<200 {
            let observation = environment.reset(using: &generator)
            #expect(environment.user?.state == .bandit)
            #expect(observation == environment.viewCounts)
            let (next, outcome) = environment.step(3, using: &generator)
            #expect(environment.eventsSinceLastAction.first?.kind == .bandit)
            #expect(environment.eventsSinceLastAction.first?.product == 3)
            #expect(next == environment.viewCounts)
            #expect(outcome.reward == (environment.eventsSinceLastAction.first!.click ? 1 : 0))
        }
        #expect(environment.skippedUsers > 0)
        #expect(environment.nextUserID == 200 + environment.skippedUsers)
    }
}
