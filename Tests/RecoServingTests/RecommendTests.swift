import Foundation
import HummingbirdTesting
import RecoServing
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
