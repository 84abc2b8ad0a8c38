import RecoEnvironments
import RecoRL
import RecoSimulators

/// One environment the experiments layer can train on: how to make it, its actions' names, and the
/// hyper-parameters each algorithm is tuned to for it.
public struct EnvironmentEntry: @unchecked Sendable {
    /// The name given to `--env` and written in checkpoints.
    public let name: String
    /// Human-readable names of the actions, by index.
    public let actionNames: [String]
    private let maker: (Int) -> BatchedEnvironment
    private let presets: [String: AlgorithmConfiguration]
    private let trainingSteps: [String: Int]
    private let defaultSteps: Int

    /// An entry; `presets` and `trainingSteps` are keyed by algorithm name (algorithms without a preset
    /// use their defaults; without steps, `defaultSteps`).
    public init(name: String, actionNames: [String], presets: [String: AlgorithmConfiguration] = [:],
                trainingSteps: [String: Int] = [:], defaultSteps: Int = 100_000,
                make: @escaping (Int) -> BatchedEnvironment) {
        self.name = name
        self.actionNames = actionNames
        self.presets = presets
        self.trainingSteps = trainingSteps
        self.defaultSteps = defaultSteps
        maker = make
    }

    /// `copies` copies stepped together.
    public func make(copies: Int) -> BatchedEnvironment { maker(copies) }

    /// The configuration `algorithm` trains this environment with when no file is given.
    public func preset(for algorithm: AlgorithmEntry) -> AlgorithmConfiguration {
        presets[algorithm.name] ?? algorithm.defaultConfiguration()
    }

    /// Training steps when none are given: enough for a good policy with `algorithm`'s preset.
    public func defaultTrainingSteps(for algorithm: AlgorithmEntry) -> Int {
        trainingSteps[algorithm.name] ?? defaultSteps
    }
}

/// The environments by name. `standard` holds the built-in simulators.
public struct EnvironmentCatalog: Sendable {
    public private(set) var entries: [EnvironmentEntry]

    public static let standard = EnvironmentCatalog(entries: [.marketing, .cartpole, .recogym])

    public init(entries: [EnvironmentEntry]) { self.entries = entries }

    public var names: [String] { entries.map(\.name) }

    /// The entry called `name`; throws an error listing the known names otherwise.
    public func entry(named name: String) throws -> EnvironmentEntry {
        guard let entry = entries.first(where: { $0.name == name }) else {
            throw ExperimentError("--env: \"\(name)\" is not valid; expected one of \(names.joined(separator: ", "))")
        }
        return entry
    }
}

extension EnvironmentEntry {
    /// The marketing simulator (docs/marketing.md): 18 strategies, campaigns of 10 contacts.
    public static let marketing = EnvironmentEntry(
        name: "marketing", actionNames: MarketingStrategy.catalogue.map(\.name),
        presets: ["dqn": DQNConfiguration.marketing, "a2c": A2CConfiguration.marketing, "ppo": PPOConfiguration.marketing,
                  "sac": SACConfiguration.marketing],
        make: { copies in VectorEnvironment(copies: copies) { _ in MarketingEnvironment() } })

    /// Cart-pole, the sanity check that algorithms learn what the RL world knows they learn.
    public static let cartpole = EnvironmentEntry(
        name: "cartpole", actionNames: ["push left", "push right"],
        presets: ["dqn": DQNConfiguration.cartPole, "a2c": A2CConfiguration.cartPole, "ppo": PPOConfiguration.cartPole,
                  "sac": SACConfiguration.cartPole],
        trainingSteps: ["a2c": 200_000, "ppo": 200_000],
        make: { copies in VectorEnvironment(copies: copies) { _ in CartPole() } })

    /// RecoGym's reco-gym-v1 with its defaults (10 products, seed 42 for the world; engine stream):
    /// one user per episode, one impression per step, reward = click; observed as the user's view
    /// counts and last viewed product (`RecoGymObservation.viewHistory`).
    public static let recogym = EnvironmentEntry(
        name: "recogym", actionNames: (0..<10).map { "product \($0)" },
        make: { copies in VectorEnvironment(copies: copies) { _ in RecoGymEnvironment(observation: .viewHistory) } })
}
