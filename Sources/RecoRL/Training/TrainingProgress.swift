import Foundation
import RecoEnvironments

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
    /// Exploration rate of epsilon-greedy agents (nil for agents that sample from a policy).
    public var epsilon: Float?
    public var gradientSteps: Int
    /// Loss of the last update (nil before learning starts).
    public var loss: Float?
    /// Further measurements of the last update, by name (for example PPO's `clip_fraction`).
    public var statistics: [String: Float]
    public var seconds: Double
}

/// The bookkeeping every training loop shares: the clock, finished episodes and when to report.
struct TrainingMonitor {
    let totalSteps: Int
    let reportInterval: Int
    private(set) var episodes = 0
    private var recentReturns: [Float] = []
    private var nextReport: Int
    private let start = DispatchTime.now().uptimeNanoseconds

    init(totalSteps: Int, reportInterval: Int) {
        self.totalSteps = totalSteps
        self.reportInterval = max(1, reportInterval)
        nextReport = self.reportInterval
    }

    /// Records the episodes `environment` finished since the last call.
    mutating func collectEpisodes(from environment: BatchedEnvironment) {
        for summary in environment.drainCompletedEpisodes() {
            episodes += 1
            recentReturns.append(summary.totalReward)
            if recentReturns.count > 100 { recentReturns.removeFirst() }
        }
    }

    /// Whether a report is due at `step` (every `reportInterval` steps and at the end); advances the
    /// schedule when it is.
    mutating func reportDue(at step: Int) -> Bool {
        guard step >= nextReport || step >= totalSteps else { return false }
        nextReport += reportInterval * ((step - nextReport) / reportInterval + 1)
        return true
    }

    /// The progress at `step`, with the agent's own figures.
    func progress(step: Int, epsilon: Float?, gradientSteps: Int, loss: Float?,
                  statistics: [String: Float] = [:]) -> TrainingProgress {
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return TrainingProgress(step: step, totalSteps: totalSteps, stepsPerSecond: Double(step) / max(seconds, 1e-9),
                                recentMeanReturn: recentReturns.isEmpty ? nil : recentReturns.reduce(0, +) / Float(recentReturns.count),
                                episodes: episodes, epsilon: epsilon, gradientSteps: gradientSteps, loss: loss,
                                statistics: statistics, seconds: seconds)
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
