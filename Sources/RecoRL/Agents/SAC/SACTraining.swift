import RecoEnvironments
import RecoTensor

extension SACAgent {
    /// Trains on `environment` for `steps` environment steps (rounded up to whole vector steps): uniformly
    /// random actions until `learningStarts`, then actions sampled from the policy, with rounds of
    /// updates as the configuration says. Calls `report` every `reportInterval` steps and at the end.
    /// Throws `TrainingError.diverged` as soon as a critic loss is not finite.
    public func train(on environment: BatchedEnvironment, steps: Int, seed: UInt64, generator: inout RandomGenerator,
                      reportInterval: Int = 10_000, report: (TrainingProgress) -> Void = { _ in }) throws {
        let n = environment.count
        precondition(environment.observationSpace.width == observationDimension, "environment observations do not fit the network")
        precondition(environment.actionSpace.choices == actionCount, "environment actions do not fit the network")
        let collector = ReplayCollector(copies: n, observationDimension: observationDimension)
        var monitor = TrainingMonitor(totalSteps: steps, reportInterval: reportInterval)
        var last: UpdateStatistics?
        var t = 0

        environment.reset(seed: seed)
        while t < steps {
            collector.observe(environment)
            collector.actions.withUnsafeMutableBufferPointer { actions in
                if t < configuration.learningStarts {
                    for i in 0..<n { actions[i] = Int32(generator.index(below: actionCount)) }
                } else {
                    sampleActions(collector.observations.view, into: actions, using: &generator)
                }
            }
            collector.step(environment, into: replay)
            let previous = t
            t += n
            monitor.collectEpisodes(from: environment)
            if t >= configuration.learningStarts {
                let rounds = t / configuration.trainFrequency - previous / configuration.trainFrequency
                for _ in 0..<(rounds * configuration.gradientSteps) {
                    let statistics = update(using: &generator)
                    guard statistics.criticLoss.isFinite && statistics.actorLoss.isFinite else {
                        throw TrainingError.diverged(step: t, gradientStep: gradientStepCount,
                                                     loss: statistics.criticLoss.isFinite ? statistics.actorLoss : statistics.criticLoss)
                    }
                    last = statistics
                }
            }
            if monitor.reportDue(at: t) {
                let statistics = last.map { ["critic_loss": $0.criticLoss, "actor_loss": $0.actorLoss, "entropy": $0.entropy,
                                             "temperature": $0.temperature] } ?? [:]
                report(monitor.progress(step: t, epsilon: nil, gradientSteps: gradientStepCount, loss: last?.criticLoss,
                                        statistics: statistics))
            }
        }
    }
}
