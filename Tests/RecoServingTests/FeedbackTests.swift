import Foundation
import HummingbirdTesting
import RecoServing
import Testing

@Suite("POST /v1/feedback")
struct FeedbackTests {
    @Test("feedback within the window joins; a second one, or one for an unknown id, is refused")
    func joins() async throws {
        try await live(try makeService()) { client in
            let decision = try await post(client, "/v1/recommend", #"{"features": [0, 1, 0]}"#)
            let eventId = try #require(decision.body["eventId"] as? String)
            let joined = try await post(client, "/v1/feedback", #"{"eventId": "\#(eventId)", "reward": 0.75}"#)
            #expect(joined.status == 200)
            #expect(joined.body["joined"] as? Bool == true)

            let again = try await post(client, "/v1/feedback", #"{"eventId": "\#(eventId)", "reward": 1}"#)
            #expect(again.status == 409)
            #expect(try error(again.body)["value"] as? String == eventId)

            let unknown = try await post(client, "/v1/feedback", #"{"eventId": "no-such-event", "reward": 1}"#)
            #expect(unknown.status == 404)
            #expect(try error(unknown.body)["field"] as? String == "eventId")
            #expect(try error(unknown.body)["value"] as? String == "no-such-event")
        }
    }

    @Test("after the window the decision has the default reward, and late feedback is a 409 naming the event")
    func expires() async throws {
        let service = try makeService(window: .milliseconds(200), defaultReward: -0.5)
        try await live(service) { client in
            let decision = try await post(client, "/v1/recommend", #"{"features": [0, 1, 0]}"#)
            let eventId = try #require(decision.body["eventId"] as? String)
            // The sweeper expires it without any further request (waited for, as a loaded machine may be slow).
            let deadline = ContinuousClock.now + .seconds(10)
            while service.decisions.pendingCount > 0 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(service.decisions.pendingCount == 0)
            let metrics = service.metrics.exposition()
            #expect(sample(metrics, "recorl_serve_feedback_total", #"outcome="expired""#) == 1)
            #expect(sample(metrics, "recorl_serve_mean_reward", #"policy="production""#) == -0.5)

            let late = try await post(client, "/v1/feedback", #"{"eventId": "\#(eventId)", "reward": 1}"#)
            #expect(late.status == 409)
            let detail = try error(late.body)
            #expect(detail["field"] as? String == "eventId")
            #expect(detail["value"] as? String == eventId)
            #expect((detail["expected"] as? String)?.contains("default reward -0.5") == true)
        }
    }
}

@Suite("PendingDecisions")
struct PendingDecisionsTests {
    @Test("beyond its capacity the oldest pending decision expires with the default reward")
    func bounded() {
        let closings = Closings()
        let store = PendingDecisions(window: .seconds(60), defaultReward: 0, capacity: 2) { closings.append($0) }
        store.add("a", role: .production, version: "v1")
        store.add("b", role: .production, version: "v1")
        #expect(store.join("b", reward: 1) == .joined)
        store.add("c", role: .production, version: "v1")
        store.add("d", role: .fallback, version: "uniform-random")
        #expect(store.pendingCount == 2)
        #expect(store.join("a", reward: 1) == .expired)
        #expect(store.join("b", reward: 1) == .alreadyJoined)
        #expect(store.join("c", reward: 1) == .joined)
        #expect(store.join("d", reward: 2) == .joined)
        #expect(store.join("e", reward: 1) == .unknown)
        let closed = closings.all.map { "\($0.eventId) \($0.role.rawValue) \($0.version) \($0.reward) \($0.outcome)" }
        #expect(closed == ["b production v1 1.0 joined", "a production v1 0.0 expired", "c production v1 1.0 joined",
                           "d fallback uniform-random 2.0 joined"])
    }

    @Test("a decision expires when its window closes")
    func window() {
        let store = PendingDecisions(window: .seconds(1), defaultReward: 0) { _ in }
        let start = ContinuousClock.now
        store.add("a", role: .production, version: "v1", now: start)
        store.expire(now: start + .milliseconds(999))
        #expect(store.pendingCount == 1)
        #expect(store.join("a", reward: 1, now: start + .seconds(1)) == .expired)
    }
}

/// The decisions a store closed, in order (appended under the store's lock).
final class Closings: @unchecked Sendable {
    private let lock = NSLock()
    private var closed: [ClosedDecision] = []

    func append(_ decision: ClosedDecision) { lock.withLock { closed.append(decision) } }
    var all: [ClosedDecision] { lock.withLock { closed } }
}
