import Foundation
import RecoEngine
import Testing

// What README's "Using the engine from Swift" shows, kept compiling and passing here: only public API,
// one import, no @testable.

/// Five items on a shelf, ten slots per episode; only item 3 pays, and the observation is the time left.
struct Shelf: Environment {
    var slot = 0
    var observationSpace: Space { .box(lower: [0], upper: [1]) }
    var actionSpace: Space { .discrete(5) }

    mutating func reset(using generator: inout RandomGenerator, observation: UnsafeMutableBufferPointer<Float>) {
        slot = 0
        observation[0] = 0
    }

    mutating func step(_ action: UnsafeBufferPointer<Int32>, using generator: inout RandomGenerator,
                       observation: UnsafeMutableBufferPointer<Float>) -> StepOutcome {
        slot += 1
        observation[0] = Float(slot) / 10
        return StepOutcome(reward: action[0] == 3 ? 1 : 0, truncated: slot == 10)
    }
}

@Suite struct EmbedderTests {
    @Test func trainEvaluateSaveReloadAndAct() throws {
        let shelf = VectorEnvironment(copies: 8) { _ in Shelf() }
        var configuration = DQNConfiguration()
        configuration.learningStarts = 500
        var generator = RandomGenerator(seed: 1)
        let agent = try DQNAgent(configuration: configuration, for: shelf, generator: &generator)
        let evaluation = EvaluationCallback(every: 5_000, stopAt: 9.5) { policy in
            try PolicyEvaluation.evaluate(VectorEnvironment(copies: 10) { _ in Shelf() }, episodes: 20, seed: 2,
                                          policy: policy).meanReturn
        }
        try agent.train(on: shelf, steps: 20_000, seed: 1, generator: &generator, callbacks: [evaluation])
        let score = try PolicyEvaluation.evaluate(shelf, episodes: 100, seed: 2, policy: agent.greedyPolicy).meanReturn
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("shelf-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try agent.save(to: url)
        let (restored, _) = try AlgorithmRegistry.standard.load(from: url)
        let action = try restored.greedyPolicy.action(for: [0.5])

        #expect(score >= 9.5, "mean return \(score) of at most 10")
        #expect(action == 3)
        #expect(try restored.greedyPolicy.scores(for: [0.5]) == agent.greedyPolicy.scores(for: [0.5]))
        #expect(evaluation.results.last.map { $0.value >= 9.5 } == true, "evaluations \(evaluation.results)")
    }

    /// Bad input from an embedder throws an error naming what was wrong, instead of trapping.
    @Test func misfitInputThrows() throws {
        var generator = RandomGenerator(seed: 3)
        let agent = try DQNAgent(for: VectorEnvironment(copies: 2) { _ in Shelf() }, generator: &generator)
        #expect(throws: PolicyError.self) { try agent.greedyPolicy.action(for: [0.5, 1]) }
        let wrongActions = try EnvironmentSpaces(observationSpace: .box(lower: [0], upper: [1]), actionSpace: .discrete(7))
        let other = try DQNAgent(spaces: wrongActions, generator: &generator)
        #expect(throws: TrainingError.self) {
            try other.train(on: VectorEnvironment(copies: 2) { _ in Shelf() }, steps: 10, seed: 0, generator: &generator)
        }
    }
}
