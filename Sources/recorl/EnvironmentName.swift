import ArgumentParser
import RecoEnvironments
import RecoRL
import RecoSimulators

/// The environments the command line can train on, with their defaults.
enum EnvironmentName: String, ExpressibleByArgument, CaseIterable {
    case marketing
    case cartpole

    /// `copies` copies stepped together.
    func make(copies: Int) -> BatchedEnvironment {
        switch self {
        case .marketing: return VectorEnvironment(count: copies) { _ in MarketingEnvironment() }
        case .cartpole: return VectorEnvironment(count: copies) { _ in CartPole() }
        }
    }

    /// Human-readable names of the actions, by index.
    var actionNames: [String] {
        switch self {
        case .marketing: return MarketingStrategy.catalogue.map(\.name)
        case .cartpole: return ["push left", "push right"]
        }
    }

    /// Training steps when `--steps` is not given: enough for a good policy in about a minute on 2 cores.
    var defaultTrainingSteps: Int {
        switch self {
        case .marketing: return 100_000
        case .cartpole: return 100_000
        }
    }

    /// DQN hyper-parameters tuned for this environment.
    var defaultDQNConfiguration: DQNConfiguration {
        switch self {
        case .marketing: return .marketing
        case .cartpole: return .cartPole
        }
    }
}
