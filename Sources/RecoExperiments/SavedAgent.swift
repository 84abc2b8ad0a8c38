import Foundation
import RecoRL

/// Loading a checkpoint written by a training run, with errors that name the flag.
public enum SavedAgent {
    /// The agent saved at `path` (any registered algorithm) and the environment it was trained on,
    /// after checking that the two fit together. A data-backed environment is built over `dataset`
    /// when given, else over the data directory the checkpoint records, with the settings it records.
    public static func load(_ path: String, dataset: String? = nil, registry: AlgorithmRegistry = .standard,
                            catalog: EnvironmentCatalog = .standard) throws -> (agent: Agent, environment: EnvironmentEntry) {
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ExperimentError("--checkpoint: \(path) does not exist; expected a checkpoint written by recorl train")
        }
        let loaded: (agent: Agent, metadata: [String: String])
        do {
            loaded = try registry.load(from: url)
        } catch {
            throw ExperimentError("--checkpoint: \(error)")
        }
        let name = loaded.metadata[RunDirectory.environmentKey] ?? ""
        let environment: EnvironmentEntry
        if catalog.settingsEnvironments[name] != nil {
            environment = try catalog.entry(named: name, data: EnvironmentData(
                directory: "", settings: loaded.metadata[RunDirectory.environmentSettingsKey]))
        } else if catalog.dataEnvironments[name] != nil {
            guard let directory = dataset ?? loaded.metadata[RunDirectory.datasetKey] else {
                throw ExperimentError("--checkpoint: \(path) records environment \(name) without its data directory; expected --data DIR")
            }
            environment = try catalog.entry(named: name, data: EnvironmentData(
                directory: directory, settings: loaded.metadata[RunDirectory.environmentSettingsKey]))
        } else if let entry = catalog.entries.first(where: { $0.name == name }) {
            environment = entry
        } else {
            throw ExperimentError("--checkpoint: \(path) records environment \"\(name)\"; expected one of \(catalog.names.joined(separator: ", "))")
        }
        guard environment.actionNames.count == loaded.agent.actionCount else {
            throw ExperimentError("--checkpoint: \(path) has \(loaded.agent.actionCount) actions; \(name) has \(environment.actionNames.count)")
        }
        let observationWidth = environment.make(copies: 1).observationSpace.width
        guard observationWidth == loaded.agent.observationWidth else {
            throw ExperimentError("--checkpoint: \(path) takes observations of \(loaded.agent.observationWidth) values; \(name) has \(observationWidth)")
        }
        return (loaded.agent, environment)
    }
}
