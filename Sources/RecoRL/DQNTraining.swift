import Foundation
import RecoEnvironments
import RecoTensor

/// Where a training run stands, reported periodically.
public struct TrainingProgress: Equatable, Sendable {
    /// Environment steps taken (over all copies).
    public var step: Int
    public var totalSteps: Int
    /// Environment steps per second since the run started.
    public var stepsPerSecond: Double
    /// Mean undiscounted return of the last (up to) 100 finished episodes (nil before the first).
    public var recentMeanReturn: Float?
    public var episodes: Int
    public var epsilon: Float
    public var gradientSteps: Int
    /// Loss of the last update (nil before learning starts).
    public var loss: Float?
    public var seconds: Double
}

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
        let observations = Matrix(rows: n, columns: observationDimension)
        let nextObservations = Matrix(rows: n, columns: observationDimension)
        var actions = [Int32](repeating: 0, count: n)
        var recent: [Float] = []
        var episodes = 0
        var lastLoss: Float?
        var t = 0
        var nextReport = reportInterval
        let start = DispatchTime.now().uptimeNanoseconds
        func progress() -> TrainingProgress {
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            return TrainingProgress(step: t, totalSteps: steps, stepsPerSecond: Double(t) / max(seconds, 1e-9),
                                    recentMeanReturn: recent.isEmpty ? nil : recent.reduce(0, +) / Float(recent.count),
                                    episodes: episodes, epsilon: configuration.exploration.epsilon(at: t),
                                    gradientSteps: gradientStepCount, loss: lastLoss, seconds: seconds)
        }

        environment.reset(seed: seed)
        while t < steps {
            let epsilon = configuration.exploration.epsilon(at: t)
            observations.view.copy(from: environment.observations)
            actions.withUnsafeMutableBufferPointer { act(observations.view, epsilon: epsilon, into: $0, using: &generator) }
            actions.withUnsafeBufferPointer { environment.step($0) }
            // The successor of a finished episode is its final observation, not the reset one.
            nextObservations.view.copy(from: environment.observations)
            for i in 0..<n where environment.terminated[i] || environment.truncated[i] {
                nextObservations.view.rowPointer(i).update(from: environment.finalObservations.rowPointer(i),
                                                            count: observationDimension)
            }
            actions.withUnsafeBufferPointer {
                replay.add(observations: observations.view, actions: $0, rewards: environment.rewards,
                           nextObservations: nextObservations.view, terminated: environment.terminated,
                           truncated: environment.truncated)
            }
            let previous = t
            t += n
            for summary in environment.drainCompletedEpisodes() {
                episodes += 1
                recent.append(summary.totalReward)
                if recent.count > 100 { recent.removeFirst() }
            }
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
            if t >= nextReport || t >= steps {
                report(progress())
                nextReport += reportInterval * ((t - nextReport) / reportInterval + 1)
            }
        }
    }
}

/// Training that cannot go on.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    /// An update produced a non-finite loss: the networks have diverged (usually a learning rate too
    /// large for the problem).
    case diverged(step: Int, gradientStep: Int, loss: Float)

    public var description: String {
        switch self {
        case let .diverged(step, gradientStep, loss):
            return "training diverged at environment step \(step) (gradient step \(gradientStep), loss \(loss)); "
                + "expected a finite loss: lower learningRate or set maxGradientNorm"
        }
    }
}
