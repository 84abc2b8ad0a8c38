import Testing
@testable import RecoRL
import RecoTensor

/// One copy's trajectory through a rollout, as plain arrays (one entry per step).
private struct RolloutTrajectory {
    var rewards: [Float]
    var values: [Float]
    var terminated: [Bool]
    var truncated: [Bool]
    /// Read by the buffer only where truncated and not terminated; 99 elsewhere catches any other read.
    var finalValues: [Float]

    init(rewards: [Float], values: [Float], terminatedAt: Int? = nil, truncatedAt: Int? = nil,
         finalValue: Float = 99) {
        self.rewards = rewards
        self.values = values
        terminated = rewards.indices.map { $0 == terminatedAt }
        truncated = rewards.indices.map { $0 == truncatedAt }
        finalValues = rewards.indices.map { $0 == truncatedAt ? finalValue : 99 }
    }
}

private extension RolloutBuffer {
    /// Adds one vector step given as arrays (one entry per copy).
    func record(observations: [[Float]], actions: [Int32], logProbabilities: [Float], values: [Float],
                rewards: [Float], terminated: [Bool], truncated: [Bool], finalValues: [Float]) {
        let matrix = Matrix(rows: observations.count, columns: observationWidth,
                            values: observations.flatMap { $0 })
        actions.withUnsafeBufferPointer { actions in
            logProbabilities.withUnsafeBufferPointer { logProbabilities in
                values.withUnsafeBufferPointer { values in
                    rewards.withUnsafeBufferPointer { rewards in
                        terminated.withUnsafeBufferPointer { terminated in
                            truncated.withUnsafeBufferPointer { truncated in
                                finalValues.withUnsafeBufferPointer { finalValues in
                                    add(observations: matrix.view, actions: actions, logProbabilities: logProbabilities,
                                        values: values, rewards: rewards, terminated: terminated,
                                        truncated: truncated, finalValues: finalValues)
                                }
                            }
                        }
                    }
                }
            }
        }
        withExtendedLifetime(matrix) {}
    }

    /// Computes advantages with `lastValues` given as an array.
    func computeAdvantages(lastValues: [Float], gamma: Float, lambda: Float) {
        lastValues.withUnsafeBufferPointer { computeAdvantages(lastValues: $0, gamma: gamma, lambda: lambda) }
    }

    /// Copy `copy`'s entries of a time-major column, in time order.
    func column(_ column: UnsafeBufferPointer<Float>, copy: Int) -> [Float] {
        (0..<steps).map { column[$0 * copies + copy] }
    }
}

/// A full buffer holding `copies` (all of the same length) with observation `[copy, t]`.
private func rolloutBuffer(_ copies: [RolloutTrajectory]) -> RolloutBuffer {
    let steps = copies[0].rewards.count, n = copies.count
    let buffer = RolloutBuffer(steps: steps, copies: n, observationWidth: 2)
    for t in 0..<steps {
        buffer.record(observations: (0..<n).map { [Float($0), Float(t)] }, actions: Array(repeating: 0, count: n),
                      logProbabilities: Array(repeating: 0, count: n), values: copies.map { $0.values[t] },
                      rewards: copies.map { $0.rewards[t] }, terminated: copies.map { $0.terminated[t] },
                      truncated: copies.map { $0.truncated[t] }, finalValues: copies.map { $0.finalValues[t] })
    }
    return buffer
}

private func expectClose(_ actual: [Float], _ expected: [Float], _ comment: Comment,
                         sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, comment, sourceLocation: sourceLocation)
    for (a, e) in zip(actual, expected) {
        #expect(abs(a - e) <= 1e-5 * max(1, abs(e)), "\(comment): \(actual) vs \(expected)", sourceLocation: sourceLocation)
    }
}

