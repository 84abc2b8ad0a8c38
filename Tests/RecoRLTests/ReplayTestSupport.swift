import RecoRL
import RecoTensor

/// One step of `N` environment copies, as plain arrays, for feeding replay buffers in tests.
struct ReplayTestStep {
    var observations: [[Float]]
    var actions: [Int32]
    var rewards: [Float]
    var nextObservations: [[Float]]
    var terminated: [Bool]
    var truncated: [Bool]
}

/// Feeds a replay buffer the way a collector does: steps of `N` copies through an n-step accumulator,
/// the finished transitions added as a batch.
final class ReplayFeed {
    let replay: Replay
    private let accumulator: NStepAccumulator
    private let batch: TransitionBatch

    init(into replay: Replay, copies: Int, nSteps: Int = 1, gamma: Float) {
        self.replay = replay
        accumulator = NStepAccumulator(copies: copies, nSteps: nSteps, gamma: gamma, observationWidth: replay.observationWidth)
        batch = TransitionBatch(capacity: copies * nSteps, observationWidth: replay.observationWidth)
    }

    /// Adds `step` of all copies.
    func add(_ step: ReplayTestStep) {
        let width = replay.observationWidth
        let observations = Matrix(rows: step.observations.count, columns: width, values: step.observations.flatMap { $0 })
        let next = Matrix(rows: step.nextObservations.count, columns: width, values: step.nextObservations.flatMap { $0 })
        batch.removeAll()
        step.actions.withUnsafeBufferPointer { actions in
            step.rewards.withUnsafeBufferPointer { rewards in
                step.terminated.withUnsafeBufferPointer { terminated in
                    step.truncated.withUnsafeBufferPointer { truncated in
                        accumulator.add(observations: observations.view, actions: actions, rewards: rewards,
                                        nextObservations: next.view, terminated: terminated, truncated: truncated,
                                        into: batch)
                    }
                }
            }
        }
        replay.add(batch)
        withExtendedLifetime((observations, next)) {}
    }
}

/// Row `row` of `view` as an array.
func replayRow(_ view: MatrixView, _ row: Int) -> [Float] {
    Array(UnsafeBufferPointer(start: view.rowPointer(row), count: view.columns))
}
