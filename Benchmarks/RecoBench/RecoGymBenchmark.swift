import Foundation
import RecoEnvironments
import RecoExperiments
import RecoSimulators
import RecoTensor

/// The RecoGym figures: how fast the simulator makes events at a small and a large catalogue, and the
/// wall time of the 5,000-user A/B test of four stock baselines. RecoGym itself takes 100 to 490 s per
/// agent for such an A/B test on this kind of machine (the figure; Python, one user at a time).
struct RecoGymBenchmarkResult: Codable {
    struct Simulation: Codable {
        let products: Int
        let users: Int
        /// Organic views and impressions made by `RecoGymLogs.generate` (uniform random
        /// recommendations, one thread), per second.
        let eventsPerSecond: Double
        /// Impressions per second of 64 `VectorEnvironment` copies stepped with uniform actions (the
        /// batched path agents train on; copies spread over the thread policy's cores).
        let vectorStepsPerSecond: Double
    }
    let simulation: [Simulation]
    /// The agents of the A/B run and its settings.
    let abAgents: [String]
    let abTrainUsers: Int
    let abTestUsers: Int
    /// Seconds for the whole run: the shared log, every fit, every test.
    let abSeconds: Double
    let abResults: [ABTestResult]

    static func measure() throws -> RecoGymBenchmarkResult {
        var simulation: [Simulation] = []
        for (products, users) in [(10, 2_000), (10_000, 100)] {
            var configuration = RecoGymConfiguration()
            configuration.numProducts = products
            let environment = try RecoGymEnvironment(configuration: configuration)
            var random = RandomGenerator(seed: 1)
            var events = 0
            let seconds = Timing.seconds {
                events = RecoGymLogs.generate(world: environment.world, configuration: configuration, users: users,
                                              phantomImpressions: false, random: &random).count
            }
            let vector = VectorEnvironment(copies: 64) { _ in environment }
            vector.reset(seed: 2)
            let steps = max(64, min(200_000, events / 2))
            var actions = [Int32](repeating: 0, count: 64)
            let vectorSeconds = Timing.seconds {
                for _ in 0..<(steps / 64) {
                    for i in 0..<64 { actions[i] = Int32(random.index(below: products)) }
                    actions.withUnsafeBufferPointer { vector.step($0) }
                    _ = vector.drainCompletedEpisodes()
                }
            }
            simulation.append(Simulation(products: products, users: users, eventsPerSecond: Double(events) / seconds,
                                         vectorStepsPerSecond: Double(steps / 64 * 64) / vectorSeconds))
        }
        var settings = ABTestSettings()
        settings.agents = ["random", "organic-count", "likelihood", "bandit-count"]
        var results: [ABTestResult] = []
        let abSeconds = try Timing.throwingSeconds { results = try ABTest.run(settings) }
        return RecoGymBenchmarkResult(simulation: simulation, abAgents: settings.agents, abTrainUsers: settings.trainUsers,
                                      abTestUsers: settings.testUsers, abSeconds: abSeconds, abResults: results)
    }

    var text: String {
        var lines = ["RecoGym simulator (uniform random recommendations)",
                     Table.row(["products", "users", "events/s (1 thread)", "vector steps/s (64 copies)"], widths: [10, 8, 22, 28])]
        for s in simulation {
            lines.append(Table.row(["\(s.products)", "\(s.users)", String(format: "%.0f", s.eventsPerSecond),
                                    String(format: "%.0f", s.vectorStepsPerSecond)], widths: [10, 8, 22, 28]))
        }
        lines.append("")
        lines.append(String(format: "A/B test of %@ on %d training and %d test users (10 products): %.1f s in all",
                            abAgents.joined(separator: ", "), abTrainUsers, abTestUsers, abSeconds))
        lines.append(ABTest.table(abResults))
        return lines.joined(separator: "\n")
    }
}
