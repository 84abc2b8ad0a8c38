import Foundation
import RecoTensor

/// `N` copies of an `Environment` as one `BatchedEnvironment`, resetting finished copies automatically.
///
/// Copy `i` has its own random stream, so results do not depend on how copies are spread over
/// threads. Copies of expensive environments are stepped in parallel on the thread policy's cores.
/// `startEpisode(_:seed:inCopy:)` puts one copy at the start of episode `k` of a fixed set, drawn from
/// stream `k` (after `reset(seed:)`, copy `i` is at the start of episode `i` of the set `seed`).
public final class VectorEnvironment<Copy: Environment>: EpisodeIndexedEnvironment {
    public let copies: Int
    public let observationSpace: Space
    public let actionSpace: Space
    // Owned storage (not arrays) so worker threads can update distinct copies without Swift's
    // copy-on-write bookkeeping, and so the buffers handed out stay valid.
    private let instances: OwnedBuffer<Copy>
    private let generators: OwnedBuffer<RandomGenerator>
    private let current: Matrix
    private let final: Matrix
    private let rewardStorage: OwnedBuffer<Float>
    private let terminatedStorage: OwnedBuffer<Bool>
    private let truncatedStorage: OwnedBuffer<Bool>
    private var runningReturns: [Float]
    private var runningLengths: [Int]
    private var completed: [EpisodeSummary] = []

    /// `copies` copies made by `make(i)`.
    public init(copies: Int, make: (Int) -> Copy) {
        precondition(copies >= 1, "a vector environment needs at least one copy")
        self.copies = copies
        instances = OwnedBuffer(count: copies, make)
        generators = OwnedBuffer(count: copies) { RandomGenerator(seed: 0, stream: UInt64($0)) }
        observationSpace = instances.elements[0].observationSpace
        actionSpace = instances.elements[0].actionSpace
        let dimension = observationSpace.width
        current = Matrix(rows: copies, columns: dimension)
        final = Matrix(rows: copies, columns: dimension)
        rewardStorage = OwnedBuffer(repeating: 0, count: copies)
        terminatedStorage = OwnedBuffer(repeating: false, count: copies)
        truncatedStorage = OwnedBuffer(repeating: false, count: copies)
        runningReturns = [Float](repeating: 0, count: copies)
        runningLengths = [Int](repeating: 0, count: copies)
    }

    public var observations: MatrixView { current.view }
    public var observationIds: ObservationIds? { instances.elements[0].observationIds }
    public var finalObservations: MatrixView { final.view }
    public var rewards: UnsafeBufferPointer<Float> { UnsafeBufferPointer(rewardStorage.elements) }
    public var terminated: UnsafeBufferPointer<Bool> { UnsafeBufferPointer(terminatedStorage.elements) }
    public var truncated: UnsafeBufferPointer<Bool> { UnsafeBufferPointer(truncatedStorage.elements) }

    public func reset(seed: UInt64) {
        let instances = instances.elements, generators = generators.elements
        for i in 0..<copies {
            generators[i] = RandomGenerator(seed: seed, stream: UInt64(i))
            instances[i].reset(using: &generators[i], observation: row(current, i))
            runningReturns[i] = 0
            runningLengths[i] = 0
            rewardStorage.elements[i] = 0
            terminatedStorage.elements[i] = false
            truncatedStorage.elements[i] = false
        }
        completed.removeAll()
    }

    public func startEpisode(_ episode: Int, seed: UInt64, inCopy i: Int) {
        precondition(i >= 0 && i < copies, "copy \(i) outside 0..<\(copies)")
        precondition(episode >= 0, "episode \(episode) is negative")
        let generators = generators.elements
        generators[i] = RandomGenerator(seed: seed, stream: UInt64(episode))
        instances.elements[i].reset(using: &generators[i], observation: row(current, i))
        runningReturns[i] = 0
        runningLengths[i] = 0
        rewardStorage.elements[i] = 0
        terminatedStorage.elements[i] = false
        truncatedStorage.elements[i] = false
    }

