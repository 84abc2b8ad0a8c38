import AllocationCounter
import Foundation
import RecoExperiments
@testable import RecoServing
import Testing

@Suite("The engine's work on the request path allocates nothing once warm")
struct EngineAllocationTests {
    @Test("a marketing DQN's decision: pooled workspace, replica forward pass, propensity; 0 allocations per decision")
    func decisions() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("allocations-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var request = TrainingRequest()
        request.steps = 1_000
        request.copies = 4
        request.evaluationEpisodes = 4
        request.output = directory.path
        _ = try Experiment().train(request)
        let (model, environment) = try ServedPolicy.model(checkpoint: directory.appendingPathComponent("checkpoint.safetensors").path)
        let engine = try DecisionEngine(model: model, fallback: try FallbackPolicy.random.make(for: environment), latencyBudget: .seconds(1))
        let features = (0..<engine.observationWidth).map { Float($0 % 3) / 3 }

        for stream in 0..<10 { _ = try engine.choose(model, features, explain: true, stream: UInt64(stream)) }
        reco_allocations_reset()
        var actions = 0
        for stream in 0..<1_000 { actions += try engine.choose(model, features, explain: false, stream: UInt64(stream)).action }
        #expect(reco_allocations_on_this_thread() == 0)
        #expect(actions >= 0)

        // With `explain`, the scores returned are the one allocation.
        reco_allocations_reset()
        for stream in 0..<100 { _ = try engine.choose(model, features, explain: true, stream: UInt64(stream)) }
        #expect(reco_allocations_on_this_thread() == 100)

        // The counter sees allocations at all (so the zero above is not a counter that never counts).
        reco_allocations_reset()
        let array = [Int](repeating: 1, count: 1_000 + actions % 2)
        #expect(reco_allocations_on_this_thread() >= 1 && array.count >= 1_000)
    }
}
