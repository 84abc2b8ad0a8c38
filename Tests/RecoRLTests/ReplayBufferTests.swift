import Foundation
import Testing
@testable import RecoRL
import RecoTensor

@Suite struct ReplayBufferTests {
    /// One copy, one-step returns: observation `[t, 2t]`, action `t`, reward `t / 2`, next `[t + 1, 2t + 2]`.
    func step(_ t: Int) -> ReplayTestStep {
        let x = Float(t)
        return ReplayTestStep(observations: [[x, 2 * x]], actions: [Int32(t)], rewards: [x / 2],
                              nextObservations: [[x + 1, 2 * x + 2]], terminated: [false], truncated: [false])
    }

    @Test func ringOverwritesTheOldestTransitions() throws {
        let buffer = try ReplayBuffer(capacity: 5, observationWidth: 2)
        let feed = ReplayFeed(into: buffer, copies: 1, nSteps: 1, gamma: 0.9)
        for t in 0..<3 { feed.add(step(t)) }
        #expect(buffer.count == 3)
        for t in 3..<8 { feed.add(step(t)) }
        #expect(buffer.count == 5)
        #expect(buffer.capacity == 5)
        // Steps 5, 6, 7 overwrote slots 0, 1, 2; steps 3 and 4 are still in slots 3 and 4.
        let storage = buffer.storage
        for (slot, t) in [5, 6, 7, 3, 4].enumerated() {
            let x = Float(t)
            #expect(replayRow(storage.observations, slot) == [x, 2 * x])
            #expect(replayRow(storage.nextObservations, slot) == [x + 1, 2 * x + 2])
            #expect(storage.actions.base[slot] == Int32(t))
            #expect(storage.rewards.base[slot] == x / 2)
            #expect(storage.dones.base[slot] == 0)
            #expect(storage.discounts.base[slot] == 0.9)
        }
    }

    @Test func sampledRowsAreStoredTransitionsKeptTogether() throws {
        // Two copies, n = 2, wrapped ring: every sampled row must be one stored transition, whole.
        let buffer = try ReplayBuffer(capacity: 37, observationWidth: 3)
        let feed = ReplayFeed(into: buffer, copies: 2, nSteps: 2, gamma: 0.5)
        for t in 0..<60 {
            let copies = [0, 1]
            feed.add(ReplayTestStep(
                observations: copies.map { [Float(t), Float($0), Float(t * 10 + $0)] },
                actions: copies.map { Int32(t * 10 + $0) },
                rewards: copies.map { Float(t * 10 + $0) },
                nextObservations: copies.map { [Float(t + 1), Float($0), Float((t + 1) * 10 + $0)] },
                terminated: [false, false], truncated: [false, false]))
        }
        #expect(buffer.count == 37)
        let batch = ReplayBatch(size: 64, observationWidth: 3)
        var generator = RandomGenerator(seed: 7)
        buffer.sample(into: batch, using: &generator)
        var seen = Set<Int>()
        for i in 0..<batch.size {
            let slot = batch.indices[i]
            seen.insert(slot)
            #expect(slot >= 0 && slot < buffer.count)
            let observation = replayRow(batch.observations.view, i)
            #expect(observation == replayRow(buffer.storage.observations, slot))
            #expect(replayRow(batch.nextObservations.view, i) == replayRow(buffer.storage.nextObservations, slot))
            // The row's own fields agree with the step its observation encodes.
            let t = observation[0], copy = observation[1]
            #expect(batch.actions[i] == Int32(t * 10 + copy))
            #expect(abs(batch.rewards[i] - ((t * 10 + copy) + 0.5 * ((t + 1) * 10 + copy))) < 1e-4)
            #expect(replayRow(batch.nextObservations.view, i) == [t + 2, copy, (t + 2) * 10 + copy])
            #expect(batch.dones[i] == 0)
            #expect(batch.discounts[i] == 0.25)
            #expect(batch.weights[i] == 1)
        }
        #expect(seen.count > 20)  // draws spread over the buffer
    }

    @Test func samplingIsReproducibleFromTheSeed() throws {
        let buffer = try ReplayBuffer(capacity: 100, observationWidth: 2)
        let feed = ReplayFeed(into: buffer, copies: 1, nSteps: 1, gamma: 0.9)
        for t in 0..<100 { feed.add(step(t)) }
        let first = ReplayBatch(size: 16, observationWidth: 2), second = ReplayBatch(size: 16, observationWidth: 2)
        var a = RandomGenerator(seed: 3), b = RandomGenerator(seed: 3)
        buffer.sample(into: first, using: &a)
        buffer.sample(into: second, using: &b)
        #expect(Array(first.indices) == Array(second.indices))
        #expect(first.observations.toArray() == second.observations.toArray())
    }

    #if os(Linux)
    /// 10 million transitions of dimension 64 (5 GB of observations) cost only the pages written.
    @Test func largeCapacityIsNotTouchedUpFront() throws {
        let before = try residentBytes()
        let buffer = try ReplayBuffer(capacity: 10_000_000, observationWidth: 64)
        let feed = ReplayFeed(into: buffer, copies: 1, nSteps: 1, gamma: 0.99)
        let observation = [Float](repeating: 1, count: 64)
        for t in 0..<10 {
            feed.add(ReplayTestStep(observations: [observation], actions: [Int32(t)], rewards: [1],
                                      nextObservations: [observation], terminated: [false], truncated: [false]))
        }
        #expect(buffer.count == 10)
        #expect(try residentBytes() - before < 512 << 20)
    }

    /// Resident memory of this process, from `/proc/self/statm`.
    func residentBytes() throws -> Int {
        let fields = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8).split(separator: " ")
        return (Int(fields[1]) ?? 0) * sysconf(Int32(_SC_PAGESIZE))
    }
    #endif
}
