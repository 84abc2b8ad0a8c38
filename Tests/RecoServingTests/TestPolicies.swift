import Foundation
import RecoEnvironments
import RecoTensor

/// Picks the action of the largest feature (one action per feature), with the features as its Q values.
final class ArgmaxPolicy: Policy, @unchecked Sendable {
    let observationWidth: Int
    var actionCount: Int { observationWidth }
    var scoreKind: ActionScoreKind? { .qValue }

    init(width: Int) { observationWidth = width }

    func act(_ observations: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>,
             logProbabilities: UnsafeMutableBufferPointer<Float>?, using generator: inout RandomGenerator) throws {
        try checkBatch(observations, actions: actions.count, logProbabilities: logProbabilities?.count)
        for r in 0..<observations.rows {
            var best = 0
            for j in 1..<observationWidth where observations[r, j] > observations[r, best] { best = j }
            actions[r] = Int32(best)
        }
        logProbabilities?.update(repeating: 0)
    }

    func scores(_ observations: MatrixView, into scores: MatrixView) throws {
        try checkScores(observations, scores)
        scores.copy(from: observations)
    }
}

/// A model that always fails.
final class ThrowingPolicy: Policy, @unchecked Sendable {
    struct Failure: Error {}
    let observationWidth: Int
    var actionCount: Int { observationWidth }
    var scoreKind: ActionScoreKind? { nil }

    init(width: Int) { observationWidth = width }

    func act(_ observations: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>,
             logProbabilities: UnsafeMutableBufferPointer<Float>?, using generator: inout RandomGenerator) throws {
        throw Failure()
    }
}

/// A model that answers action 0, but only after `delay` seconds.
final class SlowPolicy: Policy, @unchecked Sendable {
    let observationWidth: Int
    let delay: TimeInterval
    var actionCount: Int { observationWidth }
    var scoreKind: ActionScoreKind? { nil }

    init(width: Int, delay: TimeInterval) {
        observationWidth = width
        self.delay = delay
    }

    func act(_ observations: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>,
             logProbabilities: UnsafeMutableBufferPointer<Float>?, using generator: inout RandomGenerator) throws {
        Thread.sleep(forTimeInterval: delay)
        actions.update(repeating: 0)
        logProbabilities?.update(repeating: 0)
    }
}

/// Picks the action of the smallest feature: a deliberately bad candidate where the reward is for the largest.
final class ArgminPolicy: Policy, @unchecked Sendable {
    let observationWidth: Int
    var actionCount: Int { observationWidth }
    var scoreKind: ActionScoreKind? { nil }

    init(width: Int) { observationWidth = width }

    func act(_ observations: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>,
             logProbabilities: UnsafeMutableBufferPointer<Float>?, using generator: inout RandomGenerator) throws {
        try checkBatch(observations, actions: actions.count, logProbabilities: logProbabilities?.count)
        for r in 0..<observations.rows {
            var best = 0
            for j in 1..<observationWidth where observations[r, j] < observations[r, best] { best = j }
            actions[r] = Int32(best)
        }
        logProbabilities?.update(repeating: 0)
    }
}
