import Foundation
import RecoEnvironments
import RecoRL
import RecoTensor

/// One update of each actor-critic algorithm at batch 256 with actor (and critics) 64 -> 256 -> 256 -> A
/// (relu): A2C on a 256-sample rollout, PPO on one 256-sample minibatch, discrete SAC on 256 replayed
/// transitions. The floor is the same update's sgemm calls run alone.
struct ActorCriticUpdateResult: Codable {
    let algorithm: String
    let actions: Int
    /// Median seconds of one update.
    let updateSeconds: Double
    /// Median seconds of the update's sgemm calls run alone.
    let floorSeconds: Double
    /// Share of the update spent outside sgemm: `1 - floor / update`.
    let shareOutsideSgemm: Double
    let repetitions: Int
    /// PyTorch's seconds for the same update here (the middle of `pyTorchMilliseconds`' range), nil
    /// where it was not measured: the peer curve of `recorl report`'s throughput plot.
    let peerSeconds: Double?

    static let batch = 256
    static let dimension = 64
    static let hidden = [256, 256]

    /// PyTorch 2.15 on this machine with 2 threads (ms, low and high), for A = 10, 1000, 10000, 100000.
    static let pyTorchMilliseconds: [String: [Int: (Double, Double)]] = [
        "a2c": [10: (3.1, 3.9), 1000: (12, 14), 10000: (95, 98), 100000: (1240, 1380)],
        "ppo": [10: (3.6, 4.0), 1000: (9.5, 10.5), 10000: (68, 70), 100000: (1205, 1300)],
        "sac": [10: (9.2, 10.6), 1000: (28, 28), 10000: (211, 214)],
    ]

    static func measure(actions: Int, budget: Double) throws -> [ActorCriticUpdateResult] {
        [try a2c(actions: actions, budget: budget), try ppo(actions: actions, budget: budget), try sac(actions: actions, budget: budget)]
    }

    /// A rollout of `steps x copies` samples with random observations, actions, rewards and values.
    ///
    /// The per-step inputs live in `OwnedBuffer`s, whose storage stays valid (and unmoved) for as long as
    /// the buffers do, so handing their pointers to `RolloutBuffer.add` is well defined.
    static func randomRollout(steps: Int, copies: Int, actions: Int, generator: inout RandomGenerator) -> RolloutBuffer {
        let rollout = RolloutBuffer(steps: steps, copies: copies, observationWidth: dimension)
        let observations = Matrix(rows: copies, columns: dimension)
        let chosen = OwnedBuffer<Int32>(repeating: 0, count: copies)
        let logProbabilities = OwnedBuffer<Float>(repeating: 0, count: copies)
        let values = OwnedBuffer<Float>(repeating: 0, count: copies)
        let rewards = OwnedBuffer<Float>(repeating: 0, count: copies)
        let terminated = OwnedBuffer<Bool>(repeating: false, count: copies)
        let truncated = OwnedBuffer<Bool>(repeating: false, count: copies)
        while !rollout.isFull {
            generator.fillNormal(observations.view.flat)
            for i in 0..<copies {
                chosen.elements[i] = Int32(generator.index(below: actions))
                logProbabilities.elements[i] = -Float(Foundation.log(Double(actions))) + 0.1 * generator.normal()
                values.elements[i] = generator.normal()
                rewards.elements[i] = generator.uniform()
                terminated.elements[i] = generator.uniform() < 0.02
            }
            rollout.add(observations: observations.view, actions: UnsafeBufferPointer(chosen.elements),
                        logProbabilities: UnsafeBufferPointer(logProbabilities.elements),
                        values: UnsafeBufferPointer(values.elements), rewards: UnsafeBufferPointer(rewards.elements),
                        terminated: UnsafeBufferPointer(terminated.elements),
                        truncated: UnsafeBufferPointer(truncated.elements),
                        finalValues: UnsafeBufferPointer(values.elements))
        }
        rollout.computeAdvantages(lastValues: UnsafeBufferPointer(values.elements), gamma: 0.99, lambda: 0.95)
        withExtendedLifetime((chosen, logProbabilities, values, rewards, terminated, truncated)) {}
        return rollout
    }

    /// Observations of the benchmark's width, `actions` discrete actions, `copies` environment copies.
    static func spaces(actions: Int, copies: Int) throws -> EnvironmentSpaces {
        try EnvironmentSpaces(observationSpace: .unboundedBox(dimension), actionSpace: .discrete(actions), copies: copies)
    }

    static func a2c(actions: Int, budget: Double) throws -> ActorCriticUpdateResult {
        var configuration = A2CConfiguration()
        configuration.hiddenLayers = hidden
        configuration.activation = .relu
        configuration.rolloutSteps = batch / 8
        configuration.entropyCoefficient = 0.01
        var generator = RandomGenerator(seed: 5)
        let agent = try A2CAgent(configuration: configuration, spaces: spaces(actions: actions, copies: 8), generator: &generator)
        let rollout = randomRollout(steps: batch / 8, copies: 8, actions: actions, generator: &generator)
        let calls = floorCalls(actorSteps: 1, criticSteps: 1, targetForwards: 0, actions: actions, generator: &generator)
        return time("a2c", actions: actions, budget: budget, calls: calls) { agent.update(rollout.all) }
    }

