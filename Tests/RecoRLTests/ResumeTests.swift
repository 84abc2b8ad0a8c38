import Foundation
import Testing
import RecoEnvironments
import RecoExperiments
import RecoNetworks
import RecoRL
import RecoSimulators
import RecoTensor

/// Stops a run at a given step, as a kill would (the snapshot of that step is the last one written).
final class StopAtStep: TrainingCallback {
    let interval: Int
    init(_ step: Int) { interval = step }
    func trainingProgressed(_ progress: TrainingProgress, agent: Agent) throws -> TrainingDecision { .stop }
}

/// Resumable runs: `N + M` steps in one run and `N` steps, a stop, then a resume for the rest give
/// bit-identical networks, optimiser state and replay, because every random stream, the environment's
/// state, the collector's n-step queues and the replay (with its priorities) are restored.
@Suite(.serialized) struct ResumeTests {
    func temporaryDirectory() throws -> RunDirectory {
        try RunDirectory(creating: FileManager.default.temporaryDirectory.appendingPathComponent("resume-\(UUID().uuidString)").path)
    }

    func parameters(_ agent: Agent) -> [[Float]] {
        switch agent {
        case let dqn as DQNAgent:
            return [Array(dqn.online.parameters.values), Array(dqn.target.parameters.values),
                    dqn.optimizer.stateBuffers.flatMap { Array($0.buffer) }]
        case let ppo as PPOAgent:
            return [Array(ppo.networks.actor.parameters.values), ppo.networks.critic.map { Array($0.parameters.values) } ?? [],
                    ppo.networks.actorOptimizer.stateBuffers.flatMap { Array($0.buffer) }]
        default:
            return []
        }
    }

    /// Trains `steps` in one go, and again stopping at `stop` and resuming from the snapshot on disk.
    func compare(algorithm: String, configuration: AlgorithmConfiguration, steps: Int, stop: Int,
                 snapshotInterval: Int) throws {
        let entry = try AlgorithmRegistry.standard.entry(named: algorithm)
        func environment() -> BatchedEnvironment { VectorEnvironment(copies: 4) { _ in MarketingEnvironment() } }
        func fresh(_ generator: inout RandomGenerator) throws -> Agent {
            try entry.makeAgent(configuration, spaces: EnvironmentSpaces(environment()), generator: &generator)
        }
        var generator = RandomGenerator(seed: 7)
        let whole = try fresh(&generator)
        let end = try whole.train(on: environment(), steps: steps, seed: 3, generator: &generator)

        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory.url) }
        let snapshots = RunSnapshots(directory: directory, interval: snapshotInterval, metadata: [:])
        var first = RandomGenerator(seed: 7)
        let interrupted = try fresh(&first)
        let stopped = try interrupted.train(on: environment(), steps: steps, seed: 3, generator: &first,
                                            callbacks: [StopAtStep(stop)], snapshots: snapshots)
        #expect(stopped.step < steps, "the run stopped early")
        let (resumed, state) = try RunSnapshots.load(from: directory.url, registry: .standard)
        #expect(state.step == stopped.step)
        var second = state.generator
        let finished = try resumed.train(on: environment(), steps: steps, seed: 3, generator: &second, resuming: state)

        #expect(finished.step == end.step)
        #expect(resumed.gradientStepCount == whole.gradientStepCount)
        #expect(parameters(resumed) == parameters(whole), "\(algorithm): parameters differ after resuming")
        #expect(!parameters(whole).isEmpty)
    }

    /// DQN with 3-step returns and prioritized replay (queues mid-episode, priorities, beta's schedule).
    @Test func dqnResumesBitIdentically() throws {
        var configuration = DQNConfiguration()
        configuration.hiddenLayers = [32]
        configuration.learningStarts = 200
        configuration.nSteps = 3
        configuration.prioritized = true
        try compare(algorithm: "dqn", configuration: configuration, steps: 3_000, stop: 1_300, snapshotInterval: 400)
    }

    /// PPO: the learning-rate schedule, shuffling and sampling streams continue across the resume.
    @Test func ppoResumesBitIdentically() throws {
        var configuration = PPOConfiguration()
        configuration.hiddenLayers = [32]
        configuration.rolloutSteps = 32
        try compare(algorithm: "ppo", configuration: configuration, steps: 1_536, stop: 700, snapshotInterval: 128)
    }

    /// A used output directory is refused unless the run resumes or overwrites it.
    @Test func usedOutputDirectoriesAreRefused() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory.url) }
        var request = TrainingRequest()
        request.steps = 800
        request.evaluationEpisodes = 10
        request.output = directory.url.path
        _ = try Experiment().train(request)
        #expect { _ = try Experiment().train(request) } throws: { "\($0)".contains("--overwrite") }
        request.overwrite = true
        _ = try Experiment().train(request)
        request.overwrite = false
        request.resume = true
        request.steps = 1_600
        let resumed = try Experiment().train(request)
        #expect(resumed.progress.step == 1_600)
        let rows = try String(contentsOf: directory.metricsCSV, encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(rows.map { Int($0.prefix { $0 != "," }) ?? 0 } == [80, 160, 240, 320, 400, 480, 560, 640, 720, 800, 880, 960,
                                                                    1_040, 1_120, 1_200, 1_280, 1_360, 1_440, 1_520, 1_600])
    }
}
