import RecoEnvironments
import RecoTensor

/// Steps a batched environment with given actions and stores the resulting transitions of all `N`
/// copies in replay: the shared acting step of the off-policy agents (DQN, SAC).
final class ReplayCollector {
    /// The observations the actions are chosen from (`N x D`), copied before the step.
    let observations: Matrix
    private let nextObservations: Matrix
    /// One action per copy; the caller fills it before `step`.
    var actions: [Int32]

    init(copies: Int, observationDimension: Int) {
        observations = Matrix(rows: copies, columns: observationDimension)
        nextObservations = Matrix(rows: copies, columns: observationDimension)
        actions = [Int32](repeating: 0, count: copies)
    }

    /// Copies the environment's current observations into `observations`.
    func observe(_ environment: BatchedEnvironment) {
        observations.view.copy(from: environment.observations)
    }

    /// Steps `environment` with `actions` and adds the transitions to `replay`. The successor of a
    /// finished episode is its final observation, not the first one of the next episode.
    func step(_ environment: BatchedEnvironment, into replay: Replay) {
        actions.withUnsafeBufferPointer { environment.step($0) }
        nextObservations.view.copy(from: environment.observations)
        for i in 0..<environment.count where environment.terminated[i] || environment.truncated[i] {
            nextObservations.view.rowPointer(i).update(from: environment.finalObservations.rowPointer(i),
                                                        count: nextObservations.columns)
        }
        actions.withUnsafeBufferPointer {
            replay.add(observations: observations.view, actions: $0, rewards: environment.rewards,
                       nextObservations: nextObservations.view, terminated: environment.terminated,
                       truncated: environment.truncated)
        }
    }
}
