import Foundation
import HummingbirdTesting
@testable import RecoServing
import Testing

@Suite("POST /v1/recommend and GET /healthz")
struct RecommendTests {
    @Test("the model's action, its name and propensity, with scores only when asked")
    func recommends() async throws {
        try await live(try makeService()) { client in
            let plain = try await post(client, "/v1/recommend", #"{"features": [0.1, 0.9, 0.3], "user": "u1"}"#)
            #expect(plain.status == 200)
            #expect(plain.body["action"] as? Int == 1)
            #expect(plain.body["actionName"] as? String == "a1")
            #expect(plain.body["propensity"] as? Double == 1)
            #expect(plain.body["policy"] as? String == "production")
            #expect(plain.body["policyVersion"] as? String == "test-1")
            #expect((plain.body["eventId"] as? String)?.isEmpty == false)
            #expect(plain.body["scores"] == nil)

            let explained = try await post(client, "/v1/recommend", #"{"features": [0.5, 0.1, 2], "explain": true}"#)
            #expect(explained.body["action"] as? Int == 2)
            #expect((explained.body["scores"] as? [Double])?.map { Float($0) } == [0.5, 0.1, 2])
            #expect(explained.body["scoreKind"] as? String == "Q value")
            #expect(explained.body["eventId"] as? String != plain.body["eventId"] as? String)
        }
    }

    @Test("a model whose scores overflow on extreme features is answered by the fallback, never with a body short of its schema")
    func overflowingScores() async throws {
        let service = try makeService(model: OverflowingPolicy(width: 3))
        try await live(service) { client in
            let response = try await post(client, "/v1/recommend", #"{"features": [1e30, -3e38, 2e38], "explain": true}"#)
            #expect(response.status == 200)
            #expect(response.body["policy"] as? String == "fallback")
            #expect((response.body["eventId"] as? String)?.isEmpty == false)
            let scores = try #require(response.body["scores"] as? [Double], "the uniform fallback's own scores")
            #expect(scores.count == 3 && scores.allSatisfy { abs($0 - 1.0 / 3) < 1e-6 })
            #expect(sample(service.metrics.exposition(), "recorl_serve_fallbacks_total", #"reason="model_error""#) == 1)
            let plain = try await post(client, "/v1/recommend", #"{"features": [1e30, -3e38, 2e38]}"#)
            #expect(plain.body["policy"] as? String == "production" && plain.body["action"] as? Int == 2)
        }
    }

    @Test("GET /healthz answers ok")
    func health() async throws {
        try await live(try makeService()) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                let body = try object(response.body)
                #expect(response.status == .ok)
                #expect(body["status"] as? String == "ok")
            }
        }
    }

    @Test("a model that throws, or misses its latency budget, is answered by the fallback")
    func fallback() async throws {
        try await live(try makeService(model: ThrowingPolicy(width: 3))) { client in
            let response = try await post(client, "/v1/recommend", #"{"features": [1, 2, 3]}"#)
            #expect(response.status == 200)
            #expect(response.body["policy"] as? String == "fallback")
            #expect(response.body["policyVersion"] as? String == "uniform-random")
            #expect(abs((response.body["propensity"] as? Double ?? 0) - 1.0 / 3) < 1e-6)
            #expect((0..<3).contains(response.body["action"] as? Int ?? -1))
        }
        let slow = try makeService(model: SlowPolicy(width: 3, delay: 3), latencyBudget: .milliseconds(20))
        try await live(slow) { client in
            let start = ContinuousClock.now
            let response = try await post(client, "/v1/recommend", #"{"features": [1, 2, 3]}"#)
            #expect(ContinuousClock.now - start < .seconds(2), "answered without waiting for the model")
            #expect(response.status == 200)
            #expect(response.body["policy"] as? String == "fallback")
            let metrics = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
            #expect(sample(metrics, "recorl_serve_fallbacks_total", #"reason="latency_budget""#) == 1)
        }
    }
}

@Suite("Slates from POST /v1/recommend")
struct SlateTests {
    @Test("a slate of k: the action first, then the others by score, ties to the lower index; logged as such")
    func slates() async throws {
        let path = try temporaryLogPath()
        let log = try InteractionLog(path: path)
        try await live(try makeService(model: ArgmaxPolicy(width: 5), log: log)) { client in
            let response = try await post(client, "/v1/recommend", #"{"features": [0.2, 0.9, 0.5, 0.5, 0.1], "slate": 4}"#)
            #expect(response.status == 200)
            #expect(response.body["action"] as? Int == 1)
            #expect(response.body["slate"] as? [Int] == [1, 2, 3, 0])
            #expect(response.body["slateNames"] as? [String] == ["a1", "a2", "a3", "a0"])
            #expect(response.body["scores"] == nil, "scores only with explain")
            let eventId = try #require(response.body["eventId"] as? String)
            #expect(try InteractionLog.read(path: path).first { $0.decision.eventId == eventId }?.decision.slate == [1, 2, 3, 0])

            let single = try await post(client, "/v1/recommend", #"{"features": [0.2, 0.9, 0.5, 0.5, 0.1]}"#)
            #expect(single.body["slate"] == nil)
            for bad in [0, 6] {
                let refused = try await post(client, "/v1/recommend", #"{"features": [0.2, 0.9, 0.5, 0.5, 0.1], "slate": \#(bad)}"#)
                #expect(refused.status == 422)
                #expect(try error(refused.body)["field"] as? String == "slate")
            }
        }
        await log.close()
    }

    @Test("a policy without scores lists the others in index order")
    func withoutScores() {
        #expect(DecisionEngine.slate(of: 3, first: 2, scores: nil, actionCount: 4) == [2, 0, 1])
        #expect(DecisionEngine.slate(of: 1, first: 2, scores: [1, 2, 3, 4], actionCount: 4) == [2])
        #expect(DecisionEngine.slate(of: 4, first: 0, scores: [1, 2, 2, 0], actionCount: 4) == [0, 1, 2, 3])
    }
}
