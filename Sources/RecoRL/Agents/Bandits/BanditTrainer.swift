import Foundation
import RecoEnvironments
import RecoTensor

/// The training loop of a bandit agent, in RecoGym's two protocols:
/// - batch models: step the environment with the uniformly random logging policy, log every
///   impression with its propensity, and fit the model to the whole log at the end;
/// - online models: after every vector step, fold the copies' impressions (chosen by the model's
///   `explore`) into the model.
///
/// Callbacks see the usual progress while the log is collected. A batch model cannot be resumed from
/// the middle of its log, nor extended (it learns only at the end, and the log is not kept): it
/// writes one snapshot, at the end, and resuming a finished run does nothing. Online models snapshot,
/// resume and extend like the other agents.
public struct BanditTrainer<Model: BanditModel>: Trainer {
    public let agent: BanditAgent<Model>

    public init(agent: BanditAgent<Model>) {
        self.agent = agent
    }

    public func train(on environment: BatchedEnvironment, steps: Int, seed: UInt64, generator: inout RandomGenerator,
                      callbacks: [TrainingCallback], snapshots: TrainingSnapshotWriter?,
                      resuming: TrainingState?) throws -> TrainingProgress {
        let copies = environment.copies
        let vectorSteps = steps / copies + (steps % copies == 0 ? 0 : 1)
        var loop = try TrainingLoop(agent: agent, environment: environment, totalSteps: vectorSteps * copies,
                                    callbacks: callbacks, snapshots: snapshots)
        if let resuming, !Model.learnsOnline, resuming.step < vectorSteps * copies {
            // Its log is gone once fitted: more steps would refit on the new part only.
            throw TrainingError.invalidSetting(field: "steps", value: "\(steps) after \(resuming.step)",
                                               expected: "no more than the finished run's \(resuming.step) (\(Model.algorithm) fits its whole log at once; train afresh for a longer log)")
        }
        try loop.start(seed: seed, resuming: resuming, generator: &generator)
        let logger = try PolicyLogger(policy: agent.explorationPolicy, environment: environment)
        var log: [LoggedInteraction] = []
        while loop.step < vectorSteps * copies {
            if Model.learnsOnline { log.removeAll(keepingCapacity: true) }
            try logger.step(using: &generator, appendingTo: &log)
            if Model.learnsOnline { try agent.update(log, using: &generator) }
            loop.advance(by: copies, environment: environment)
            if Model.learnsOnline { try loop.snapshotIfDue(generator: generator, collector: nil) }
            if try loop.callbacksStop() { break }
        }
        if !Model.learnsOnline, !log.isEmpty { try agent.fit(log, using: &generator) }
        try loop.snapshotIfDue(generator: generator, collector: nil, force: true)
        return try loop.finish()
    }
}
