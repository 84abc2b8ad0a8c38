import Foundation
import RecoEnvironments
import RecoNetworks
import RecoTensor

/// Everything the rest of the engine needs to know about one algorithm: its name, configuration type,
/// how to build an agent from an environment's spaces, how to load one from a checkpoint, and the
/// metrics its updates report. The command line, `compare`, `evaluate`, checkpoint loading and the
/// metrics files all read these entries, so an algorithm is its own files plus one registry line.
public struct AlgorithmEntry: @unchecked Sendable {
    /// The registry name (`dqn`), as given to `--algo` and written in checkpoints.
    public let name: String
    /// A line for help texts.
    public let summary: String
    /// The metrics every update reports, in column order (after the ones every run has).
    public let metrics: [Metric]
    /// Deep RL agent or contextual-bandit baseline (`compare` defaults to the deep RL ones).
    public let family: AlgorithmFamily
    /// The configuration type's name (for messages).
    public let configurationTypeName: String
    private let defaults: () -> AlgorithmConfiguration
    private let decoder: (Data) throws -> AlgorithmConfiguration
    private let maker: (AlgorithmConfiguration, EnvironmentSpaces, inout RandomGenerator) throws -> Agent
    private let loader: (Checkpoint, String) throws -> Agent

    /// An entry whose configuration is `C`; `make` builds a fresh agent, `load` rebuilds one from a
    /// checkpoint read at a path (for messages).
    public init<C: AlgorithmConfiguration>(
        name: String, summary: String, configuration: C.Type, metrics: [Metric], family: AlgorithmFamily = .deepRL,
        make: @escaping (C, EnvironmentSpaces, inout RandomGenerator) throws -> Agent,
        load: @escaping (Checkpoint, String) throws -> Agent
    ) {
        self.name = name
        self.summary = summary
        self.metrics = metrics
        self.family = family
        configurationTypeName = String(describing: C.self)
        defaults = { C() }
        decoder = { try JSONDecoder().decode(C.self, from: $0) }
        maker = { configuration, spaces, generator in
            guard let typed = configuration as? C else {
                throw ConfigurationError(field: "configuration", value: String(describing: type(of: configuration)),
                                         expected: "a \(C.self) for \(name)")
            }
            return try make(typed, spaces, &generator)
        }
        loader = load
    }

    /// The algorithm's default configuration.
    public func defaultConfiguration() -> AlgorithmConfiguration { defaults() }

    /// A configuration from a JSON object of its fields (missing fields keep their defaults; unknown
    /// fields and wrong types throw `ConfigurationError` or `DecodingError`).
    public func decodeConfiguration(_ json: Data) throws -> AlgorithmConfiguration { try decoder(json) }

    /// A fresh agent for `spaces` (the configuration is validated first, against `spaces.copies` too).
    public func makeAgent(_ configuration: AlgorithmConfiguration, spaces: EnvironmentSpaces,
                          generator: inout RandomGenerator) throws -> Agent {
        try configuration.validate(copies: spaces.copies)
        return try maker(configuration, spaces, &generator)
    }

    /// The agent saved in `checkpoint` (read from `path`).
    public func loadAgent(from checkpoint: Checkpoint, path: String) throws -> Agent { try loader(checkpoint, path) }
}

/// What kind of learner an algorithm is.
public enum AlgorithmFamily: String, Sendable, Codable {
    /// A deep RL agent trained online on returns (DQN, A2C, PPO, SAC).
    case deepRL
    /// A contextual-bandit model learned from logged impressions or online (the RecoGym baselines).
    case bandit
}

/// The algorithms an engine knows, by name. `standard` holds the built-in ones; an embedder or a test
/// adds its own with `register` on a copy and passes that copy on.
public struct AlgorithmRegistry: Sendable {
    /// The entries, in registration order.
    public private(set) var entries: [AlgorithmEntry]

    /// The built-in algorithms: one line each.
    public static let standard = AlgorithmRegistry(unchecked: [
        .dqn,
        .a2c,
        .ppo,
        .sac,
        .random,
        .organicCount,
        .userCount,
        .banditCount,
        .likelihood,
        .logisticIPS,
        .linUCB,
        .thompson,
        .neuralIPS,
        .nextView,
    ])

    private init(unchecked entries: [AlgorithmEntry]) { self.entries = entries }

    /// A registry of `entries` (names must be distinct).
    public init(_ entries: [AlgorithmEntry]) throws {
        self.entries = []
        for entry in entries { try register(entry) }
    }

    /// Adds `entry`; throws when its name is taken.
    public mutating func register(_ entry: AlgorithmEntry) throws {
        guard !names.contains(entry.name) else {
            throw ConfigurationError(field: "algorithm", value: entry.name, expected: "a name not yet registered (\(names.joined(separator: ", ")))")
        }
        entries.append(entry)
    }

    /// The registered names, in order.
    public var names: [String] { entries.map(\.name) }

    /// The names of one family, in order.
    public func names(of family: AlgorithmFamily) -> [String] { entries.filter { $0.family == family }.map(\.name) }

    /// The entry called `name`; throws an error listing the known names otherwise.
    public func entry(named name: String) throws -> AlgorithmEntry {
        guard let entry = entries.first(where: { $0.name == name }) else {
            throw ConfigurationError(field: "algorithm", value: name, expected: "one of \(names.joined(separator: ", "))")
        }
        return entry
    }

    /// Rebuilds the agent saved at `url` by the algorithm its metadata records, with the file's metadata.
    public func load(from url: URL) throws -> (agent: Agent, metadata: [String: String]) {
        let checkpoint = try Checkpoint.read(from: url)
        let name = checkpoint.metadata[AgentMetadataKey.algorithm] ?? "nothing"
        guard let entry = entries.first(where: { $0.name == name }) else {
            throw CheckpointError.invalidField(path: url.path, field: "__metadata__.algorithm", value: name,
                                               expected: "one of \(names.joined(separator: ", "))")
        }
        return (try entry.loadAgent(from: checkpoint, path: url.path), checkpoint.metadata)
    }
}

/// An agent the registry can build by type: from a configuration and an environment's spaces, or from
/// a checkpoint. Conforming gives the agent `init(configuration:for:generator:)` and an
/// `AlgorithmEntry(name:summary:agent:)` without further code.
public protocol RegisteredAgent: Agent {
    associatedtype Configuration: AlgorithmConfiguration
    /// The metrics every update reports, in column order.
    static var metrics: [Metric] { get }
    /// A fresh agent for environments of `spaces`, its networks initialised from `generator`.
    init(configuration: Configuration, spaces: EnvironmentSpaces, generator: inout RandomGenerator) throws
    /// The agent saved in `checkpoint` (read from `path`, for messages).
    init(checkpoint: Checkpoint, path: String) throws
}

extension RegisteredAgent {
    /// A fresh agent for `environment`'s spaces and copies.
    public init(configuration: Configuration = Configuration(), for environment: BatchedEnvironment,
                generator: inout RandomGenerator) throws {
        try self.init(configuration: configuration, spaces: EnvironmentSpaces(environment), generator: &generator)
    }
}

extension AlgorithmEntry {
    /// The entry of a `RegisteredAgent` type (its metrics are the type's).
    public init<A: RegisteredAgent>(name: String, summary: String, agent: A.Type, family: AlgorithmFamily = .deepRL) {
        self.init(name: name, summary: summary, configuration: A.Configuration.self, metrics: A.metrics, family: family,
                  make: { configuration, spaces, generator in try A(configuration: configuration, spaces: spaces, generator: &generator) },
                  load: { checkpoint, path in try A(checkpoint: checkpoint, path: path) })
    }
}
