import Foundation
import RecoEnvironments

/// Where a training run stands, as callbacks see it.
public struct TrainingProgress: Equatable, Sendable {
    /// Environment steps taken (over all copies).
    public var step: Int
    public var totalSteps: Int
    /// Environment steps per second since the run started.
    public var stepsPerSecond: Double
    /// Mean undiscounted return of the last (up to) 100 finished episodes (nil before the first).
    public var recentMeanReturn: Float?
    public var episodes: Int
    /// Exploration rate of epsilon-greedy agents (nil for agents that sample from a policy).
    public var epsilon: Float?
    public var gradientSteps: Int
    /// Loss of the last update (nil before learning starts).
    public var loss: Float?
    /// Further measurements of the last update (for example PPO's clip fraction).
    public var metrics: [Metric: Float]
    public var seconds: Double
    /// Whether this is the last report of the run (its step budget is spent or a callback stopped it).
    public var isFinal: Bool
}

/// The bookkeeping every training loop shares: the clock and the finished episodes.
struct TrainingMonitor {
    let totalSteps: Int
    private(set) var episodes = 0
    private(set) var recentReturns: [Float] = []
    private let start = DispatchTime.now().uptimeNanoseconds

    init(totalSteps: Int) {
        self.totalSteps = totalSteps
    }

    /// Continues the counts of a resumed run.
    mutating func restore(episodes: Int, recentReturns: [Float]) {
        self.episodes = episodes
        self.recentReturns = Array(recentReturns.suffix(100))
    }

    /// Records the episodes `environment` finished since the last call, and returns them.
    @discardableResult
    mutating func collectEpisodes(from environment: BatchedEnvironment) -> [EpisodeSummary] {
        let finished = environment.drainCompletedEpisodes()
        for summary in finished {
            episodes += 1
            recentReturns.append(summary.totalReward)
            if recentReturns.count > 100 { recentReturns.removeFirst() }
        }
        return finished
    }

    /// The progress at `step`, with the learner's own figures.
    func progress(step: Int, epsilon: Float?, gradientSteps: Int, last: UpdateReport?, isFinal: Bool) -> TrainingProgress {
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return TrainingProgress(step: step, totalSteps: totalSteps, stepsPerSecond: Double(step) / max(seconds, 1e-9),
                                recentMeanReturn: recentReturns.isEmpty ? nil : recentReturns.reduce(0, +) / Float(recentReturns.count),
                                episodes: episodes, epsilon: epsilon, gradientSteps: gradientSteps, loss: last?.loss,
                                metrics: last?.metrics.dictionary ?? [:], seconds: seconds, isFinal: isFinal)
    }
}

/// Training that cannot go on.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    /// An update produced a non-finite loss: the networks have diverged (usually a learning rate too
    /// large for the problem).
    case diverged(step: Int, gradientStep: Int, loss: Float)
    /// The environment does not fit the agent: `field` names what differs.
    case incompatibleEnvironment(field: String, value: String, expected: String)
    /// A run setting is out of range.
    case invalidSetting(field: String, value: String, expected: String)

    public var description: String {
        switch self {
        case let .diverged(step, gradientStep, loss):
            return "training diverged at environment step \(step) (gradient step \(gradientStep), loss \(loss)); "
                + "expected a finite loss: lower learningRate or set maxGradientNorm"
        case let .incompatibleEnvironment(field, value, expected):
            return "environment \(field): \(value) does not fit the agent; expected \(expected)"
        case let .invalidSetting(field, value, expected):
            return "\(field): \(value) is not valid; expected \(expected)"
        }
    }
}
