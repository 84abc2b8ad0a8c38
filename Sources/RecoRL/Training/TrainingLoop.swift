import Foundation
import RecoEnvironments
import RecoTensor

/// Where a resumable run stands between two vector steps: what a resumed run needs, besides the agent
/// (networks, optimiser moments, step counts) and its replay, to continue exactly as the run would have:
/// the step counter, the trainer's random stream, the environment's state, the collector's n-step
/// queues, and the bookkeeping of episodes and callbacks.
public struct TrainingState: Codable {
    /// Environment steps taken (over all copies).
    public var step: Int
    /// The run's length, which schedules are measured against.
    public var totalSteps: Int
    /// The trainer's random stream (exploration, sampling, shuffling).
    public var generator: RandomGenerator
    /// A `ResumableEnvironment` snapshot.
    public var environment: Data
    /// Off-policy runs: the collector's queues.
    public var collector: NStepAccumulator.State?
    public var episodes: Int
    public var recentReturns: [Float]
}

/// Receives a run's state every `interval` environment steps (at whole rollouts for on-policy runs) and
/// at its end, for example to write it to a run directory beside the agent's checkpoint.
public protocol TrainingSnapshotWriter: AnyObject {
    var interval: Int { get }
    func write(agent: Agent, state: TrainingState) throws
}

/// The bookkeeping both trainers share around their loops: the step count, the clock and finished
/// episodes, the last update's report, and the callbacks' schedule.
struct TrainingLoop {
    /// Environment steps taken (over all copies).
    var step = 0
    /// The report of the last update (nil before learning starts).
    var last: UpdateReport?
    private var monitor: TrainingMonitor
    private var due: CallbackSchedule
    /// The callbacks that hear of every finished episode.
    private let episodeCallbacks: [EpisodeCallback]
    /// The first error an episode callback threw, thrown at the next callback or snapshot check.
    private var episodeError: Error?
    private let totalSteps: Int
    private let agent: Agent
    private let epsilon: (Int) -> Float?
    private let snapshots: TrainingSnapshotWriter?
    private let environment: BatchedEnvironment
    private var nextSnapshot: Int

    /// Checks that `environment` fits `agent` and that `totalSteps` is positive.
    /// When `snapshots` is given the environment must be a `ResumableEnvironment`.
    init(agent: Agent, environment: BatchedEnvironment, totalSteps: Int, callbacks: [TrainingCallback],
         snapshots: TrainingSnapshotWriter? = nil, epsilon: @escaping (Int) -> Float? = { _ in nil }) throws {
        try agent.checkFits(environment)
        guard totalSteps >= 1 else {
            throw TrainingError.invalidSetting(field: "steps", value: "\(totalSteps)", expected: "at least 1")
        }
        if snapshots != nil, !(environment is ResumableEnvironment) {
            throw TrainingError.incompatibleEnvironment(field: "type", value: "\(type(of: environment))",
                                                        expected: "a ResumableEnvironment, to save resumable snapshots")
        }
        self.agent = agent
        self.totalSteps = totalSteps
        self.epsilon = epsilon
        self.snapshots = snapshots
        self.environment = environment
        nextSnapshot = snapshots.map { max(1, $0.interval) } ?? Int.max
        monitor = TrainingMonitor(totalSteps: totalSteps)
        due = CallbackSchedule(callbacks)
        episodeCallbacks = callbacks.compactMap { $0 as? EpisodeCallback }
    }

    /// Resets `environment` with `seed` for a fresh run, or, resuming, puts back the environment, the
    /// random stream and the bookkeeping of `state` (throws when they do not fit).
    mutating func start(seed: UInt64, resuming state: TrainingState?, generator: inout RandomGenerator) throws {
        guard let state else {
            environment.reset(seed: seed)
            return
        }
        guard let resumable = environment as? ResumableEnvironment else {
            throw TrainingError.incompatibleEnvironment(field: "type", value: "\(type(of: environment))",
                                                        expected: "a ResumableEnvironment, to resume a run")
        }
        guard (0...totalSteps).contains(state.step) else {
            throw TrainingError.invalidSetting(field: "steps", value: "\(totalSteps)",
                                               expected: "at least the \(state.step) steps the resumed run has taken")
        }
        try resumable.restore(from: state.environment)
        generator = state.generator
        step = state.step
        monitor.restore(episodes: state.episodes, recentReturns: state.recentReturns)
        due.resume(at: step)
        if let interval = snapshots?.interval {
            let (multiple, overflow) = (step / max(1, interval) + 1).multipliedReportingOverflow(by: max(1, interval))
            nextSnapshot = overflow ? Int.max : multiple
        }
    }

    /// Hands the run's state to the snapshot writer when one is due (or `force`d, at the end).
    /// `collector` is evaluated only when a snapshot is written (it copies the n-step queues).
    mutating func snapshotIfDue(generator: RandomGenerator, collector: @autoclosure () -> NStepAccumulator.State?,
                                force: Bool = false) throws {
        if let episodeError { throw episodeError }
        guard let snapshots, let resumable = environment as? ResumableEnvironment, force || step >= nextSnapshot else { return }
        let interval = max(1, snapshots.interval)
        let (multiple, overflow) = (step / interval + 1).multipliedReportingOverflow(by: interval)
        nextSnapshot = overflow ? Int.max : multiple
        try snapshots.write(agent: agent, state: TrainingState(
            step: step, totalSteps: totalSteps, generator: generator, environment: try resumable.snapshot(),
            collector: collector(), episodes: monitor.episodes, recentReturns: monitor.recentReturns))
    }

    /// Counts `copies` environment steps and the episodes `environment` finished in them, and hands
    /// those to the episode callbacks (an error is kept for the next check: acting does not throw).
    mutating func advance(by copies: Int, environment: BatchedEnvironment) {
        step += copies
        let first = monitor.episodes
        let finished = monitor.collectEpisodes(from: environment)
        guard !episodeCallbacks.isEmpty, episodeError == nil else { return }
        do {
            for (offset, episode) in finished.enumerated() {
                for callback in episodeCallbacks { try callback.episodeFinished(episode, index: first + offset, step: step) }
            }
        } catch {
            episodeError = error
        }
    }

    /// Records an update's report; throws `TrainingError.diverged` when it is not finite.
    mutating func record(_ report: UpdateReport) throws {
        guard report.isFinite else {
            throw TrainingError.diverged(step: step, gradientStep: agent.gradientStepCount, loss: report.firstNonFinite)
        }
        last = report
    }

    /// Runs the callbacks due before the end; returns whether one asked to stop.
    mutating func callbacksStop() throws -> Bool {
        if let episodeError { throw episodeError }
        guard step < totalSteps, due.isDue(at: step, totalSteps: totalSteps) else { return false }
        let (monitor, step, last, agent, epsilon) = (monitor, step, last, agent, epsilon)
        return try due.run(at: step, isFinal: false, agent: agent) { isFinal in
            monitor.progress(step: step, epsilon: epsilon(step), gradientSteps: agent.gradientStepCount, last: last,
                             isFinal: isFinal)
        } == .stop
    }

    /// The final progress, after every callback has run once more with it.
    mutating func finish() throws -> TrainingProgress {
        if let episodeError { throw episodeError }
        let final = monitor.progress(step: step, epsilon: epsilon(step), gradientSteps: agent.gradientStepCount, last: last,
                                     isFinal: true)
        _ = try due.run(at: step, isFinal: true, agent: agent) { _ in final }
        return final
    }
}
