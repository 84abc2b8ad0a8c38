import Foundation
import RecoEnvironments
import RecoEvaluation
import RecoSimulators
import RecoTensor
import Testing

/// The `viewHistory` observation, and that a RecoGym CSV log converts to the very interactions the
/// policy saw online.
@Suite struct RecoGymObservationTests {
    static func environment(products: Int = 6, observation: RecoGymObservation = .viewHistory) throws -> RecoGymEnvironment {
        var configuration = RecoGymConfiguration()
        configuration.numProducts = products
        configuration.randomSeed = 7
        return try RecoGymEnvironment(configuration: configuration, observation: observation)
    }

    @Test func viewHistoryCountsEveryViewAndMarksTheLast() throws {
        var environment = try Self.environment()
        let p = 6
        #expect(environment.observationSpace.width == 2 * p)
        var generator = RandomGenerator(seed: 3)
        var row = [Float](repeating: -1, count: 2 * p)
        var counts = [Float](repeating: 0, count: p)
        var last: Int?
        func absorb(_ events: [RecoGymEvent]) {
            for event in events where event.kind == .organic { counts[event.product] += 1; last = event.product }
        }
        row.withUnsafeMutableBufferPointer { environment.reset(using: &generator, observation: $0) }
        absorb(environment.eventsSinceLastAction)
        var steps = 0, sawViewsAfterAClick = false
        while steps < 400 {
            #expect(Array(row[0..<p]) == counts)
            #expect(Array(row[p...]) == (0..<p).map { $0 == last ? 1 : 0 })
            var action = Int32(steps % p)
            let outcome = withUnsafePointer(to: &action) { pointer in
                row.withUnsafeMutableBufferPointer {
                    environment.step(UnsafeBufferPointer(start: pointer, count: 1), using: &generator, observation: $0)
                }
            }
            absorb(environment.eventsSinceLastAction)
            if outcome.reward > 0, environment.eventsSinceLastAction.count > 1 { sawViewsAfterAClick = true }
            steps += 1
            if outcome.terminated {
                counts = [Float](repeating: 0, count: p)
                last = nil
                row.withUnsafeMutableBufferPointer { environment.reset(using: &generator, observation: $0) }
                absorb(environment.eventsSinceLastAction)
            }
        }
        #expect(sawViewsAfterAClick)
    }

    @Test func aLogReadsBackAsTheInteractionsPlayedOnline() throws {
        let environment = try Self.environment()
        let policy = try FixedActionPolicy(action: 2, observationWidth: 12, actionCount: 6)
        var generator = RandomGenerator(seed: 1)
        let rows = try RecoGymLogging.log(policy, in: environment, users: 40, seed: 9, batch: 16, generator: &generator)
        let fromCSV = try RecoGymLog.banditInteractions(try RecoGymLog.read(csv: RecoGymLog.csv(rows)), products: 6,
                                                         observation: .viewHistory)
        let online = try PolicyLogging.log(policy, on: VectorEnvironment(copies: 8) { _ in environment }, episodes: 40,
                                           seed: 9, generator: &generator)
        #expect(fromCSV.count == online.count)
        #expect(fromCSV.count > 40 * 10)
        let byUser = { (log: [LoggedInteraction]) in Dictionary(grouping: log, by: { $0.user ?? -1 }) }
        let a = byUser(fromCSV), b = byUser(online)
        #expect(a.keys.sorted() == Array(0..<40))
        for user in 0..<40 {
            #expect(a[user]?.map(\.context) == b[user]?.map(\.context), "user \(user)")
            #expect(a[user]?.map(\.reward) == b[user]?.map(\.reward), "user \(user)")
        }
    }
}
