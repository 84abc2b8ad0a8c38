import Foundation
import Testing
@testable import RecoRL
import RecoEnvironments
import RecoNetworks
import RecoTensor

@Suite struct DQNAgentTests {
    func agent(_ change: (inout DQNConfiguration) -> Void = { _ in }) throws -> DQNAgent {
        var configuration = DQNConfiguration()
        configuration.hiddenLayers = [8]
        configuration.batchSize = 4
        configuration.bufferCapacity = 64
        configuration.learningStarts = 1_000_000   // collect only, unless a test says otherwise
        change(&configuration)
        var generator = RandomGenerator(seed: 1)
        let spaces = try EnvironmentSpaces(observationSpace: .unboundedBox(2), actionSpace: .discrete(2), copies: 3)
        return try DQNAgent(configuration: configuration, spaces: spaces, generator: &generator)
    }

    /// Replay must receive the final observation of a truncated episode (not the reset one) and must
    /// not mark it done; a terminated episode is marked done. The counting environment's observations
    /// make both visible: a stored successor always continues its own episode.
    @Test(arguments: [false, true])
    func truncationBootstrapsAndTerminationDoesNot(terminates: Bool) throws {
        let agent = try agent()
        let environment = VectorEnvironment(copies: 3) { _ in CountingEnvironment(length: 3, terminates: terminates) }
        var generator = RandomGenerator(seed: 2)
        try agent.train(on: environment, steps: 30, seed: 3, generator: &generator)
        #expect(agent.replay.count == 30)
        let batch = ReplayBatch(size: 4, observationWidth: 2)
        for _ in 0..<50 {
            agent.replay.sample(into: batch, using: &generator)
            for i in 0..<4 {
                let observation = batch.observations.view, next = batch.nextObservations.view
                #expect(next[i, 0] == observation[i, 0] + 1, "successor continues the step count")
                #expect(next[i, 1] == observation[i, 1], "successor stays in the same episode")
                let last = next[i, 0] == 3
                #expect(batch.dones[i] == (last && terminates ? 1 : 0))
            }
        }
    }

    @Test func epsilonCountsEnvironmentStepsOverAllCopies() throws {
        let agent = try agent { $0.exploration = .exponential(start: 1, end: 0, rate: 0.01) }
        let environment = VectorEnvironment(copies: 3) { _ in CountingEnvironment(length: 5, terminates: true) }
        var generator = RandomGenerator(seed: 4)
        let last = try agent.train(on: environment, steps: 90, seed: 5, generator: &generator)
        #expect(last.step == 90)
        #expect(last.epsilon == agent.configuration.exploration.value(at: 90, of: 90))
    }

    /// The trap of a target network that never updates: with a hard copy every 3 gradient steps the
    /// target differs from the online network after 1 and 2 updates and equals it after the 3rd.
    @Test func hardTargetCopyHappensEveryInterval() throws {
        let agent = try agent { $0.targetUpdateInterval = 3; $0.learningStarts = 0 }
        let environment = VectorEnvironment(copies: 3) { _ in CountingEnvironment(length: 4, terminates: true) }
        var generator = RandomGenerator(seed: 6)
        try agent.train(on: environment, steps: 12, seed: 7, generator: &generator)   // fills replay; updates happen too
        let before = agent.gradientStepCount
        let remainder = (3 - before % 3) % 3
        for _ in 0..<remainder { agent.update(using: &generator) }
        #expect(Array(agent.target.parameters.values) == Array(agent.online.parameters.values))
        let copied = Array(agent.target.parameters.values)
        agent.update(using: &generator)
        #expect(Array(agent.target.parameters.values) == copied)
        #expect(Array(agent.online.parameters.values) != copied)
        agent.update(using: &generator)
        agent.update(using: &generator)
        #expect(Array(agent.target.parameters.values) == Array(agent.online.parameters.values))
        #expect(Array(agent.target.parameters.values) != copied)
    }

    @Test func polyakTargetMovesByTauEachUpdate() throws {
        let agent = try agent { $0.targetUpdateInterval = 1; $0.tau = 0.25; $0.learningStarts = 1_000_000 }
        let environment = VectorEnvironment(copies: 3) { _ in CountingEnvironment(length: 4, terminates: true) }
        var generator = RandomGenerator(seed: 8)
        try agent.train(on: environment, steps: 12, seed: 9, generator: &generator)
        let targetBefore = Array(agent.target.parameters.values)
        agent.update(using: &generator)
        let expected = zip(Array(agent.online.parameters.values), targetBefore).map { 0.25 * $0 + 0.75 * $1 }
        #expect(zip(Array(agent.target.parameters.values), expected).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    /// A learning rate far too large makes the networks overflow: training stops with a named error
    /// (not a trap), also on the prioritized path whose priorities would otherwise turn NaN.
    @Test(arguments: [false, true])
    func divergenceIsReportedAsAnError(prioritized: Bool) throws {
        let agent = try agent {
            $0.learningRate = 1e30
            $0.maxGradientNorm = nil
            $0.learningStarts = 0
            $0.trainFrequency = 1
            $0.prioritized = prioritized
        }
        let environment = VectorEnvironment(copies: 3) { _ in CountingEnvironment(length: 4, terminates: true) }
        var generator = RandomGenerator(seed: 12)
        #expect(throws: TrainingError.self) {
            try agent.train(on: environment, steps: 3_000, seed: 13, generator: &generator)
        }
    }

    @Test func checkpointRestoresTheAgent() throws {
        let agent = try agent { $0.learningStarts = 0; $0.dueling = true }
        let environment = VectorEnvironment(copies: 3) { _ in CountingEnvironment(length: 4, terminates: true) }
        var generator = RandomGenerator(seed: 10)
        try agent.train(on: environment, steps: 30, seed: 11, generator: &generator)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dqn-\(UInt64.random(in: 0...UInt64.max)).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try agent.save(to: url, metadata: ["environment": "counting"])
        let (restored, metadata) = try DQNAgent.load(from: url)
        #expect(metadata["environment"] == "counting")
        #expect(restored.configuration == agent.configuration)
        #expect(restored.gradientStepCount == agent.gradientStepCount)
        #expect(Array(restored.online.parameters.values) == Array(agent.online.parameters.values))
        #expect(Array(restored.target.parameters.values) == Array(agent.target.parameters.values))
        #expect(try restored.greedyPolicy.scores(for: [1, 2]) == agent.greedyPolicy.scores(for: [1, 2]))
    }
}
