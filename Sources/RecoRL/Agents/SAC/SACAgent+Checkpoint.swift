import Foundation
import RecoEnvironments
import RecoNetworks

extension SACAgent {
    /// The temperature and its optimiser state, kept in checkpoint metadata (it is one number).
    struct TemperatureState: Codable {
        var logTemperature: Float
        var firstMoment: Float
        var secondMoment: Float
        var steps: Int
    }

    static let temperatureKey = "sac_temperature"

    /// Writes actor, critics and targets with their optimisers, the temperature and the configuration to
    /// `url`, with `metadata` alongside. The replay buffer is not saved.
    public func save(to url: URL, metadata: [String: String]) throws {
        var all = try checkpointMetadata(configuration, adding: metadata)
        let moments = temperatureOptimizer.stateBuffers
        all[SACAgent.temperatureKey] = try AgentCheckpoint.encode(
            TemperatureState(logTemperature: logTemperature.values[0], firstMoment: moments[0].buffer[0],
                             secondMoment: moments[1].buffer[0], steps: temperatureOptimizer.stepCount))
        try Checkpoint(items: [.init(name: "actor", network: actor, optimizer: actorOptimizer),
                               .init(name: "critic1", network: critic1, optimizer: critic1Optimizer),
                               .init(name: "critic2", network: critic2, optimizer: critic2Optimizer),
                               .init(name: "target1", network: target1), .init(name: "target2", network: target2)],
                       metadata: all).write(to: url)
    }

    /// Rebuilds an agent saved by `save(to:metadata:)` from the checkpoint read at `path`.
    public convenience init(checkpoint: Checkpoint, path: String) throws {
        let configuration = try AgentCheckpoint.configuration(SACConfiguration.self, algorithm: "sac", in: checkpoint, path: path)
        let state = try AgentCheckpoint.configuration(TemperatureState.self, in: checkpoint, key: SACAgent.temperatureKey, path: path)
        let maxBatch = configuration.batchSize
        func network(_ name: String) throws -> (SequentialNetwork, Adam?) {
            guard let item = checkpoint.item(named: name) else {
                throw CheckpointError.mismatch(path: path, detail: "a SAC checkpoint holds networks actor, critic1, critic2, target1, target2; \(name) is missing")
            }
            return (try item.network.withWorkspaces(for: maxBatch), item.optimizer as? Adam)
        }
        let (actor, actorAdam) = try network("actor")
        let (critic1, critic1Adam) = try network("critic1")
        let (critic2, critic2Adam) = try network("critic2")
        let (target1, _) = try network("target1")
        let (target2, _) = try network("target2")
        guard let actorAdam, let critic1Adam, let critic2Adam else {
            throw CheckpointError.mismatch(path: path, detail: "the actor and critics of a SAC checkpoint are saved with Adam")
        }
        let criticSpecs = [critic1.specs, critic2.specs, target1.specs, target2.specs]
        guard criticSpecs.allSatisfy({ $0 == critic1.specs }), actor.inputWidth == critic1.inputWidth,
              actor.outputWidth == critic1.outputWidth else {
            throw CheckpointError.mismatch(path: path, detail: "the actor, critics and targets of a SAC checkpoint map the same inputs to the same actions")
        }
        let expected = SACAgent.networkSpecs(configuration, observationWidth: actor.inputWidth,
                                             observationIds: ObservationInput.ids(embeddedBy: actor.specs),
                                             actionCount: actor.outputWidth)
        guard actor.specs == expected, critic1.specs == expected else {
            throw CheckpointError.mismatch(path: path, detail: "the stored configuration (hiddenLayers \(configuration.hiddenLayers), "
                                           + "itemEmbeddingWidth \(configuration.itemEmbeddingWidth)) "
                                           + "does not describe the stored networks")
        }
        let logTemperature = ParameterStore(name: "log_temperature", shape: [1])
        logTemperature.values[0] = state.logTemperature
        let temperatureAdam = Adam(learningRate: configuration.criticLearningRate, epsilon: configuration.adamEpsilon, parameterCount: 1)
        temperatureAdam.stateBuffers[0].buffer[0] = state.firstMoment
        temperatureAdam.stateBuffers[1].buffer[0] = state.secondMoment
        temperatureAdam.stepCount = state.steps
        try self.init(configuration: configuration, actor: actor, critic1: critic1, critic2: critic2, target1: target1,
                      target2: target2, actorOptimizer: actorAdam, critic1Optimizer: critic1Adam, critic2Optimizer: critic2Adam,
                      logTemperature: logTemperature, temperatureOptimizer: temperatureAdam,
                      gradientSteps: AgentCheckpoint.gradientSteps(in: checkpoint))
    }
}
