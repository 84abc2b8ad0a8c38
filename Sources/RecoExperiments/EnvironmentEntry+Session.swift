import Foundation
import RecoEnvironments
import RecoRL
import RecoSimulators

extension EnvironmentEntry {
    /// The `session` simulator (docs/session.md) with the `SessionSettings` fields `settings` gives (a
    /// JSON object as text, from `--env-config`; the others keep their defaults). One world (catalogue
    /// and groups) is built and shared by every copy; the entry records the settings so a checkpoint
    /// rebuilds the same world. Errors are one line naming the setting.
    public static func session(settings text: String?) throws -> EnvironmentEntry {
        var settings = SessionSettings()
        do {
            if let text { settings = try SessionSettings.decode(json: text) }
            try settings.validate()
        } catch let error as SessionSettingsError {
            throw ExperimentError("--env-config: \(error)")
        }
        let world = try SessionWorld(settings: settings)
        return EnvironmentEntry(
            name: "session", actionNames: (0..<settings.items).map { "item \($0)" },
            presets: ["dqn": DQNConfiguration.session], trainingSteps: ["dqn": 60_000], defaultSteps: 100_000,
            data: EnvironmentData(directory: "", settings: text),
            episodeMetricsTable: { policies, episodes in
                SessionMetricsTable.format(try SessionMetricsTable.reports(world, policies: policies, episodes: episodes),
                                           episodes: episodes)
            },
            make: { copies in VectorEnvironment(copies: copies) { _ in SessionEnvironment(world: world) } })
    }
}
