import RecoEnvironments
import RecoTensor

/// When an off-policy learner updates: every `trainFrequency` environment steps (each time the step
/// count crosses a multiple), `gradientSteps` updates, once `learningStarts` steps are collected.
public struct UpdateSchedule: Equatable, Sendable {
    public var learningStarts: Int
    public var trainFrequency: Int
    public var gradientSteps: Int

    public init(learningStarts: Int, trainFrequency: Int, gradientSteps: Int) {
        self.learningStarts = learningStarts
        self.trainFrequency = trainFrequency
        self.gradientSteps = gradientSteps
    }
}

/// What an off-policy algorithm (DQN, SAC; later SlateQ, Wolpertinger, bandits) contributes to the
/// shared off-policy loop: a replay to fill, the policy to collect with, and one update.
public protocol OffPolicyLearner: Agent {
    /// Where collected transitions go and updates sample from.
    var replay: Replay { get }
    var updateSchedule: UpdateSchedule { get }
    /// Steps `n` per return the collector forms, and the discount `gamma` it uses.
    var returnSteps: (n: Int, gamma: Float) { get }
    /// The policy that collects experience at environment step `step` of `totalSteps` (exploration
    /// schedules applied).
    func behaviourPolicy(atStep step: Int, of totalSteps: Int) -> Policy
    /// Epsilon-greedy agents: the exploration rate at `step` (nil for the others).
    func explorationRate(atStep step: Int, of totalSteps: Int) -> Float?
    /// Called before each round of updates (for example to anneal prioritized replay's beta).
    func prepareUpdates(atStep step: Int, of totalSteps: Int)
    /// One gradient step on a batch sampled from `replay` (called only once it holds transitions).
    func update(using generator: inout RandomGenerator) -> UpdateReport
}

extension OffPolicyLearner {
    public func explorationRate(atStep step: Int, of totalSteps: Int) -> Float? { nil }
    public func prepareUpdates(atStep step: Int, of totalSteps: Int) {}
    public func makeTrainer() -> Trainer { OffPolicyTrainer(learner: self) }
}

/// The off-policy loop (the shape of Stable-Baselines3's `OffPolicyAlgorithm.learn` and Tianshou's
/// off-policy trainer): collect one vector step with the behaviour policy into replay, then run the
/// rounds of updates the schedule says are due, then the callbacks that are due.
public struct OffPolicyTrainer: Trainer {
    public let learner: OffPolicyLearner

    public init(learner: OffPolicyLearner) {
        self.learner = learner
    }

    public func train(on environment: BatchedEnvironment, steps: Int, seed: UInt64, generator: inout RandomGenerator,
                      callbacks: [TrainingCallback], snapshots: TrainingSnapshotWriter?,
                      resuming: TrainingState?) throws -> TrainingProgress {
        let n = environment.copies
        let schedule = learner.updateSchedule
        let collector = OffPolicyCollector(copies: n, observationWidth: learner.observationWidth,
                                           nSteps: learner.returnSteps.n, gamma: learner.returnSteps.gamma)
        var loop = try TrainingLoop(agent: learner, environment: environment, totalSteps: steps, callbacks: callbacks,
                                    snapshots: snapshots) { [learner] t in learner.explorationRate(atStep: t, of: steps) }
        try loop.start(seed: seed, resuming: resuming, generator: &generator)
        if let queued = resuming?.collector { try collector.restore(queued) }

        while loop.step < steps {
            try collector.step(environment, with: learner.behaviourPolicy(atStep: loop.step, of: steps), into: learner.replay,
                               using: &generator)
            let previous = loop.step
            loop.advance(by: n, environment: environment)
            let t = loop.step
            if t >= schedule.learningStarts {
                learner.prepareUpdates(atStep: t, of: steps)
                let rounds = t / schedule.trainFrequency - previous / schedule.trainFrequency
                for _ in 0..<(rounds * schedule.gradientSteps) {
                    try loop.record(learner.update(using: &generator))
                }
            }
            if try loop.callbacksStop() { break }
            try loop.snapshotIfDue(generator: generator, collector: collector.accumulatorState)
        }
        try loop.snapshotIfDue(generator: generator, collector: collector.accumulatorState, force: true)
        return try loop.finish()
    }
}