    static func ppo(actions: Int, budget: Double) throws -> ActorCriticUpdateResult {
        var configuration = PPOConfiguration()
        configuration.hiddenLayers = hidden
        configuration.activation = .relu
        configuration.rolloutSteps = 4 * batch / 8
        configuration.minibatches = 4
        var generator = RandomGenerator(seed: 6)
        let agent = try PPOAgent(configuration: configuration, spaces: spaces(actions: actions, copies: 8), generator: &generator)
        let rollout = randomRollout(steps: 4 * batch / 8, copies: 8, actions: actions, generator: &generator)
        rollout.shuffle(using: &generator)
        let calls = floorCalls(actorSteps: 1, criticSteps: 1, targetForwards: 0, actions: actions, generator: &generator)
        return time("ppo", actions: actions, budget: budget, calls: calls) { _ = agent.update(rollout.minibatch(0, of: 4)) }
    }

    static func sac(actions: Int, budget: Double) throws -> ActorCriticUpdateResult {
        var configuration = SACConfiguration()
        configuration.hiddenLayers = hidden
        configuration.batchSize = batch
        configuration.bufferCapacity = 8 * batch
        var generator = RandomGenerator(seed: 7)
        let agent = try SACAgent(configuration: configuration, spaces: spaces(actions: actions, copies: 1), generator: &generator)
        ReplayBenchmark.fill(agent.replay, actions: actions, generator: &generator)
        // Actor on s' and s (one backward), two target critics on s', two critics on s (with backward).
        let calls = floorCalls(actorSteps: 1, criticSteps: 2, targetForwards: 3, actions: actions, generator: &generator)
        return time("sac", actions: actions, budget: budget, calls: calls) { agent.update(using: &generator) }
    }

    /// The sgemm calls of `actorSteps` forward-backward passes of the actor (64-256-256-A), `criticSteps`
    /// of a critic (64-256-256-1 for A2C/PPO, -A for SAC: pass `targetForwards > 0`), and
    /// `targetForwards` forward passes of 64-256-256-A networks.
    static func floorCalls(actorSteps: Int, criticSteps: Int, targetForwards: Int, actions: Int,
                           generator: inout RandomGenerator) -> [GemmCall] {
        let actorWidths = [dimension] + hidden + [actions]
        let criticWidths = [dimension] + hidden + [targetForwards > 0 ? actions : 1]
        var calls: [GemmCall] = []
        for _ in 0..<actorSteps { calls += GemmCall.mlpStep(widths: actorWidths, batch: batch, generator: &generator) }
        for _ in 0..<criticSteps { calls += GemmCall.mlpStep(widths: criticWidths, batch: batch, generator: &generator) }
        for _ in 0..<targetForwards { calls += GemmCall.mlpForward(widths: actorWidths, batch: batch, generator: &generator) }
        return calls
    }

    static func time(_ algorithm: String, actions: Int, budget: Double, calls: [GemmCall],
                     update: () -> Void) -> ActorCriticUpdateResult {
        for _ in 0..<2 { update(); calls.forEach { $0.run() } }
        let repetitions = Timing.repetitions(single: Timing.seconds(update), budget: budget)
        var updates: [Double] = [], floors: [Double] = []
        for _ in 0..<repetitions {
            updates.append(Timing.seconds(update))
            floors.append(calls.reduce(0) { total, call in total + Timing.seconds { call.run() } })
        }
        let median = Timing.median(updates), floor = Timing.median(floors)
        return ActorCriticUpdateResult(algorithm: algorithm, actions: actions, updateSeconds: median, floorSeconds: floor,
                                       shareOutsideSgemm: 1 - floor / median, repetitions: repetitions,
                                       peerSeconds: pyTorchMilliseconds[algorithm]?[actions].map { ($0.0 + $0.1) / 2e3 })
    }

    static func table(_ results: [ActorCriticUpdateResult]) -> String {
        var lines = ["Actor-critic updates, batch 256, 64-256-256-A relu (median; PyTorch 2.15 on 2 threads here for comparison)",
                     StepResult.pad(["algorithm", "A", "update ms", "floor ms", "outside sgemm", "PyTorch ms", "speed-up"])]
        for r in results {
            let reference = pyTorchMilliseconds[r.algorithm]?[r.actions]
            let milliseconds = r.updateSeconds * 1e3
            lines.append(StepResult.pad([
                r.algorithm, String(r.actions), StepResult.format(milliseconds, 3), StepResult.format(r.floorSeconds * 1e3, 3),
                StepResult.format(r.shareOutsideSgemm * 100, 0) + "%",
                reference.map { $0.0 == $0.1 ? "\($0.0)" : "\($0.0)-\($0.1)" } ?? "-",
                reference.map { String(format: "%.1f-%.1fx", $0.0 / milliseconds, $0.1 / milliseconds) } ?? "-"]))
        }
        return lines.joined(separator: "\n")
    }
}