/// Generalized advantage estimation against trajectories worked out by hand.
@Suite struct RolloutAdvantageTests {
    /// gamma = 0.9, lambda = 0.8, so gamma * lambda = 0.72; two copies, five steps.
    ///
    /// Copy 0 terminates at t = 2 (its final value there, 7, must be ignored: a termination bootstraps
    /// from 0) and starts a new episode at t = 3, which runs past the end (bootstrap from lastValues[0] = 1).
    /// Copy 1 is truncated at t = 1 with final value 3 (bootstrap from 3, not from V of the next
    /// episode's first observation, and carry no advantage back across the boundary); lastValues[1] = -2.
    @Test func gaeMatchesTheHandComputedTrajectory() {
        let buffer = rolloutBuffer([
            RolloutTrajectory(rewards: [1, 0, 2, 1, 0], values: [0.5, 1.0, 1.5, 0.2, 0.4], terminatedAt: 2),
            RolloutTrajectory(rewards: [0.5, 1, -1, 0, 2], values: [1, 2, 0.5, -0.5, 1], truncatedAt: 1, finalValue: 3),
        ])
        buffer.computeAdvantages(lastValues: [1, -2], gamma: 0.9, lambda: 0.8)
        // Copy 0, backwards:
        // t = 4: delta = 0 + 0.9 * 1 (lastValues) - 0.4 = 0.5;        A = 0.5;                         R = 0.9
        // t = 3: delta = 1 + 0.9 * 0.4 - 0.2 = 1.16;                   A = 1.16 + 0.72 * 0.5 = 1.52;    R = 1.72
        // t = 2: terminated, delta = 2 + 0.9 * 0 - 1.5 = 0.5;          A = 0.5 (nothing carried);      R = 2.0
        //        (bootstrapping from V_3 would give 0.68; carrying A_3 would add 1.0944)
        // t = 1: delta = 0 + 0.9 * 1.5 - 1.0 = 0.35;                   A = 0.35 + 0.72 * 0.5 = 0.71;    R = 1.71
        // t = 0: delta = 1 + 0.9 * 1.0 - 0.5 = 1.4;                    A = 1.4 + 0.72 * 0.71 = 1.9112;  R = 2.4112
        expectClose(buffer.column(buffer.advantages, copy: 0), [1.9112, 0.71, 0.5, 1.52, 0.5], "copy 0 advantages")
        expectClose(buffer.column(buffer.returns, copy: 0), [2.4112, 1.71, 2.0, 1.72, 0.9], "copy 0 returns")
        // Copy 1, backwards:
        // t = 4: delta = 2 + 0.9 * -2 (lastValues) - 1 = -0.8;         A = -0.8;                        R = 0.2
        // t = 3: delta = 0 + 0.9 * 1 - (-0.5) = 1.4;                   A = 1.4 + 0.72 * -0.8 = 0.824;   R = 0.324
        // t = 2: delta = -1 + 0.9 * -0.5 - 0.5 = -1.95;               A = -1.95 + 0.72 * 0.824 = -1.35672; R = -0.85672
        // t = 1: truncated, delta = 1 + 0.9 * 3 (final) - 2 = 1.7;     A = 1.7 (nothing carried);      R = 3.7
        //        (bootstrapping from V_2 would give -0.55, from 0 would give -1)
        // t = 0: delta = 0.5 + 0.9 * 2 - 1 = 1.3;                      A = 1.3 + 0.72 * 1.7 = 2.524;    R = 3.524
        expectClose(buffer.column(buffer.advantages, copy: 1), [2.524, 1.7, -1.35672, 0.824, -0.8], "copy 1 advantages")
        expectClose(buffer.column(buffer.returns, copy: 1), [3.524, 3.7, -0.85672, 0.324, 0.2], "copy 1 returns")
    }

    /// At the last step an ended copy bootstraps from its end, not from lastValues (20); termination wins
    /// over truncation. r = 1, V = 0.5, final value 10, gamma = 0.9.
    @Test func flagsAtTheLastStepOverrideLastValues() {
        let buffer = rolloutBuffer([
            RolloutTrajectory(rewards: [1], values: [0.5], terminatedAt: 0, truncatedAt: 0, finalValue: 10),
            RolloutTrajectory(rewards: [1], values: [0.5], truncatedAt: 0, finalValue: 10),
            RolloutTrajectory(rewards: [1], values: [0.5]),
        ])
        buffer.computeAdvantages(lastValues: [20, 20, 20], gamma: 0.9, lambda: 0.8)
        // Terminated and truncated: 1 + 0 - 0.5 = 0.5. Truncated: 1 + 0.9 * 10 - 0.5 = 9.5.
        // Running on: 1 + 0.9 * 20 - 0.5 = 18.5.
        expectClose(Array(buffer.advantages), [0.5, 9.5, 18.5], "advantages")
        expectClose(Array(buffer.returns), [1, 10, 19], "returns")
    }

    /// Copy 0 terminates at its last step (lastValues[0] = 5 must be ignored); copy 1 runs on and
    /// bootstraps from lastValues[1] = 10. gamma = 0.9.
    private func threeSteps() -> RolloutBuffer {
        rolloutBuffer([
            RolloutTrajectory(rewards: [1, 2, 3], values: [0.3, -1, 2], terminatedAt: 2),
            RolloutTrajectory(rewards: [1, 2, 3], values: [0, 1, 4]),
        ])
    }

