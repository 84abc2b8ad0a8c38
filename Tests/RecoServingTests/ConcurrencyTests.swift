import Foundation
import RecoServing
import Testing

@Suite("Decisions and feedback from many tasks at once")
struct ConcurrencyTests {
    @Test("concurrent decisions each get their own answer, and concurrent feedback joins each exactly once")
    func concurrent() async throws {
        let service = try makeService(model: ArgmaxPolicy(width: 4), latencyBudget: .seconds(10))
        let count = 400
        let actions = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for i in 0..<count {
                group.addTask {
                    var features = [Float](repeating: 0, count: 4)
                    features[i % 4] = 1
                    let decision = try await service.engine.decide(features, with: service.versions.production, explain: true, stream: UInt64(i))
                    return (i, decision.action)
                }
            }
            return try await group.reduce(into: [Int: Int]()) { $0[$1.0] = $1.1 }
        }
        #expect(actions.count == count)
        #expect(actions.allSatisfy { $0.key % 4 == $0.value }, "every decision acted on its own features")

        let ids = (0..<count).map { "event-\($0)" }
        for id in ids { service.decisions.add(id, role: .production, version: "test-1") }
        let outcomes = await withTaskGroup(of: FeedbackOutcome.self) { group in
            for id in ids + ids { group.addTask { service.decisions.join(id, reward: 1) } }
            return await group.reduce(into: [FeedbackOutcome]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == .joined }.count == count)
        #expect(outcomes.filter { $0 == .alreadyJoined }.count == count)
        #expect(service.decisions.pendingCount == 0)
    }
}
