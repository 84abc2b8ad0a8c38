import RecoEnvironments

/// The bookkeeping both trainers share around their loops: the step count, the clock and finished
/// episodes, the last update's report, and the callbacks' schedule.
struct TrainingLoop {
    /// Environment steps taken (over all copies).
    var step = 0
    /// The report of the last update (nil before learning starts).
    var last: UpdateReport?
    private var monitor: TrainingMonitor
    private var due: CallbackSchedule
    private let totalSteps: Int
    private let agent: Agent
    private let epsilon: (Int) -> Float?

    /// Checks that `environment` fits `agent` and that `totalSteps` is positive.
    init(agent: Agent, environment: BatchedEnvironment, totalSteps: Int, callbacks: [TrainingCallback],
         epsilon: @escaping (Int) -> Float? = { _ in nil }) throws {
        try agent.checkFits(environment)
        guard totalSteps >= 1 else {
            throw TrainingError.invalidSetting(field: "steps", value: "\(totalSteps)", expected: "at least 1")
        }
        self.agent = agent
        self.totalSteps = totalSteps
        self.epsilon = epsilon
        monitor = TrainingMonitor(totalSteps: totalSteps)
        due = CallbackSchedule(callbacks)
    }

    /// Counts `copies` environment steps and the episodes `environment` finished in them.
    mutating func advance(by copies: Int, environment: BatchedEnvironment) {
        step += copies
        monitor.collectEpisodes(from: environment)
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
        guard step < totalSteps, due.isDue(at: step, totalSteps: totalSteps) else { return false }
        let (monitor, step, last, agent, epsilon) = (monitor, step, last, agent, epsilon)
        return try due.run(at: step, isFinal: false, agent: agent) { isFinal in
            monitor.progress(step: step, epsilon: epsilon(step), gradientSteps: agent.gradientStepCount, last: last,
                             isFinal: isFinal)
        } == .stop
    }

    /// The final progress, after every callback has run once more with it.
    mutating func finish() throws -> TrainingProgress {
        let final = monitor.progress(step: step, epsilon: epsilon(step), gradientSteps: agent.gradientStepCount, last: last,
                                     isFinal: true)
        _ = try due.run(at: step, isFinal: true, agent: agent) { _ in final }
        return final
    }
}
