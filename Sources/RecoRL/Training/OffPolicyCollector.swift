import RecoEnvironments
import RecoTensor

/// Steps a batched environment with a policy and delivers the finished transitions of all `N` copies
/// to a sink, forming n-step returns per copy on the way (the collector, not the learner, knows the
/// copies). The shared acting step of the off-policy trainers.
///
/// The successor of a finished episode is its final observation, not the first one of the next
/// episode; a terminated episode's transitions are marked done, a truncated one's are not.
public final class OffPolicyCollector {
    /// Copies `N` of the environment it steps.
    public let copies: Int
    private let accumulator: NStepAccumulator
    private let batch: TransitionBatch
    private let observations: Matrix
    private let nextObservations: Matrix
    private let actions: OwnedBuffer<Int32>

    /// A collector for `copies` copies with `observationWidth`-wide observations, forming `nSteps`-step
    /// returns discounted by `gamma`.
    public init(copies: Int, observationWidth: Int, nSteps: Int = 1, gamma: Float) {
        self.copies = copies
        accumulator = NStepAccumulator(copies: copies, nSteps: nSteps, gamma: gamma, observationWidth: observationWidth)
        batch = TransitionBatch(capacity: copies * nSteps, observationWidth: observationWidth)
        observations = Matrix(rows: copies, columns: observationWidth)
        nextObservations = Matrix(rows: copies, columns: observationWidth)
        actions = OwnedBuffer(repeating: 0, count: copies)
    }

    /// The n-step queues of every copy (what a resumed run must restore).
    public var accumulatorState: NStepAccumulator.State { accumulator.state }

    /// Restores queues saved from a collector of the same shape.
    public func restore(_ state: NStepAccumulator.State) throws { try accumulator.restore(state) }

    /// One vector step: `policy` acts on the current observations (drawing from `generator`), the
    /// environment steps, and the transitions this completes go to `sink`.
    public func step(_ environment: BatchedEnvironment, with policy: Policy, into sink: TransitionSink,
                     using generator: inout RandomGenerator) throws {
        observations.view.copy(from: environment.observations)
        try policy.act(observations.view, into: actions.elements, logProbabilities: nil, using: &generator)
        environment.step(UnsafeBufferPointer(actions.elements))
        nextObservations.view.copy(from: environment.observations)
        for i in 0..<copies where environment.terminated[i] || environment.truncated[i] {
            nextObservations.view.rowPointer(i).update(from: environment.finalObservations.rowPointer(i),
                                                        count: nextObservations.columns)
        }
        batch.removeAll()
        accumulator.add(observations: observations.view, actions: UnsafeBufferPointer(actions.elements),
                        rewards: environment.rewards, nextObservations: nextObservations.view,
                        terminated: environment.terminated, truncated: environment.truncated, into: batch)
        sink.add(batch)
    }
}
