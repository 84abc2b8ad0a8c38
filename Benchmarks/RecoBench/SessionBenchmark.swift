import Foundation
import RecoEnvironments
import RecoExperiments
import RecoSimulators
import RecoTensor

/// The `session` simulator's figures: environment steps per second with a uniform random policy at
/// 10,000 and 1,000,000 items (a step scores only the shown item, so the rate should barely move with
/// the catalogue), the time to build the world and the catalogue's memory.
struct SessionBenchmarkResult: Codable {
    struct Row: Codable {
        let items: Int
        let copies: Int
        let steps: Int
        /// Seconds to build the catalogue and groups (once, shared by every copy).
        let buildSeconds: Double
        /// Bytes of the shared catalogue (embeddings, categories, cumulative popularity).
        let catalogueBytes: Int
        /// Vector steps x copies per second, uniform random items, one thread (copies are cheap).
        let stepsPerSecond: Double
        /// Episodes finished per second.
        let episodesPerSecond: Double
    }
    let rows: [Row]

    static func measure(steps: Int = 400_000, copies: Int = 64) throws -> SessionBenchmarkResult {
        var rows: [Row] = []
        for items in [10_000, 1_000_000] {
            var settings = SessionSettings()
            settings.items = items
            var world: SessionWorld?
            let buildSeconds = try Timing.throwingSeconds { world = try SessionWorld(settings: settings) }
            let shared = world!
            let environment = VectorEnvironment(copies: copies) { _ in SessionEnvironment(world: shared) }
            environment.reset(seed: 3)
            var random = RandomGenerator(seed: 4)
            var actions = [Int32](repeating: 0, count: copies)
            let rounds = max(1, steps / copies)
            var episodes = 0
            let seconds = Timing.seconds {
                for _ in 0..<rounds {
                    for i in 0..<copies { actions[i] = Int32(random.index(below: items)) }
                    actions.withUnsafeBufferPointer { environment.step($0) }
                    episodes += environment.drainCompletedEpisodes().count
                }
            }
            rows.append(Row(items: items, copies: copies, steps: rounds * copies, buildSeconds: buildSeconds,
                            catalogueBytes: shared.catalogue.bytes, stepsPerSecond: Double(rounds * copies) / seconds,
                            episodesPerSecond: Double(episodes) / seconds))
        }
        return SessionBenchmarkResult(rows: rows)
    }

    var text: String {
        let widths = [10, 8, 10, 10, 12, 16, 14]
        var lines = ["session simulator (uniform random items, one thread)",
                     Table.row(["items", "copies", "steps", "build s", "catalogue MB", "env steps/s", "episodes/s"], widths: widths)]
        for r in rows {
            lines.append(Table.row(["\(r.items)", "\(r.copies)", "\(r.steps)", String(format: "%.2f", r.buildSeconds),
                                    String(format: "%.1f", Double(r.catalogueBytes) / 1e6), String(format: "%.0f", r.stepsPerSecond),
                                    String(format: "%.0f", r.episodesPerSecond)], widths: widths))
        }
        return lines.joined(separator: "\n")
    }
}
