import Testing
@testable import RecoRL
import RecoTensor

/// n-step returns (n = 3, gamma = 0.9) against a trajectory worked out by hand.
///
/// Two copies step together for t = 0...6. Copy 0 terminates at t = 4 (3 entries queued) and starts a
/// new episode at t = 5. Copy 1 is truncated at t = 1 (2 entries queued) and starts again at t = 2.
/// Observation of copy c at step t: `[c, t]`; the final observation of an ended episode: `[c, t + 0.5]`.
/// Action: `10c + t`. Rewards: copy 0 gets `t + 1`, copy 1 gets `-(t + 1) / 2`.
@Suite struct ReplayNStepTests {
    struct Expected {
        let copy: Int, t: Int
        let reward: Float
        let next: [Float]
        let done: Float
        let discount: Float
    }

    static func reward(_ copy: Int, _ t: Int) -> Float { copy == 0 ? Float(t + 1) : -Float(t + 1) / 2 }

    func feed(_ replay: Replay, nSteps: Int) {
        let feed = ReplayFeed(into: replay, copies: 2, nSteps: nSteps, gamma: 0.9)
        for t in 0...6 {
            let terminated = [t == 4, false], truncated = [false, t == 1]
            let next: [[Float]] = (0..<2).map { c in
                terminated[c] || truncated[c] ? [Float(c), Float(t) + 0.5] : [Float(c), Float(t + 1)]
            }
            feed.add(ReplayTestStep(observations: (0..<2).map { [Float($0), Float(t)] },
                                      actions: (0..<2).map { Int32(10 * $0 + t) },
                                      rewards: (0..<2).map { Self.reward($0, t) },
                                      nextObservations: next, terminated: terminated, truncated: truncated))
        }
    }

    /// Copy 0 rewards 1...7, copy 1 rewards -0.5, -1, ..., -3.5; written in the order they complete.
    let expected: [Expected] = [
        // t = 1: copy 1 truncated with 2 queued: both flushed, bootstrapping (done 0) from [1, 1.5].
        Expected(copy: 1, t: 0, reward: -0.5 + 0.9 * -1, next: [1, 1.5], done: 0, discount: 0.81),
        Expected(copy: 1, t: 1, reward: -1, next: [1, 1.5], done: 0, discount: 0.9),
        // t = 2, 3: copy 0's window is full.
        Expected(copy: 0, t: 0, reward: 1 + 0.9 * 2 + 0.81 * 3, next: [0, 3], done: 0, discount: 0.729),
        Expected(copy: 0, t: 1, reward: 2 + 0.9 * 3 + 0.81 * 4, next: [0, 4], done: 0, discount: 0.729),
        // t = 4: copy 0 terminates with 3 queued: all flushed with done 1 and horizons 3, 2, 1 ...
        Expected(copy: 0, t: 2, reward: 3 + 0.9 * 4 + 0.81 * 5, next: [0, 4.5], done: 1, discount: 0.729),
        Expected(copy: 0, t: 3, reward: 4 + 0.9 * 5, next: [0, 4.5], done: 1, discount: 0.81),
        Expected(copy: 0, t: 4, reward: 5, next: [0, 4.5], done: 1, discount: 0.9),
        // ... and copy 1's new episode (from t = 2) fills its window at t = 4, 5, 6.
        Expected(copy: 1, t: 2, reward: -1.5 + 0.9 * -2 + 0.81 * -2.5, next: [1, 5], done: 0, discount: 0.729),
        Expected(copy: 1, t: 3, reward: -2 + 0.9 * -2.5 + 0.81 * -3, next: [1, 6], done: 0, discount: 0.729),
        Expected(copy: 1, t: 4, reward: -2.5 + 0.9 * -3 + 0.81 * -3.5, next: [1, 7], done: 0, discount: 0.729),
        // Copy 0's steps 5 and 6 are still queued.
    ]

    @Test func nStepReturnsMatchTheHandComputedTrajectory() throws {
        let buffer = try ReplayBuffer(capacity: 32, observationWidth: 2)
        feed(buffer, nSteps: 3)
        check(buffer.storage)
    }

    @Test func prioritizedBufferFormsTheSameTransitions() throws {
        let buffer = try PrioritizedReplayBuffer(capacity: 32, observationWidth: 2)
        feed(buffer, nSteps: 3)
        check(buffer.storage)
        for slot in 0..<expected.count { #expect(buffer.sums[slot] == 1) }  // all at the initial maximum
    }

    func check(_ storage: ReplayStorage) {
        #expect(storage.count == expected.count)
        for (slot, e) in expected.enumerated() {
            #expect(replayRow(storage.observations, slot) == [Float(e.copy), Float(e.t)], "slot \(slot)")
            #expect(storage.actions.base[slot] == Int32(10 * e.copy + e.t), "slot \(slot)")
            #expect(abs(storage.rewards.base[slot] - e.reward) < 1e-5, "slot \(slot)")
            #expect(replayRow(storage.nextObservations, slot) == e.next, "slot \(slot)")
            #expect(storage.dones.base[slot] == e.done, "slot \(slot)")
            #expect(abs(storage.discounts.base[slot] - e.discount) < 1e-6, "slot \(slot)")
        }
    }

    @Test func oneStepTransitionsAreTheOrdinaryOnes() throws {
        let buffer = try ReplayBuffer(capacity: 8, observationWidth: 2)
        feed(buffer, nSteps: 1)
        #expect(buffer.count == 8)  // 14 steps into a ring of 8: slot s holds step s + 6 = (copy, t)
        let storage = buffer.storage
        for slot in 0..<8 {
            let step = slot < 6 ? slot + 8 : slot  // writes 0..13; the last 8 are writes 6..13
            let copy = step % 2, t = step / 2
            let ended = (copy == 0 && t == 4) || (copy == 1 && t == 1)
            #expect(replayRow(storage.observations, slot) == [Float(copy), Float(t)])
            #expect(storage.rewards.base[slot] == Self.reward(copy, t))
            #expect(replayRow(storage.nextObservations, slot) == [Float(copy), Float(t) + (ended ? 0.5 : 1)])
            #expect(storage.dones.base[slot] == (copy == 0 && t == 4 ? 1 : 0))
            #expect(storage.discounts.base[slot] == 0.9)
        }
    }
}
