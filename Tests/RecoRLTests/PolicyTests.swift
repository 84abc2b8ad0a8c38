import Dispatch
import Foundation
import Testing
import RecoEnvironments
@testable import RecoRL
import RecoSimulators
import RecoTensor

@Suite struct PolicyTests {
    /// A DQN agent and an A2C agent for marketing, with networks moved off their initial values so ties
    /// are rare.
    func agents() throws -> [Agent] {
        let environment = VectorEnvironment(copies: 4) { _ in MarketingEnvironment() }
        var generator = RandomGenerator(seed: 31)
        let dqn = try DQNAgent(for: environment, generator: &generator)
        let a2c = try A2CAgent(for: environment, generator: &generator)
        for store in [dqn.online.parameters, a2c.networks.actor.parameters] {
            for i in 0..<store.count { store.values[i] += 0.1 * generator.normal() }
        }
        return [dqn, a2c]
    }

    func observations(rows: Int, seed: UInt64) -> Matrix {
        var generator = RandomGenerator(seed: seed)
        let matrix = Matrix(rows: rows, columns: MarketingEnvironment.observationWidth)
        generator.fillUniform(matrix.view.flat, 0, 1)
        return matrix
    }

    func actions(_ policy: Policy, _ observations: MatrixView) throws -> [Int32] {
        var actions = [Int32](repeating: -1, count: observations.rows)
        var generator = RandomGenerator(seed: 0)
        try actions.withUnsafeMutableBufferPointer {
            try policy.act(observations, into: $0, logProbabilities: nil, using: &generator)
        }
        return actions
    }

    /// One policy shared by 4 threads acting at once (each on its own batch, many times over) gives every
    /// thread the actions one thread gets: no shared workspace between callers.
    @Test func policySharedByFourThreadsActsAsOneThreadDoes() throws {
        for agent in try agents() {
            let policy = agent.greedyPolicy
            let batches = (0..<4).map { observations(rows: 37 + 13 * $0, seed: UInt64(40 + $0)) }
            let expected = try batches.map { try actions(policy, $0.view) }
            let results = OwnedBuffer<[Int32]>(count: 4 * 25) { _ in [] }
            DispatchQueue.concurrentPerform(iterations: 4) { thread in
                for round in 0..<25 {
                    results.elements[thread * 25 + round] = (try? actions(policy, batches[thread].view)) ?? []
                }
            }
            for thread in 0..<4 {
                for round in 0..<25 {
                    #expect(results.elements[thread * 25 + round] == expected[thread], "\(agent.algorithm) thread \(thread)")
                }
            }
            withExtendedLifetime(batches) {}
        }
    }

    /// A batch larger than a workspace is processed in chunks (no cap that traps), with the actions and
    /// scores the rows get one by one.
    @Test func batchesLargerThanAWorkspaceAreChunked() throws {
        for agent in try agents() {
            let policy = agent.greedyPolicy
            let rows = 2_500   // more than the 1,024 rows of a replica
            let batch = observations(rows: rows, seed: 44)
            let all = try actions(policy, batch.view)
            let scores = Matrix(rows: rows, columns: policy.actionCount)
            try policy.scores(batch.view, into: scores.view)
            for row in stride(from: 0, to: rows, by: 97) {
                let single = Array(UnsafeBufferPointer(start: batch.view.rowPointer(row), count: batch.columns))
                #expect(try policy.action(for: single) == Int(all[row]), "\(agent.algorithm) row \(row)")
                let expected = try policy.scores(for: single)
                let chunked = Array(UnsafeBufferPointer(start: scores.view.rowPointer(row), count: policy.actionCount))
                #expect(zip(expected, chunked).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($0)) }, "\(agent.algorithm) row \(row)")
            }
        }
    }

    /// Epsilon-greedy propensities belong to the action returned after exploration: `1 - eps + eps/A`
    /// where it is the greedy action, `eps/A` where exploration changed it (the trap of logging the
    /// greedy action's probability for an explored one). The returned actions follow those probabilities.
    @Test func epsilonGreedyLogsThePropensityOfTheActionTaken() throws {
        let agent = try #require(try agents().first as? DQNAgent)
        let policy = EpsilonGreedyPolicy(greedy: agent.greedyPolicy, epsilon: 0.5)
        let batch = observations(rows: 4_000, seed: 45)
        let greedy = try actions(agent.greedyPolicy, batch.view)
        var chosen = [Int32](repeating: 0, count: batch.rows), logProbabilities = [Float](repeating: 0, count: batch.rows)
        var generator = RandomGenerator(seed: 46)
        try chosen.withUnsafeMutableBufferPointer { actions in
            try logProbabilities.withUnsafeMutableBufferPointer { logs in
                try policy.act(batch.view, into: actions, logProbabilities: logs, using: &generator)
            }
        }
        let a = Float(agent.actionCount)
        var kept = 0
        for i in 0..<batch.rows {
            let expected = chosen[i] == greedy[i] ? 1 - 0.5 + 0.5 / a : 0.5 / a
            #expect(abs(exp(logProbabilities[i]) - expected) < 1e-6, "row \(i)")
            if chosen[i] == greedy[i] { kept += 1 }
        }
        // P(greedy) = 0.5 + 0.5 / 18: about 2,111 of 4,000, with a standard deviation near 32.
        #expect(abs(Float(kept) - Float(batch.rows) * (0.5 + 0.5 / a)) < 160, "kept \(kept)")
    }

    /// A sampling policy's log-probability is `log softmax(logits)[a]` of the action it drew.
    @Test func samplingPolicyLogsLogSoftmaxOfTheDrawnAction() throws {
        let agent = try #require(try agents().last as? A2CAgent)
        let policy = try #require(agent.rolloutPolicy as? CategoricalPolicy)
        let batch = observations(rows: 64, seed: 47)
        var chosen = [Int32](repeating: 0, count: 64), logProbabilities = [Float](repeating: 0, count: 64)
        var generator = RandomGenerator(seed: 48)
        try chosen.withUnsafeMutableBufferPointer { actions in
            try logProbabilities.withUnsafeMutableBufferPointer { logs in
                try policy.act(batch.view, into: actions, logProbabilities: logs, using: &generator)
            }
        }
        let probabilities = Matrix(rows: 64, columns: agent.actionCount)
        try policy.scores(batch.view, into: probabilities.view)
        for i in 0..<64 {
            #expect(abs(exp(logProbabilities[i]) - probabilities[i, Int(chosen[i])]) < 1e-5, "row \(i)")
        }
    }

    /// A batch of the wrong width is refused with an error naming the field.
    @Test func misfitBatchesThrow() throws {
        let policy = try agents()[0].greedyPolicy
        let narrow = Matrix(rows: 3, columns: 4)
        var actions = [Int32](repeating: 0, count: 3)
        var generator = RandomGenerator(seed: 0)
        #expect {
            try actions.withUnsafeMutableBufferPointer {
                try policy.act(narrow.view, into: $0, logProbabilities: nil, using: &generator)
            }
        } throws: { error in
            "\(error)".contains("observations") && "\(error)".contains("expected 11")
        }
        #expect(throws: PolicyError.self) { try policy.scores(for: [1, 2]) }
    }
}
