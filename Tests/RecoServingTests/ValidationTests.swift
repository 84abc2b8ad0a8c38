import Foundation
import Hummingbird
import HummingbirdTesting
import RecoServing
import Testing

@Suite("Bad requests get a 4xx naming the field, never a 5xx")
struct ValidationTests {
    @Test("wrong feature count: 422 naming features, the count and the width")
    func width() async throws {
        try await live(try makeService(model: ArgmaxPolicy(width: 7))) { client in
            let response = try await post(client, "/v1/recommend", #"{"features": [1, 2, 3]}"#)
            #expect(response.status == 422)
            let detail = try error(response.body)
            #expect(detail["field"] as? String == "features")
            #expect(detail["value"] as? String == "3 values")
            #expect(detail["expected"] as? String == "7 (the policy's observation width)")
        }
    }

    @Test("non-finite numbers: 422 naming the entry", arguments: [
        (#"{"features": [1, "NaN", 3]}"#, "features[1]"),
        (#"{"features": [1, 2, 1e39]}"#, "features[2]"),
        (#"{"features": ["-Infinity", 2, 3]}"#, "features[0]"),
    ])
    func nonFinite(body: String, field: String) async throws {
        try await live(try makeService()) { client in
            let response = try await post(client, "/v1/recommend", body)
            #expect(response.status == 422)
            #expect(try error(response.body)["field"] as? String == field)
        }
    }

    @Test("a non-finite reward: 422 naming reward")
    func reward() async throws {
        try await live(try makeService()) { client in
            let response = try await post(client, "/v1/feedback", #"{"eventId": "x", "reward": "NaN"}"#)
            #expect(response.status == 422)
            #expect(try error(response.body)["field"] as? String == "reward")
        }
    }

    @Test("malformed JSON, a missing field or a wrong type: 400 naming the problem", arguments: [
        (#"{"features": [1, 2,"#, "body"),
        ("not json", "body"),
        (#"{"user": "u"}"#, "features"),
        (#"{"features": "1,2,3"}"#, "features"),
        (#"{"features": [1, null, 3]}"#, "features[1]"),
        (#"[1, 2, 3]"#, "body"),
    ])
    func malformed(body: String, field: String) async throws {
        try await live(try makeService()) { client in
            let response = try await post(client, "/v1/recommend", body)
            #expect(response.status == 400)
            let detail = try error(response.body)
            #expect(detail["field"] as? String == field)
            #expect((detail["value"] as? String)?.isEmpty == false)
        }
    }

    @Test("a body over the limit: 413")
    func oversized() async throws {
        try await live(try makeService(maximumBodyBytes: 1024)) { client in
            let features = Array(repeating: "0.5", count: 1000).joined(separator: ",")
            let response = try await post(client, "/v1/recommend", #"{"features": [\#(features)]}"#)
            #expect(response.status == 413)
            #expect(try error(response.body)["field"] as? String == "body")
        }
    }

    @Test("an unknown route or method: 404 JSON naming it")
    func routes() async throws {
        try await live(try makeService()) { client in
            for (method, uri) in [(HTTPRequest.Method.get, "/v2/nothing"), (.get, "/v1/recommend"), (.delete, "/healthz")] {
                try await client.execute(uri: uri, method: method) { response in
                    #expect(response.status == .notFound)
                    let detail = try error(try object(response.body))
                    #expect(detail["field"] as? String == "route")
                    #expect(detail["value"] as? String == "\(method) \(uri)")
                }
            }
        }
    }
}

@Suite("GET /metrics")
struct MetricsTests {
    @Test("requests by endpoint and status, latencies and feedback counts move")
    func counters() async throws {
        try await live(try makeService()) { client in
            let decision = try await post(client, "/v1/recommend", #"{"features": [0, 0, 1]}"#)
            _ = try await post(client, "/v1/recommend", #"{"features": [0]}"#)
            let eventId = try #require(decision.body["eventId"] as? String)
            _ = try await post(client, "/v1/feedback", #"{"eventId": "\#(eventId)", "reward": 1}"#)
            let text = try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                return String(buffer: response.body)
            }
            #expect(sample(text, "recorl_serve_requests_total", #"endpoint="/v1/recommend",status="200""#) == 1)
            #expect(sample(text, "recorl_serve_requests_total", #"endpoint="/v1/recommend",status="422""#) == 1)
            #expect(sample(text, "recorl_serve_requests_total", #"endpoint="/v1/feedback",status="200""#) == 1)
            #expect(sample(text, "recorl_serve_request_duration_seconds_count", #"endpoint="/v1/recommend""#) == 2)
            #expect(sample(text, "recorl_serve_feedback_total", #"outcome="joined""#) == 1)
            #expect(sample(text, "recorl_serve_mean_reward", #"policy="production""#) == 1)
            #expect(sample(text, "recorl_serve_feedback_total", #"outcome="expired""#) == 0)
            #expect(sample(text, "recorl_serve_fallbacks_total", #"reason="model_error""#) == 0)
        }
    }
}
