import Foundation
import Testing
@testable import RecoRL
import RecoTensor

@Suite struct ReplayPrioritizedTests {
    /// A prioritized buffer holding `count` one-step transitions of one copy: observation `[t]`.
    func filledBuffer(capacity: Int, count: Int, alpha: Float = 0.6, beta: Float = 0.4) throws -> PrioritizedReplayBuffer {
        let buffer = try PrioritizedReplayBuffer(capacity: capacity, observationWidth: 1, alpha: alpha, beta: beta)
        let feed = ReplayFeed(into: buffer, copies: 1, nSteps: 1, gamma: 0.9)
        for t in 0..<count {
            feed.add(ReplayTestStep(observations: [[Float(t)]], actions: [Int32(t)], rewards: [Float(t)],
                                      nextObservations: [[Float(t + 1)]], terminated: [false], truncated: [false]))
        }
        return buffer
    }

    /// Gives slot `i` the TD error `tdErrors[i]` through `updatePriorities`.
    func setTDErrors(_ tdErrors: [Float], of buffer: PrioritizedReplayBuffer) {
        let batch = ReplayBatch(size: tdErrors.count, observationWidth: 1)
        for i in 0..<tdErrors.count { batch.indices[i] = i }
        tdErrors.withUnsafeBufferPointer { buffer.updatePriorities(of: batch, tdErrors: $0) }
    }

    /// How often each slot is drawn in `batches` batches of `size`.
    func frequencies(_ buffer: PrioritizedReplayBuffer, batches: Int, size: Int, seed: UInt64) -> [Int] {
        var counts = [Int](repeating: 0, count: buffer.capacity)
        let batch = ReplayBatch(size: size, observationWidth: 1)
        var generator = RandomGenerator(seed: seed)
        for _ in 0..<batches {
            buffer.sample(into: batch, using: &generator)
            for i in 0..<size { counts[batch.indices[i]] += 1 }
        }
        return counts
    }

    @Test func sampledSlotsFollowThePriorities() throws {
        let tdErrors: [Float] = [0.1, 0.5, 1, 2, 3, 0.2, 5, 0.05]
        let buffer = try filledBuffer(capacity: 8, count: 8)
        setTDErrors(tdErrors, of: buffer)
        let priorities = tdErrors.map { Foundation.pow(Double($0) + 1e-6, 0.6) }
        let total = priorities.reduce(0, +)
        let batches = 1000, size = 32
        let counts = frequencies(buffer, batches: batches, size: size, seed: 11)
        let draws = Double(batches * size)
        let chiSquare = zip(counts, priorities).reduce(0.0) { sum, pair in
            let expected = draws * pair.1 / total
            return sum + (Double(pair.0) - expected) * (Double(pair.0) - expected) / expected
        }
        // 99.9% quantile of the chi-square distribution with 7 degrees of freedom.
        #expect(chiSquare < 24.32, "chi-square \(chiSquare), counts \(counts)")
    }

    @Test func importanceWeightsMatchTheHandComputedExample() throws {
        // alpha = 1: priorities 1, 2, 3, 4 (plus epsilon), P = 0.1, 0.2, 0.3, 0.4, N = 4, beta = 0.5.
        // (N P)^-beta = 0.4^-0.5, 0.8^-0.5, 1.2^-0.5, 1.6^-0.5 = 1.5811, 1.1180, 0.9129, 0.7906;
        // divided by the largest: 1, 0.70711, 0.57735, 0.5.
        let buffer = try filledBuffer(capacity: 4, count: 4, alpha: 1, beta: 0.5)
        setTDErrors([1, 2, 3, 4], of: buffer)
        let handComputed: [Float] = [1, 0.70710678, 0.57735027, 0.5]
        let batch = ReplayBatch(size: 64, observationWidth: 1)
        var generator = RandomGenerator(seed: 5)
        buffer.sample(into: batch, using: &generator)
        for i in 0..<batch.size {
            #expect(abs(batch.weights[i] - handComputed[batch.indices[i]]) < 1e-5)
        }
        #expect(Set(batch.indices).count == 4)

        // The general formula with alpha = 0.6 and the settable beta, on the same TD errors.
        let other = try filledBuffer(capacity: 4, count: 4)
        setTDErrors([1, 2, 3, 4], of: other)
        other.beta = 0.7
        let p = [1.0, 2, 3, 4].map { Foundation.pow($0 + 1e-6, 0.6) }
        let total = p.reduce(0, +)
        let raw = p.map { Foundation.pow(4 * $0 / total, -0.7) }
        other.sample(into: batch, using: &generator)
        for i in 0..<batch.size {
            let slot = batch.indices[i]
            #expect(abs(Double(batch.weights[i]) - raw[slot] / raw.max()!) < 1e-5)
            #expect(batch.observations[i, 0] == Float(slot))
        }
    }

    @Test func updatedPrioritiesChangeTheDistribution() throws {
        let buffer = try filledBuffer(capacity: 4, count: 4, alpha: 1)
        let before = frequencies(buffer, batches: 100, size: 16, seed: 21)
        #expect(before.allSatisfy { $0 == 400 })  // equal priorities: stratified draws split evenly
        setTDErrors([0, 0, 100, 0], of: buffer)
        let after = frequencies(buffer, batches: 100, size: 16, seed: 22)
        #expect(after[2] > 1590, "counts \(after)")
        // A new transition enters with the largest priority so far.
        ReplayFeed(into: buffer, copies: 1, gamma: 0.9).add(ReplayTestStep(observations: [[4]], actions: [4], rewards: [0], nextObservations: [[5]],
                                  terminated: [false], truncated: [false]))
        #expect(abs(buffer.sums[0] - 100.000001) < 1e-4)
    }

    @Test func partlyFilledBufferSamplesOnlyStoredSlots() throws {
        let buffer = try filledBuffer(capacity: 1000, count: 3)
        let counts = frequencies(buffer, batches: 50, size: 64, seed: 4)
        #expect(counts[3...].allSatisfy { $0 == 0 })
        #expect(counts[0..<3].allSatisfy { $0 > 0 })
    }
}