    @Test func lambdaOneGivesDiscountedMonteCarloReturns() {
        let buffer = threeSteps()
        buffer.computeAdvantages(lastValues: [5, 10], gamma: 0.9, lambda: 1)
        // Copy 0: G_2 = 3, G_1 = 2 + 0.9 * 3 = 4.7, G_0 = 1 + 0.9 * 4.7 = 5.23; A = G - V.
        expectClose(buffer.column(buffer.returns, copy: 0), [5.23, 4.7, 3], "copy 0 returns")
        expectClose(buffer.column(buffer.advantages, copy: 0), [5.23 - 0.3, 4.7 + 1, 3 - 2], "copy 0 advantages")
        // Copy 1: G_2 = 3 + 0.9 * 10 = 12, G_1 = 2 + 0.9 * 12 = 12.8, G_0 = 1 + 0.9 * 12.8 = 12.52.
        expectClose(buffer.column(buffer.returns, copy: 1), [12.52, 12.8, 12], "copy 1 returns")
        expectClose(buffer.column(buffer.advantages, copy: 1), [12.52, 11.8, 8], "copy 1 advantages")
    }

    @Test func lambdaZeroGivesOneStepTDErrors() {
        let buffer = threeSteps()
        buffer.computeAdvantages(lastValues: [5, 10], gamma: 0.9, lambda: 0)
        // Copy 0: 1 + 0.9 * -1 - 0.3 = -0.2; 2 + 0.9 * 2 + 1 = 4.8; 3 + 0 - 2 = 1 (terminated).
        expectClose(buffer.column(buffer.advantages, copy: 0), [-0.2, 4.8, 1], "copy 0 advantages")
        expectClose(buffer.column(buffer.returns, copy: 0), [0.1, 3.8, 3], "copy 0 returns")
        // Copy 1: 1 + 0.9 * 1 - 0 = 1.9; 2 + 0.9 * 4 - 1 = 4.6; 3 + 0.9 * 10 - 4 = 8.
        expectClose(buffer.column(buffer.advantages, copy: 1), [1.9, 4.6, 8], "copy 1 advantages")
        expectClose(buffer.column(buffer.returns, copy: 1), [1.9, 5.6, 12], "copy 1 returns")
    }

    /// With gamma = 0 the returns are the rewards: 1, 2, 3, 4 (mean 2.5, variance 1.25), over two copies
    /// of two steps.
    private func explainedVariance(values: [Float], rewards: [Float] = [1, 2, 3, 4]) -> Float {
        let buffer = rolloutBuffer([
            RolloutTrajectory(rewards: [rewards[0], rewards[2]], values: [values[0], values[2]]),
            RolloutTrajectory(rewards: [rewards[1], rewards[3]], values: [values[1], values[3]]),
        ])
        buffer.computeAdvantages(lastValues: [0, 0], gamma: 0, lambda: 0)
        return buffer.explainedVariance()
    }

    @Test func explainedVarianceOnKnownNumbers() {
        // Residuals 0, 0, 0, -1: mean -0.25, variance (3 * 0.0625 + 0.5625) / 4 = 0.1875; 1 - 0.1875 / 1.25 = 0.85.
        #expect(abs(explainedVariance(values: [1, 2, 3, 5]) - 0.85) < 1e-6)
        // Residuals -3, -1, 1, 3: variance 5; 1 - 5 / 1.25 = -3.
        #expect(abs(explainedVariance(values: [4, 3, 2, 1]) - -3) < 1e-6)
        #expect(explainedVariance(values: [1, 2, 3, 4]) == 1)  // perfect critic
        #expect(explainedVariance(values: [7, 7, 7, 7]) == 0)  // a constant explains nothing
        // Equal returns: the ratio is undefined and reported as 0, not NaN.
        #expect(explainedVariance(values: [0, 1, 2, 3], rewards: [2, 2, 2, 2]) == 0)
    }
}

/// Storage, `all`, shuffling and minibatches of a 5-step, 3-copy buffer whose row `r = 3t + i` holds
/// observation `[r, -r]`, action `100 + r`, log-probability `-r / 10` and value `r / 4`.
@Suite struct RolloutMinibatchTests {
    static let steps = 5, copies = 3, rows = 15

    private func filled() -> RolloutBuffer {
        let buffer = RolloutBuffer(steps: Self.steps, copies: Self.copies, observationWidth: 2)
        for t in 0..<Self.steps {
            let rows = (0..<Self.copies).map { t * Self.copies + $0 }
            buffer.record(observations: rows.map { [Float($0), -Float($0)] }, actions: rows.map { Int32(100 + $0) },
                          logProbabilities: rows.map { -Float($0) / 10 }, values: rows.map { Float($0) / 4 },
                          rewards: rows.map { Float($0 % 4) }, terminated: rows.map { $0 == 7 },
                          truncated: rows.map { $0 == 11 }, finalValues: rows.map { _ in 1 })
        }
        buffer.computeAdvantages(lastValues: [0.5, -0.5, 2], gamma: 0.9, lambda: 0.95)
        return buffer
    }

