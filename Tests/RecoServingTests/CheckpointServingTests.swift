import Foundation
import HummingbirdTesting
import RecoExperiments
import RecoServing
import Testing

@Suite("Serving a trained checkpoint")
struct CheckpointServingTests {
    @Test("a marketing DQN checkpoint serves its greedy policy, with the best fixed action as fallback")
    func marketing() async throws {
        let (checkpoint, directory) = try trainMarketingCheckpoint(steps: 3_000)
        defer { try? FileManager.default.removeItem(at: directory) }

        let (model, environment) = try ServedPolicy.model(checkpoint: checkpoint)
        #expect(model.version.hasPrefix("dqn-"))
        #expect(model.actionNames == environment.actionNames)
        let fallback = try FallbackPolicy.bestFixed.make(for: environment, episodes: 20)
        #expect(fallback.version.hasPrefix("best-fixed:"))
        let engine = try DecisionEngine(model: model, fallback: fallback, latencyBudget: .seconds(5))
        let service = try DecisionService(engine: engine, configuration: ServingConfiguration(port: 0))
        let features = Array(repeating: "0.5", count: engine.observationWidth).joined(separator: ", ")
        try await live(service) { client in
            let response = try await post(client, "/v1/recommend", #"{"features": [\#(features)], "explain": true}"#)
            #expect(response.status == 200)
            let action = try #require(response.body["action"] as? Int)
            #expect(environment.actionNames.indices.contains(action))
            #expect(response.body["actionName"] as? String == environment.actionNames[action])
            #expect(response.body["policy"] as? String == "production")
            #expect(response.body["propensity"] as? Double == 1)
            #expect((response.body["scores"] as? [Double])?.count == environment.actionNames.count)
        }
    }

    @Test("a missing checkpoint is an error naming --checkpoint")
    func missing() {
        #expect(throws: ExperimentError.self) { _ = try ServedPolicy.model(checkpoint: "/nonexistent/checkpoint.safetensors") }
    }
}
