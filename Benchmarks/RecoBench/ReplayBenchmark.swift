import Foundation
import RecoRL
import RecoTensor

/// The replay figures: sampling and priority updates on a full buffer of DQN scale.
struct ReplayBenchmarkResult: Codable {
    let capacity: Int
    let observationDimension: Int
    let batchSize: Int
    /// Transitions per second while filling the uniform buffer from empty (`add` of 64 copies, 3-step
    /// returns), including the kernel's first touch of the buffer's pages (which varies from run to run).
    let addTransitionsPerSecond: Double
    /// Median microseconds to sample one batch uniformly (indices, row gathers, scalars).
    let uniformSampleMicroseconds: Double
    /// Median microseconds to sample one batch by priority, importance weights included.
    let prioritizedSampleMicroseconds: Double
    /// Median microseconds to set the priorities of one batch.
    let priorityUpdateMicroseconds: Double
    let repetitions: Int
}

/// Replay throughput at DQN scale: a buffer of 1,000,000 transitions of dimension 64 (512 MB of
/// observations, so sampled rows are cache misses), batches of 256. Targets on this machine: uniform
/// sample under 15 us, prioritized sample with weights under 50 us, priority update under 30 us.
struct ReplayBenchmark {
    static let capacity = 1_000_000
    static let dimension = 64
    static let batchSize = 256
    static let copies = 64

    static func measure(budget: Double) throws -> ReplayBenchmarkResult {
        var generator = RandomGenerator(seed: 17)
        let batch = ReplayBatch(size: batchSize, observationWidth: dimension)
        // One buffer at a time (each function frees its own), so the process never holds both.
        let uniform = try measureUniform(batch: batch, budget: budget / 3, generator: &generator)
        let prioritized = try measurePrioritized(batch: batch, repetitions: uniform.repetitions, generator: &generator)
        return ReplayBenchmarkResult(capacity: capacity, observationDimension: dimension, batchSize: batchSize,
                                     addTransitionsPerSecond: Double(capacity) / uniform.fillSeconds,
                                     uniformSampleMicroseconds: uniform.sampleSeconds * 1e6,
                                     prioritizedSampleMicroseconds: prioritized.sampleSeconds * 1e6,
                                     priorityUpdateMicroseconds: prioritized.updateSeconds * 1e6,
                                     repetitions: uniform.repetitions)
    }

    /// Fill time and median uniform sample time; the repetitions fit `budget` (many more than the step
    /// benchmarks' 200, as samples take microseconds).
    static func measureUniform(batch: ReplayBatch, budget: Double, generator: inout RandomGenerator) throws
        -> (fillSeconds: Double, sampleSeconds: Double, repetitions: Int) {
        let buffer = try ReplayBuffer(capacity: capacity, observationWidth: dimension)
        let fillSeconds = Timing.seconds { fill(buffer, nSteps: 3, generator: &generator) }
        buffer.sample(into: batch, using: &generator)
        let single = Timing.seconds { buffer.sample(into: batch, using: &generator) }
        let repetitions = Timing.repetitions(single: single, budget: budget, minimum: 100, maximum: 20_000)
        let times = (0..<repetitions).map { _ in Timing.seconds { buffer.sample(into: batch, using: &generator) } }
        return (fillSeconds, Timing.median(times), repetitions)
    }

    /// Median prioritized sample and priority update times, alternating as in training.
    static func measurePrioritized(batch: ReplayBatch, repetitions: Int, generator: inout RandomGenerator) throws
        -> (sampleSeconds: Double, updateSeconds: Double) {
        let buffer = try PrioritizedReplayBuffer(capacity: capacity, observationWidth: dimension)
        fill(buffer, nSteps: 3, generator: &generator)
        var tdErrors = [Float](repeating: 0, count: batchSize)
        var samples: [Double] = [], updates: [Double] = []
        for _ in 0..<repetitions {
            // TD errors spread over three orders of magnitude, so the priorities keep changing shape.
            for i in 0..<batchSize { tdErrors[i] = generator.normal() * Foundation.pow(10, generator.uniform(-2, 1)) }
            samples.append(Timing.seconds { buffer.sample(into: batch, using: &generator) })
            tdErrors.withUnsafeBufferPointer { errors in
                updates.append(Timing.seconds { buffer.updatePriorities(of: batch, tdErrors: errors) })
            }
        }
        return (Timing.median(samples), Timing.median(updates))
    }

    /// Fills `replay` to capacity through the collectors' path (`nSteps`-step returns formed per copy of
    /// `copies`, then added as a batch): random observations from a pool, random actions among `actions`
    /// and rewards, about 1% of steps terminating and 0.5% truncated.
    static func fill(_ replay: Replay, nSteps: Int = 1, actions actionCount: Int = 100, generator: inout RandomGenerator) {
        let accumulator = NStepAccumulator(copies: copies, nSteps: nSteps, gamma: 0.99, observationWidth: dimension)
        let transitions = TransitionBatch(capacity: copies * nSteps, observationWidth: dimension)
        let pool = Matrix(rows: 4096, columns: dimension)
        generator.fillNormal(pool.view.flat)
        var actions = [Int32](repeating: 0, count: copies), rewards = [Float](repeating: 0, count: copies)
        var terminated = [Bool](repeating: false, count: copies), truncated = [Bool](repeating: false, count: copies)
        while replay.count < replay.capacity {
            for i in 0..<copies {
                actions[i] = Int32(generator.index(below: actionCount))
                rewards[i] = generator.uniform()
                terminated[i] = generator.bernoulli(0.01)
                truncated[i] = generator.bernoulli(0.005)
            }
            let start = generator.index(below: pool.rows - copies), next = generator.index(below: pool.rows - copies)
            actions.withUnsafeBufferPointer { a in
                rewards.withUnsafeBufferPointer { r in
                    terminated.withUnsafeBufferPointer { d in
                        truncated.withUnsafeBufferPointer { t in
                            transitions.removeAll()
                            accumulator.add(observations: pool.rows(start..<(start + copies)), actions: a, rewards: r,
                                            nextObservations: pool.rows(next..<(next + copies)), terminated: d, truncated: t,
                                            into: transitions)
                            replay.add(transitions)
                        }
                    }
                }
            }
        }
    }

    static func table(_ result: ReplayBenchmarkResult) -> String {
        let title = "Replay, \(result.capacity) transitions of dimension \(result.observationDimension), "
            + "batch \(result.batchSize) (median of \(result.repetitions))"
        return [title,
                StepResult.pad(["add/s", "uniform us", "PER us", "update us"]),
                StepResult.pad([StepResult.format(result.addTransitionsPerSecond, 0),
                                StepResult.format(result.uniformSampleMicroseconds, 1),
                                StepResult.format(result.prioritizedSampleMicroseconds, 1),
                                StepResult.format(result.priorityUpdateMicroseconds, 1)])]
            .joined(separator: "\n")
    }
}
