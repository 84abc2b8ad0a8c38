import Foundation
import Testing
import RecoEnvironments
import RecoEvaluation
@testable import RecoRL
import RecoSimulators
import RecoTensor

@Suite struct TrainerTests {
    func agent(_ copies: Int = 3) throws -> DQNAgent {
        var configuration = DQNConfiguration()
        configuration.hiddenLayers = [8]
        configuration.batchSize = 4
        configuration.learningStarts = 0
        var generator = RandomGenerator(seed: 1)
        let spaces = try EnvironmentSpaces(observationSpace: .unboundedBox(2), actionSpace: .discrete(2), copies: copies)
        return try DQNAgent(configuration: configuration, spaces: spaces, generator: &generator)
    }

    /// Callbacks run when the step count reaches each multiple of their interval (steps advance by the
    /// 3 copies, so 10 is first passed at 12) and once more at the end; an interval larger than any run
    /// (even `Int.max`) gives just the final call, without overflow.
    @Test func callbacksRunAtTheirIntervalsAndAtTheEnd() throws {
        var every10: [Int] = [], never: [Int] = [], finals: [Bool] = []
        let callbacks = [ProgressCallback(every: 10) { every10.append($0.step); finals.append($0.isFinal) },
                         ProgressCallback(every: Int.max) { never.append($0.step) }]
        var generator = RandomGenerator(seed: 2)
        let environment = VectorEnvironment(copies: 3) { _ in CountingEnvironment(length: 4, terminates: true) }
        let final = try agent().train(on: environment, steps: 40, seed: 3, generator: &generator, callbacks: callbacks)
        #expect(every10 == [12, 21, 30, 42])
        #expect(finals == [false, false, false, true])
        #expect(never == [42])
        #expect(final.step == 42 && final.isFinal)
    }

    /// An evaluation callback whose threshold is met stops the run early, and the final callbacks still run
    /// (a checkpoint of the stopped run is written).
    @Test func earlyStopEndsTheRunAndCheckpointsIt() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("stop-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        var evaluatedAt: [Int] = []
        let stop = EvaluationCallback(every: 30, stopAt: 0, evaluate: { _ in 1 }) { progress, _ in evaluatedAt.append(progress.step) }
        let checkpoint = CheckpointCallback(every: 1_000, to: url)
        var generator = RandomGenerator(seed: 4)
        let agent = try agent()
        let environment = VectorEnvironment(copies: 3) { _ in CountingEnvironment(length: 4, terminates: true) }
        let final = try agent.train(on: environment, steps: 300, seed: 5, generator: &generator, callbacks: [stop, checkpoint])
        #expect(final.step == 30)
        #expect(evaluatedAt == [30])
        let (restored, _) = try DQNAgent.load(from: url)
        #expect(restored.gradientStepCount == agent.gradientStepCount)
    }

    /// An environment that does not fit the agent is refused before anything runs.
    @Test func misfitEnvironmentsAreRefused() throws {
        var generator = RandomGenerator(seed: 6)
        let marketing = VectorEnvironment(copies: 2) { _ in MarketingEnvironment() }
        #expect {
            try agent().train(on: marketing, steps: 10, seed: 0, generator: &generator)
        } throws: { error in
            "\(error)".contains("observationSpace.width") && "\(error)".contains("11")
        }
        var configuration = A2CConfiguration()
        configuration.hiddenLayers = [4]
        let a2c = try A2CAgent(configuration: configuration, for: VectorEnvironment(copies: 2) { _ in MarketingEnvironment() },
                               generator: &generator)
        // More copies than the agent's networks were built for.
        #expect(throws: TrainingError.self) {
            try a2c.train(on: VectorEnvironment(copies: 16) { _ in MarketingEnvironment() }, steps: 100, seed: 0,
                          generator: &generator)
        }
    }

    /// The collector forms n-step transitions per copy: with 3-step returns and episodes of 4 steps, every
    /// transition's discount is gamma^k for the k <= 3 steps it covers before its episode ends.
    @Test func collectorFormsNStepReturnsPerCopy() throws {
        let environment = VectorEnvironment(copies: 2) { _ in CountingEnvironment(length: 4, terminates: true) }
        let replay = try ReplayBuffer(capacity: 100, observationWidth: 2)
        let collector = OffPolicyCollector(copies: 2, observationWidth: 2, nSteps: 3, gamma: 0.5)
        let policy = try UniformRandomPolicy(observationWidth: 2, actionCount: 2)
        var generator = RandomGenerator(seed: 7)
        environment.reset(seed: 8)
        for _ in 0..<8 { try collector.step(environment, with: policy, into: replay, using: &generator) }
        #expect(replay.count == 16)
        let storage = replay.storage
        for slot in 0..<16 {
            let start = storage.observations[slot, 0]   // the step within the episode, 0...3
            let covered = min(3, 4 - Int(start))
            #expect(storage.discounts.base[slot] == Float(pow(0.5, Double(covered))), "slot \(slot)")
            #expect(storage.rewards.base[slot] == (0..<covered).reduce(Float(0)) { $0 + Float(pow(0.5, Double($1))) })
            #expect(storage.dones.base[slot] == (Int(start) + covered == 4 ? 1 : 0))
        }
    }
}
