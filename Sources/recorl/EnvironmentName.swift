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

    /// Training steps when `--steps` is not given: enough for a good policy with `algorithm`'s preset.
    func defaultTrainingSteps(for algorithm: AlgorithmName) -> Int {
        switch (self, algorithm) {
        case (.marketing, _): return 100_000
        case (.cartpole, .dqn), (.cartpole, .sac): return 100_000
        case (.cartpole, .a2c), (.cartpole, .ppo): return 200_000
        }
    }

    /// Every algorithm's hyper-parameters tuned for this environment.
    var presets: (dqn: DQNConfiguration, a2c: A2CConfiguration, ppo: PPOConfiguration, sac: SACConfiguration) {
        switch self {
        case .marketing: return (.marketing, .marketing, .marketing, .marketing)
        case .cartpole: return (.cartPole, .cartPole, .cartPole, .cartPole)
        }
    }
}
