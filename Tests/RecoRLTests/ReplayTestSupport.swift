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

extension Replay {
    /// Adds `step` through the buffer-based `add`.
    func add(_ step: ReplayTestStep) {
        let dimension = step.observations[0].count
        let observations = Matrix(rows: step.observations.count, columns: dimension,
                                  values: step.observations.flatMap { $0 })
        let next = Matrix(rows: step.nextObservations.count, columns: dimension,
                          values: step.nextObservations.flatMap { $0 })
        step.actions.withUnsafeBufferPointer { actions in
            step.rewards.withUnsafeBufferPointer { rewards in
                step.terminated.withUnsafeBufferPointer { terminated in
                    step.truncated.withUnsafeBufferPointer { truncated in
                        add(observations: observations.view, actions: actions, rewards: rewards,
                            nextObservations: next.view, terminated: terminated, truncated: truncated)
                    }
                }
            }
        }
        withExtendedLifetime((observations, next)) {}
    }
}

/// Row `row` of `view` as an array.
func replayRow(_ view: MatrixView, _ row: Int) -> [Float] {
    Array(UnsafeBufferPointer(start: view.rowPointer(row), count: view.columns))
}
