import Foundation
import RecoEnvironments

/// What a callback tells the trainer after it ran.
public enum TrainingDecision: Sendable {
    case proceed
    /// End the run after this step (early stopping).
    case stop
}

/// Code a trainer runs every `interval` environment steps and once more when the run ends: progress
/// display, periodic evaluation, early stopping, checkpoints (the hooks of Stable-Baselines3's and
/// Tianshou's trainers).
///
/// A callback is due when the step count reaches its next multiple of `interval`; steps advance by
/// the number of environment copies, so several multiples may pass in one step and it then runs once.
public protocol TrainingCallback: AnyObject {
    /// Environment steps between calls (at least 1).
    var interval: Int { get }
    /// Runs with the run's progress and the agent being trained; returns `.stop` to end the run.
    func trainingProgressed(_ progress: TrainingProgress, agent: Agent) throws -> TrainingDecision
}

/// Calls a closure with the progress: for progress bars and logs.
public final class ProgressCallback: TrainingCallback {
    public let interval: Int
    private let body: (TrainingProgress) throws -> Void

    public init(every interval: Int, _ body: @escaping (TrainingProgress) throws -> Void) {
        self.interval = max(1, interval)
        self.body = body
    }

    public func trainingProgressed(_ progress: TrainingProgress, agent: Agent) throws -> TrainingDecision {
        try body(progress)
        return .proceed
    }
}

/// Evaluates the agent's greedy policy every `interval` steps with a caller-given evaluation (for
/// example the mean return over fixed evaluation episodes) and stops the run once the result reaches
/// `stopAt`, when given.
public final class EvaluationCallback: TrainingCallback {
    public let interval: Int
    /// The return at which training stops early (nil: never).
    public let stopAt: Float?
    /// Every evaluation so far: the environment step and its result.
    public private(set) var results: [(step: Int, value: Float)] = []
    private let evaluate: (Policy) throws -> Float
    private let onResult: (TrainingProgress, Float) throws -> Void

    public init(every interval: Int, stopAt: Float? = nil, evaluate: @escaping (Policy) throws -> Float,
                onResult: @escaping (TrainingProgress, Float) throws -> Void = { _, _ in }) {
        self.interval = max(1, interval)
        self.stopAt = stopAt
        self.evaluate = evaluate
        self.onResult = onResult
    }

    public func trainingProgressed(_ progress: TrainingProgress, agent: Agent) throws -> TrainingDecision {
        let value = try evaluate(agent.greedyPolicy)
        results.append((progress.step, value))
        try onResult(progress, value)
        if let stopAt, value >= stopAt { return .stop }
        return .proceed
    }
}

/// Saves the agent to `url` every `interval` steps and at the end of the run (atomically, so a kill
/// leaves the previous checkpoint whole).
public final class CheckpointCallback: TrainingCallback {
    public let interval: Int
    public let url: URL
    private let metadata: [String: String]

    public init(every interval: Int, to url: URL, metadata: [String: String] = [:]) {
        self.interval = max(1, interval)
        self.url = url
        self.metadata = metadata
    }

    public func trainingProgressed(_ progress: TrainingProgress, agent: Agent) throws -> TrainingDecision {
        try agent.save(to: url, metadata: metadata)
        return .proceed
    }
}

/// When each callback is next due, and the calls themselves: the one place the schedule's arithmetic lives.
struct CallbackSchedule {
    private let callbacks: [TrainingCallback]
    private var nextDue: [Int]
    private var lastCalled: [Int]

    init(_ callbacks: [TrainingCallback]) {
        self.callbacks = callbacks
        nextDue = callbacks.map { max(1, $0.interval) }
        lastCalled = callbacks.map { _ in -1 }
    }

    /// Continues the schedule of a resumed run at `step`: each callback is next due at its first
    /// multiple after `step`, as it was when the run's state was saved (states are saved after the
    /// callbacks of their step have run).
    mutating func resume(at step: Int) {
        for index in callbacks.indices {
            let interval = max(1, callbacks[index].interval)
            let (multiple, overflow) = (step / interval + 1).multipliedReportingOverflow(by: interval)
            nextDue[index] = overflow ? Int.max : multiple
        }
    }

    /// Whether any callback is due at `step`, or the run ends there.
    func isDue(at step: Int, totalSteps: Int) -> Bool {
        step >= totalSteps || nextDue.contains { step >= $0 }
    }

    /// Runs the callbacks due at `step` (all of them when `isFinal`) with the progress `make` builds;
    /// returns `.stop` when one asks for it.
    mutating func run(at step: Int, isFinal: Bool, agent: Agent,
                      progress make: (Bool) -> TrainingProgress) throws -> TrainingDecision {
        var decision = TrainingDecision.proceed
        var progress: TrainingProgress?
        for index in callbacks.indices where (isFinal && lastCalled[index] != step) || step >= nextDue[index] {
            let interval = max(1, callbacks[index].interval)
            // The next multiple of the interval after `step`, saturating instead of overflowing.
            let (multiple, overflow) = (step / interval + 1).multipliedReportingOverflow(by: interval)
            nextDue[index] = overflow ? Int.max : multiple
            lastCalled[index] = step
            let current = progress ?? make(isFinal)
            progress = current
            if try callbacks[index].trainingProgressed(current, agent: agent) == .stop { decision = .stop }
        }
        return decision
    }
}
