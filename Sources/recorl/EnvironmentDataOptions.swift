import ArgumentParser
import RecoExperiments

/// The flags of a data-backed environment (`--env reviews`) or a configurable simulator (`--env
/// session`), shared by the commands that build one.
struct EnvironmentDataOptions: ParsableArguments {
    @Option(help: "Prepared dataset directory (`recorl data prepare --out`) for --env reviews.") var data: String?
    @Option(help: "JSON file of the environment's settings: for reviews any of historyLength, horizon, rewardWeight: binary|rating|sentiment, slateSize, heldOutShare, userSplitSeed; for session any setting of docs/session.md (items, slateSize, diversityPenalty, ...).")
    var envConfig: String?

    func validate() throws {
        if let data { try Bounds.requirePath(data, flag: "--data") }
        if let envConfig { try Bounds.requirePath(envConfig, flag: "--env-config") }
    }

    /// The data and settings the flags name (nil with neither; an empty directory with only
    /// `--env-config`, for simulators configured by settings; the catalogue checks which the
    /// environment takes).
    func read() throws -> EnvironmentData? {
        guard data != nil || envConfig != nil else { return nil }
        return try EnvironmentData.read(directory: data ?? "", settingsPath: envConfig)
    }
}
