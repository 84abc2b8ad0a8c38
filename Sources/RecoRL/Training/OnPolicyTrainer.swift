import RecoEnvironments
import RecoTensor

/// What an on-policy actor-critic algorithm (A2C, PPO) contributes to the shared on-policy loop: the
/// policy it samples with (which also gives the critic's values) and a learning step on a full rollout.
public protocol OnPolicyLearner: Agent {
    /// Vector steps `T` per rollout.
    var rolloutSteps: Int { get }
    var gamma: Float { get }
    /// GAE's lambda.
    var gaeLambda: Float { get }
    /// The sampling policy rollouts are collected with.
    var rolloutPolicy: ActorCriticPolicy { get }
    /// Whether the learner's workspaces take a rollout of `rows` (`T x N`) samples.
    func canLearn(fromRolloutOf rows: Int) -> Bool
    /// Called before each rollout is collected (for example to set the learning rate from its schedule).
    func prepareRollout(atStep step: Int, of totalSteps: Int)
    /// Learns from a full rollout whose advantages and returns are computed.
    func learn(from rollout: RolloutBuffer, using generator: inout RandomGenerator) -> UpdateReport
}

extension OnPolicyLearner {
    public func prepareRollout(atStep step: Int, of totalSteps: Int) {}
    public func makeTrainer() -> Trainer { OnPolicyTrainer(learner: self) }
}

/// The on-policy loop: collect a rollout of `T` vector steps from all `N` copies with actions sampled
/// from the policy, compute advantages (GAE) over the whole buffer, learn, run the callbacks that are
/// due; whole rollouts until at least the requested steps. A truncated episode's last step bootstraps
/// from the critic's value of its final observation, a terminated one's from 0.
public struct OnPolicyTrainer: Trainer {
    public let learner: OnPolicyLearner

    public init(learner: OnPolicyLearner) {
        self.learner = learner
    }

    public func train(on environment: BatchedEnvironment, steps: Int, seed: UInt64, generator: inout RandomGenerator,
                      callbacks: [TrainingCallback], snapshots: TrainingSnapshotWriter?,
                      resuming: TrainingState?) throws -> TrainingProgress {
        let n = environment.copies, d = learner.observationWidth
        let rollout = RolloutBuffer(steps: learner.rolloutSteps, copies: n, observationWidth: d)
        guard learner.canLearn(fromRolloutOf: rollout.count) else {
            throw TrainingError.incompatibleEnvironment(
                field: "copies", value: "\(n)", expected: "no more than the agent's networks were built for")
        }
        let policy = learner.rolloutPolicy
        let observations = Matrix(rows: n, columns: d)
        let actions = OwnedBuffer<Int32>(repeating: 0, count: n)
        let logProbabilities = OwnedBuffer<Float>(repeating: 0, count: n)
        let values = OwnedBuffer<Float>(repeating: 0, count: n)
        let finalValues = OwnedBuffer<Float>(repeating: 0, count: n)
        guard case let (padded, false) = steps.addingReportingOverflow(rollout.count - 1) else {
            throw TrainingError.invalidSetting(field: "steps", value: "\(steps)",
                                               expected: "at most \(Int.max - rollout.count + 1) (whole rollouts of \(rollout.count) samples)")
        }
        let updates = padded / rollout.count
        let total = updates * rollout.count
        var loop = try TrainingLoop(agent: learner, environment: environment, totalSteps: total, callbacks: callbacks,
                                    snapshots: snapshots)
        try loop.start(seed: seed, resuming: resuming, generator: &generator)
        guard loop.step % rollout.count == 0 else {
            throw TrainingError.invalidSetting(field: "resumed step", value: "\(loop.step)",
                                               expected: "a multiple of the rollout's \(rollout.count) steps")
        }

        while loop.step < total {
            learner.prepareRollout(atStep: loop.step, of: total)
            rollout.reset()
            while !rollout.isFull {
                observations.view.copy(from: environment.observations)
                try policy.act(observations.view, into: actions.elements, logProbabilities: logProbabilities.elements,
                               values: values.elements, using: &generator)
                environment.step(UnsafeBufferPointer(actions.elements))
                if environment.truncated.contains(true) {
                    try policy.values(environment.finalObservations, into: finalValues.elements)
                }
                rollout.add(observations: observations.view, actions: UnsafeBufferPointer(actions.elements),
                            logProbabilities: UnsafeBufferPointer(logProbabilities.elements),
                            values: UnsafeBufferPointer(values.elements), rewards: environment.rewards,
                            terminated: environment.terminated, truncated: environment.truncated,
                            finalValues: UnsafeBufferPointer(finalValues.elements))
                loop.advance(by: n, environment: environment)
            }
            try policy.values(environment.observations, into: values.elements)
            rollout.computeAdvantages(lastValues: UnsafeBufferPointer(values.elements), gamma: learner.gamma,
                                      lambda: learner.gaeLambda)
            try loop.record(learner.learn(from: rollout, using: &generator))
            if try loop.callbacksStop() { break }
            try loop.snapshotIfDue(generator: generator, collector: nil)
        }
        try loop.snapshotIfDue(generator: generator, collector: nil, force: true)
        return try loop.finish()
    }
}
