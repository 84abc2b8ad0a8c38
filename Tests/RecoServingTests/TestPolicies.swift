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

/// Argmax of the features, whose scores are the features times 1e30: extreme (finite) features make
/// them overflow, as a network's can.
final class OverflowingPolicy: Policy, @unchecked Sendable {
    let base: ArgmaxPolicy
    var observationWidth: Int { base.observationWidth }
    var actionCount: Int { base.actionCount }
    var scoreKind: ActionScoreKind? { .qValue }

    init(width: Int) { base = ArgmaxPolicy(width: width) }

    func act(_ observations: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>,
             logProbabilities: UnsafeMutableBufferPointer<Float>?, using generator: inout RandomGenerator) throws {
        try base.act(observations, into: actions, logProbabilities: logProbabilities, using: &generator)
    }

    func scores(_ observations: MatrixView, into scores: MatrixView) throws {
        try base.scores(observations, into: scores)
        for r in 0..<scores.rows { for j in 0..<scores.columns { scores[r, j] *= 1e30 } }
    }
}