    public func step(_ actions: UnsafeBufferPointer<Int32>) {
        let width = actionSpace.width
        precondition(actions.count == copies * width, "\(actions.count) actions for \(copies) copies of width \(width)")
        let dimension = observationSpace.width
        let instances = instances.elements, generators = generators.elements, current = current, final = final
        let rewards = rewardStorage.elements, terminated = terminatedStorage.elements, truncated = truncatedStorage.elements
        let work: (Range<Int>) -> Void = { range in
            for i in range {
                let action = UnsafeBufferPointer(rebasing: actions[(i * width)..<((i + 1) * width)])
                let observation = UnsafeMutableBufferPointer(start: current.view.rowPointer(i), count: dimension)
                let outcome = instances[i].step(action, using: &generators[i], observation: observation)
                rewards[i] = outcome.reward
                terminated[i] = outcome.terminated
                truncated[i] = outcome.truncated
                if outcome.terminated || outcome.truncated {
                    final.view.rowPointer(i).update(from: observation.baseAddress!, count: dimension)
                    instances[i].reset(using: &generators[i], observation: observation)
                }
            }
        }
        if Copy.isExpensive {
            ThreadPolicy.parallelChunks(copies, minimumChunk: 1, work)
        } else {
            work(0..<copies)
        }
        for i in 0..<copies {
            runningReturns[i] += rewards[i]
            runningLengths[i] += 1
            if terminated[i] || truncated[i] {
                completed.append(EpisodeSummary(totalReward: runningReturns[i], length: runningLengths[i]))
                runningReturns[i] = 0
                runningLengths[i] = 0
            }
        }
    }

    public func drainCompletedEpisodes() -> [EpisodeSummary] {
        defer { completed.removeAll(keepingCapacity: true) }
        return completed
    }

    /// Copy `i` as it is now (for example to explain its state).
    public func copy(_ i: Int) -> Copy {
        precondition(i >= 0 && i < copies, "copy \(i) outside 0..<\(copies)")
        return instances.elements[i]
    }

    private func row(_ matrix: Matrix, _ i: Int) -> UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: matrix.view.rowPointer(i), count: matrix.columns)
    }
}

// A vector of snapshottable copies is resumable: its snapshot holds every copy's state, its random
// stream, the current observations and the running returns and lengths.
extension VectorEnvironment: ResumableEnvironment where Copy: SnapshottableEnvironment {
    private struct Snapshot: Codable {
        var copies: [Copy.SavedState]
        var generators: [RandomGenerator]
        var observations: [Float]
        var runningReturns: [Float]
        var runningLengths: [Int]
    }

    public func snapshot() throws -> Data {
        // A binary property list keeps every Float and Double exact (JSON text may not round-trip them).
        let encoder = PropertyListEncoder()
        encoder.outputFormat = .binary
        return try encoder.encode(Snapshot(copies: instances.elements.map(\.savedState), generators: Array(generators.elements),
                                          observations: current.toArray(), runningReturns: runningReturns,
                                          runningLengths: runningLengths))
    }

    public func restore(from snapshot: Data) throws {
        let state: Snapshot
        do {
            state = try PropertyListDecoder().decode(Snapshot.self, from: snapshot)
        } catch {
            throw EnvironmentError.snapshotMismatch(field: "encoding", value: "\(error)", expected: "a snapshot of a \(Copy.self) vector")
        }
        guard state.copies.count == copies, state.generators.count == copies, state.runningReturns.count == copies,
              state.runningLengths.count == copies, state.observations.count == current.count else {
            throw EnvironmentError.snapshotMismatch(field: "copies", value: "\(state.copies.count)",
                                                    expected: "\(copies) copies of \(observationSpace.width) values")
        }
        for i in 0..<copies {
            try instances.elements[i].restore(state.copies[i])
            generators.elements[i] = state.generators[i]
        }
        _ = current.view.flat.update(fromContentsOf: state.observations)
        runningReturns = state.runningReturns
        runningLengths = state.runningLengths
        completed.removeAll()
    }
}