    /// The stored rows each minibatch row came from, checking that every column stayed with its row.
    private func rows(of batch: RolloutMinibatch, in buffer: RolloutBuffer) -> [Int] {
        (0..<batch.size).map { j in
            let row = Int(batch.observations[j, 0])
            #expect(batch.observations[j, 1] == -Float(row))
            #expect(batch.actions[j] == Int32(100 + row))
            #expect(batch.logProbabilities[j] == -Float(row) / 10)
            #expect(batch.values[j] == Float(row) / 4)
            #expect(batch.advantages[j] == buffer.advantages[row])
            #expect(batch.returns[j] == buffer.returns[row])
            return row
        }
    }

    /// The order of the last shuffle.
    private func order(_ buffer: RolloutBuffer) -> [Int] { rows(of: buffer.minibatch(0, of: 1), in: buffer) }

    @Test func fillingCountsStepsAndResetStartsOver() {
        let buffer = filled()
        #expect(buffer.count == Self.rows && buffer.filledSteps == Self.steps && buffer.isFull)
        buffer.reset()
        #expect(buffer.filledSteps == 0 && !buffer.isFull)
        buffer.record(observations: [[1, 2], [3, 4], [5, 6]], actions: [0, 0, 0], logProbabilities: [0, 0, 0],
                      values: [0, 0, 0], rewards: [0, 0, 0], terminated: [false, false, false],
                      truncated: [false, false, false], finalValues: [0, 0, 0])
        #expect(buffer.filledSteps == 1 && !buffer.isFull)
        #expect(buffer.storage.observations.toArray().prefix(6) == [1, 2, 3, 4, 5, 6])
    }

    @Test func allIsTheStorageInTimeOrder() {
        let buffer = filled()
        let all = buffer.all
        #expect(all.size == Self.rows)
        #expect(all.observations.base == buffer.storage.observations.view.base)  // a view, not a copy
        #expect(all.advantages == buffer.advantages.baseAddress)
        #expect(all.returns == buffer.returns.baseAddress)
        #expect(rows(of: all, in: buffer) == Array(0..<Self.rows))
        var generator = RandomGenerator(seed: 3)
        buffer.shuffle(using: &generator)  // shuffling copies; the time-ordered rows stay put
        #expect(rows(of: buffer.all, in: buffer) == Array(0..<Self.rows))
    }

    @Test func everyRowAppearsOnceAndStaysAligned() {
        let buffer = filled()
        var generator = RandomGenerator(seed: 42)
        for _ in 0..<3 {
            buffer.shuffle(using: &generator)
            let seen = (0..<4).flatMap { rows(of: buffer.minibatch($0, of: 4), in: buffer) }
            #expect(seen.sorted() == Array(0..<Self.rows))
            #expect(seen != Array(0..<Self.rows))
        }
    }

    @Test func sameSeedSamePermutationAndEpochsDiffer() {
        let first = filled(), second = filled()
        var a = RandomGenerator(seed: 7), b = RandomGenerator(seed: 7)
        first.shuffle(using: &a)
        second.shuffle(using: &b)
        let epoch0 = order(first)
        #expect(order(second) == epoch0)
        first.shuffle(using: &a)
        #expect(order(first) != epoch0)
        // The permutation depends only on the generator, not on the previous epoch's order.
        var c = RandomGenerator(seed: 7)
        first.shuffle(using: &c)
        #expect(order(first) == epoch0)
    }

    @Test func minibatchesAreContiguousSlicesWithTheRemainderLast() {
        let buffer = filled()
        var generator = RandomGenerator(seed: 11)
        buffer.shuffle(using: &generator)
        let whole = buffer.minibatch(0, of: 1)
        #expect(whole.size == Self.rows)
        for (parts, sizes) in [(4, [3, 3, 3, 6]), (2, [7, 8]), (5, [3, 3, 3, 3, 3]), (15, Array(repeating: 1, count: 15))] {
            var start = 0
            for (index, size) in sizes.enumerated() {
                let batch = buffer.minibatch(index, of: parts)
                #expect(batch.size == size, "minibatch \(index) of \(parts)")
                #expect(batch.observations.base == whole.observations.base + 2 * start)
                #expect(batch.actions == whole.actions + start && batch.advantages == whole.advantages + start)
                start += size
            }
        }
        // A new epoch reuses the same storage.
        buffer.shuffle(using: &generator)
        #expect(buffer.minibatch(0, of: 1).observations.base == whole.observations.base)
    }
}
