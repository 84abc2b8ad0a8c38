import Foundation
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
    /// What the environment was built from (nil for simulators).
    public let data: EnvironmentData?
    /// An offline top-K table of the given policies (name, policy) beside the environment's ranking
    /// baselines at a cut-off K, for environments over logged data (nil for simulators).
    public let rankingTable: ((_ policies: [(name: String, policy: Policy)], _ k: Int) throws -> String)?
    /// A table of the environment's own episode metrics for the given policies (name, policy) beside
    /// its baselines, over a number of evaluation episodes (nil: none; `session` has one).
    public let episodeMetricsTable: ((_ policies: [(name: String, policy: Policy)], _ episodes: Int) throws -> String)?
    private let maker: (Int) -> BatchedEnvironment
    private let evaluationMaker: (Int) -> BatchedEnvironment
    private let presets: [String: AlgorithmConfiguration]
    private let trainingSteps: [String: Int]
    private let defaultSteps: Int

    /// An entry; `presets` and `trainingSteps` are keyed by algorithm name (algorithms without a preset
    /// use their defaults; without steps, `defaultSteps`). `makeEvaluation` builds the environment
    /// evaluations run on (held-out users, for data-backed environments); without it, `make`.
    public init(name: String, actionNames: [String], presets: [String: AlgorithmConfiguration] = [:],
                trainingSteps: [String: Int] = [:], defaultSteps: Int = 100_000, data: EnvironmentData? = nil,
                rankingTable: (([(name: String, policy: Policy)], Int) throws -> String)? = nil,
                episodeMetricsTable: (([(name: String, policy: Policy)], Int) throws -> String)? = nil,
                make: @escaping (Int) -> BatchedEnvironment, makeEvaluation: ((Int) -> BatchedEnvironment)? = nil) {
        self.name = name
        self.actionNames = actionNames
        self.presets = presets
        self.trainingSteps = trainingSteps
        self.defaultSteps = defaultSteps
        self.data = data
        self.rankingTable = rankingTable
        self.episodeMetricsTable = episodeMetricsTable
        maker = make
        evaluationMaker = makeEvaluation ?? make
    }

    /// `copies` copies stepped together.
    public func make(copies: Int) -> BatchedEnvironment { maker(copies) }

    /// `copies` copies of the environment evaluations run on.
    public func makeEvaluation(copies: Int) -> BatchedEnvironment { evaluationMaker(copies) }

    /// The configuration `algorithm` trains this environment with when no file is given.
    public func preset(for algorithm: AlgorithmEntry) -> AlgorithmConfiguration {
        presets[algorithm.name] ?? algorithm.defaultConfiguration()
    }

    /// Training steps when none are given: enough for a good policy with `algorithm`'s preset.
    public func defaultTrainingSteps(for algorithm: AlgorithmEntry) -> Int {
        trainingSteps[algorithm.name] ?? defaultSteps
    }
}

/// What a data-backed environment is built from: a data directory (`--data`) and, optionally, its
/// settings as a JSON object (`--env-config`), kept as text so a run records exactly what it used.
/// Simulators configured by settings alone (`session`) have an empty `directory`.
public struct EnvironmentData: Codable, Equatable, Sendable {
    public var directory: String
    public var settings: String?

    public init(directory: String, settings: String? = nil) {
        self.directory = directory
        self.settings = settings
    }

    /// Whether a data directory is named (false for settings-only simulators).
    public var hasDirectory: Bool { !directory.isEmpty }

    /// `directory` (empty for none) with the contents of the settings file at `settingsPath`, when
    /// given; errors name the flags.
    public static func read(directory: String, settingsPath: String?) throws -> EnvironmentData {
        guard let settingsPath else { return EnvironmentData(directory: directory) }
        guard let data = FileManager.default.contents(atPath: settingsPath), let text = String(data: data, encoding: .utf8) else {
            throw ExperimentError("--env-config: \(settingsPath) cannot be read; expected a JSON file of the environment's settings")
        }
        return EnvironmentData(directory: directory, settings: text)
    }
}

/// The environments by name. `standard` holds the built-in simulators and the `reviews` environment,
/// which is built over a prepared data directory (`--data`).
public struct EnvironmentCatalog: Sendable {
    /// Builds a data-backed environment's entry from its data directory and settings.
    public typealias DataEnvironment = @Sendable (EnvironmentData) throws -> EnvironmentEntry
    /// Builds a simulator's entry from its settings (a JSON object as text; nil for the defaults).
    public typealias SettingsEnvironment = @Sendable (String?) throws -> EnvironmentEntry

    public private(set) var entries: [EnvironmentEntry]
    /// Environments that need a data directory, by name.
    public private(set) var dataEnvironments: [String: DataEnvironment]
    /// Simulators built from optional settings (`--env-config`, no `--data`), by name.
    public private(set) var settingsEnvironments: [String: SettingsEnvironment]

    public static let standard = EnvironmentCatalog(entries: [.marketing, .cartpole, .recogym],
                                                    dataEnvironments: ["reviews": { try .reviews($0) }],
                                                    settingsEnvironments: ["session": { try .session(settings: $0) }])

    public init(entries: [EnvironmentEntry], dataEnvironments: [String: DataEnvironment] = [:],
                settingsEnvironments: [String: SettingsEnvironment] = [:]) {
        self.entries = entries
        self.dataEnvironments = dataEnvironments
        self.settingsEnvironments = settingsEnvironments
    }

    public var names: [String] { entries.map(\.name) + settingsEnvironments.keys.sorted() + dataEnvironments.keys.sorted() }

    /// The entry called `name`, built from `data` for data-backed environments; throws an error
    /// listing the known names for an unknown one, and naming `--data` when it is missing or not wanted.
    public func entry(named name: String, data: EnvironmentData? = nil) throws -> EnvironmentEntry {
        if let make = settingsEnvironments[name] {
            if let data, data.hasDirectory {
                throw ExperimentError("--data: \(data.directory) is not valid with --env \(name); expected only --env-config FILE for its settings")
            }
            return try make(data?.settings)
        }
        if let make = dataEnvironments[name] {
            if let data, !data.hasDirectory {
                throw ExperimentError("--env-config: needs --data DIR with --env \(name); expected both, a dataset directory written by `recorl data prepare` and its settings")
            }
            guard let data else {
                throw ExperimentError("--env \(name): needs --data DIR; expected a dataset directory written by `recorl data prepare`")
            }
            return try make(data)
        }
        guard let entry = entries.first(where: { $0.name == name }) else {
            throw ExperimentError("--env: \"\(name)\" is not valid; expected one of \(names.joined(separator: ", "))")
        }
        if let data, !data.hasDirectory {
            throw ExperimentError("--env-config: not valid with --env \(name); expected it only with \((settingsEnvironments.keys.sorted() + dataEnvironments.keys.sorted()).joined(separator: ", "))")
        }
        if let data {
            throw ExperimentError("--data: \(data.directory) is not valid with --env \(name); expected it only with \(dataEnvironments.keys.sorted().joined(separator: ", "))")
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
