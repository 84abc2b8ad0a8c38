import Foundation
import RecoEnvironments
import RecoTensor

extension DQNAgent {
    /// Trains on `environment` for `steps` environment steps (rounded up to whole vector steps), acting
    /// epsilon-greedily for all copies at once, and calls `report` every `reportInterval` steps and at
    /// the end. Randomness (exploration, sampling) comes from `generator`; the environment is reset with
    /// `seed`. Throws `TrainingError.diverged` as soon as an update's loss is not finite.
    public func train(on environment: BatchedEnvironment, steps: Int, seed: UInt64, generator: inout RandomGenerator,
                      reportInterval: Int = 10_000, report: (TrainingProgress) -> Void = { _ in }) throws {
        let n = environment.count
        precondition(environment.observationSpace.width == observationDimension, "environment observations do not fit the network")
        precondition(environment.actionSpace.choices == actionCount, "environment actions do not fit the network")
        let collector = ReplayCollector(copies: n, observationDimension: observationDimension)
        var monitor = TrainingMonitor(totalSteps: steps, reportInterval: reportInterval)
        var lastLoss: Float?
        var t = 0

        environment.reset(seed: seed)
        while t < steps {
            let epsilon = configuration.exploration.epsilon(at: t)
            collector.observe(environment)
            collector.actions.withUnsafeMutableBufferPointer {
                act(collector.observations.view, epsilon: epsilon, into: $0, using: &generator)
            }
            collector.step(environment, into: replay)
            let previous = t
            t += n
            monitor.collectEpisodes(from: environment)
            if t >= configuration.learningStarts {
                setImportanceExponent(configuration.importanceExponentStart
                                      + (1 - configuration.importanceExponentStart) * min(1, Float(t) / Float(max(1, steps))))
                let rounds = t / configuration.trainFrequency - previous / configuration.trainFrequency
                for _ in 0..<(rounds * configuration.gradientSteps) {
                    let loss = update(using: &generator).loss
                    guard loss.isFinite else {
                        throw TrainingError.diverged(step: t, gradientStep: gradientStepCount, loss: loss)
                    }
                    lastLoss = loss
                }
            }
            if monitor.reportDue(at: t) {
                report(monitor.progress(step: t, epsilon: configuration.exploration.epsilon(at: t),
                                        gradientSteps: gradientStepCount, loss: lastLoss))
            }
        }
    }
}
