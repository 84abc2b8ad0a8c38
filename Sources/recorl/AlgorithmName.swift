import ArgumentParser
import Foundation
import RecoRL
import RecoTensor

/// The algorithms the command line trains.
enum AlgorithmName: String, ExpressibleByArgument, CaseIterable {
    case dqn, a2c, ppo, sac

    /// Names of the per-update measurements the algorithm reports (columns of the metrics files).
    var statisticNames: [String] {
        switch self {
        case .dqn: return []
        case .a2c: return ["entropy", "explained_variance", "learning_rate", "policy_loss", "value_loss"]
        case .ppo:
            return ["approx_kl", "clip_fraction", "entropy", "explained_variance", "learning_rate", "policy_loss",
                    "stopped_early", "value_loss"]
        case .sac: return ["actor_loss", "critic_loss", "entropy", "temperature"]
        }
    }

    /// The algorithm's configuration for `environment`: its preset, replaced by the JSON file at `path`
    /// when given (fields it leaves out keep their defaults).
    func configuration(for environment: EnvironmentName, file path: String?) throws -> AlgorithmConfiguration {
        func read<C: Decodable>(_ type: C.Type) throws -> C? {
            guard let path else { return nil }
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw CommandError("--config: cannot read \(path) (\(error.localizedDescription)); expected a JSON file")
            }
            do {
                return try JSONDecoder().decode(C.self, from: data)
            } catch let error as ConfigurationError {
                throw CommandError("--config \(path): \(error)")
            } catch {
                throw CommandError("--config \(path): not a JSON object of \(rawValue) configuration fields (\(error))")
            }
        }
        switch self {
        case .dqn: return .dqn(try read(DQNConfiguration.self) ?? environment.presets.dqn)
        case .a2c: return .a2c(try read(A2CConfiguration.self) ?? environment.presets.a2c)
        case .ppo: return .ppo(try read(PPOConfiguration.self) ?? environment.presets.ppo)
        case .sac: return .sac(try read(SACConfiguration.self) ?? environment.presets.sac)
        }
    }
}

/// One algorithm's hyper-parameters, ready to build an agent.
enum AlgorithmConfiguration {
    case dqn(DQNConfiguration)
    case a2c(A2CConfiguration)
    case ppo(PPOConfiguration)
    case sac(SACConfiguration)

    /// Checks every field, and that a rollout over `environments` copies fits (PPO's minibatches).
    func validate(environments: Int, file path: String?) throws {
        do {
            switch self {
            case let .dqn(configuration): try configuration.validate()
            case let .a2c(configuration): try configuration.validate()
            case let .ppo(configuration):
                try configuration.validate()
                try configuration.validate(environments: environments)
            case let .sac(configuration): try configuration.validate()
            }
        } catch let error as ConfigurationError {
            throw CommandError("\(path.map { "--config \($0): " } ?? "")\(error)")
        }
    }

    /// A fresh agent for `environments` training copies that also acts on up to `maxActingBatch` rows.
    func makeAgent(observationDimension: Int, actionCount: Int, environments: Int, maxActingBatch: Int,
                   generator: inout RandomGenerator) throws -> Agent {
        switch self {
        case let .dqn(configuration):
            return try DQNAgent(configuration: configuration, observationDimension: observationDimension, actionCount: actionCount,
                                environments: environments, maxActingBatch: maxActingBatch, generator: &generator)
        case let .a2c(configuration):
            return try A2CAgent(configuration: configuration, observationDimension: observationDimension, actionCount: actionCount,
                                environments: environments, maxActingBatch: maxActingBatch, generator: &generator)
        case let .ppo(configuration):
            return try PPOAgent(configuration: configuration, observationDimension: observationDimension, actionCount: actionCount,
                                environments: environments, maxActingBatch: maxActingBatch, generator: &generator)
        case let .sac(configuration):
            return try SACAgent(configuration: configuration, observationDimension: observationDimension, actionCount: actionCount,
                                environments: environments, maxActingBatch: maxActingBatch, generator: &generator)
        }
    }

    /// The configuration as pretty-printed JSON (what `config.json` holds, and what `--config` reads).
    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        switch self {
        case let .dqn(configuration): return try encoder.encode(configuration)
        case let .a2c(configuration): return try encoder.encode(configuration)
        case let .ppo(configuration): return try encoder.encode(configuration)
        case let .sac(configuration): return try encoder.encode(configuration)
        }
    }

    /// One line on the settings that shape the run.
    var summary: String {
        switch self {
        case let .dqn(c):
            return "double \(c.double), dueling \(c.dueling), n-step \(c.nSteps), prioritized \(c.prioritized)"
        case let .a2c(c):
            return "hidden \(c.hiddenLayers), shared \(c.sharedNetwork), rollout \(c.rolloutSteps) steps, lr \(c.learningRate)"
        case let .ppo(c):
            return "hidden \(c.hiddenLayers), shared \(c.sharedNetwork), rollout \(c.rolloutSteps) steps, "
                + "\(c.epochs) epochs x \(c.minibatches) minibatches, clip \(c.clipRange), lr \(c.learningRate)"
        case let .sac(c):
            return "hidden \(c.hiddenLayers), batch \(c.batchSize), target entropy \(c.targetEntropyFraction) x log|A|, "
                + "autotune \(c.autotuneTemperature)"
        }
    }
}
