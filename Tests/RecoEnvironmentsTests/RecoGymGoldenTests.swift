import Foundation
import RecoSimulators
import RecoTensor
import Testing

/// RecoGym's own output for seed 42 and 10 products (Fixtures/recogym_golden_p10_seed42.json, produced
/// by recogym 0.1.3.0; see Fixtures/README_recogym.md), reproduced on the NumPy stream.
@Suite struct RecoGymGoldenTests {
    struct Golden: Decodable {
        struct Event: Decodable {
            var t: Double
            var u: Int
            var z: String
            var v: Int?
            var a: Int?
            var c: Int?
        }
        var env_args: RecoGymConfiguration
        var state_transition: [[Double]]
        var Gamma: [[Double]]
        var mu_organic: [Double]
        var beta: [[Double]]
        var mu_bandit: [Double]
        var ff_probe: [String: Double]
        var events: [Event]
    }

    static func golden() throws -> Golden {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/recogym_golden_p10_seed42.json")
        return try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
    }

    static func maxDifference(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count)
        return zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    @Test func staticParametersMatchRecoGymToWithin1e12() throws {
        let golden = try Self.golden()
        let environment = try RecoGymEnvironment(configuration: golden.env_args, stream: .numpy)
        let world = environment.world
        #expect(Self.maxDifference(world.stateTransition.flatMap { $0 }, golden.state_transition.flatMap { $0 }) == 0)
        #expect(Self.maxDifference(world.gamma, golden.Gamma.flatMap { $0 }) < 1e-12)
        #expect(Self.maxDifference(world.muOrganic, golden.mu_organic) < 1e-12)
        #expect(Self.maxDifference(world.beta, golden.beta.flatMap { $0 }) < 1e-12)
        #expect(Self.maxDifference(world.muBandit, golden.mu_bandit) < 1e-12)
        for (key, expected) in golden.ff_probe {
            let got = RecoGymClickFunction.probability(score: Double(key)!)
            #expect(abs(got - expected) < 1e-15, "ff(\(key)) = \(got), RecoGym \(expected)")
        }
    }

    @Test func eventLogMatchesRecoGymEventForEvent() throws {
        let golden = try Self.golden()
        let configuration = golden.env_args
        try configuration.validate()
        var random = NumpyRandomState(seed: UInt32(configuration.randomSeed))
        let world = RecoGymWorld(configuration: configuration, random: &random)
        random.seed(UInt32(configuration.randomSeed))
        let users = Set(golden.events.map(\.u)).count
        let events = RecoGymLogs.generate(world: world, configuration: configuration, users: users, random: &random)
        let expected = golden.events.map { e in
            e.z == "organic" ? RecoGymEvent.organic(time: Int(e.t), user: e.u, product: e.v!)
                : RecoGymEvent.bandit(time: Int(e.t), user: e.u, action: e.a!, click: e.c! == 1)
        }
        if let first = zip(events, expected).enumerated().first(where: { $0.element.0 != $0.element.1 }) {
            Issue.record("first divergence at event \(first.offset): expected \(first.element.1), got \(first.element.0)")
        }
        #expect(events.count == expected.count)
        #expect(expected.contains { $0.click }, "the golden log should exercise a click")
    }

    /// The NumPy stream also drives the `Environment` conformance: reset, then the impressions of the
    /// golden log's first user (actions taken from the log, whose random draws the environment does not
    /// make, so only the first impression's outcome is comparable), as far as the first user's views.
    @Test func environmentOnTheNumpyStreamStartsWithTheGoldenFirstSession() throws {
        let golden = try Self.golden()
        var environment = try RecoGymEnvironment(configuration: golden.env_args, stream: .numpy)
        var generator = RandomGenerator(seed: 0)  // ignored on the NumPy stream
        let observation = environment.reset(using: &generator)
        let firstViews = golden.events.prefix { $0.u == 0 && $0.z == "organic" }
        var counts = [Float](repeating: 0, count: 10)
        for event in firstViews { counts[event.v!] += 1 }
        #expect(observation == counts)
        #expect(environment.eventsSinceLastAction.count == firstViews.count)
    }
}
