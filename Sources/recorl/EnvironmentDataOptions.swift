import ArgumentParser
import RecoExperiments

/// The flags of a data-backed environment (`--env reviews`), shared by the commands that build one.
struct EnvironmentDataOptions: ParsableArguments {
    @Option(help: "Prepared dataset directory (`recorl data prepare --out`) for --env reviews.") var data: String?
    @Option(help: "JSON file of reviews settings (any of historyLength, horizon, rewardWeight: binary|rating|sentiment, slateSize, heldOutShare, userSplitSeed).")
    var envConfig: String?

    func validate() throws {
        if let data { try Bounds.requirePath(data, flag: "--data") }
        if let envConfig {
            try Bounds.requirePath(envConfig, flag: "--env-config")
            guard data != nil else { throw ValidationError("--env-config: \(envConfig) needs --data DIR; expected both for --env reviews") }
        }
    }

    /// The data and settings the flags name (nil without `--data`).
    func read() throws -> EnvironmentData? {
        guard let data else { return nil }
        return try EnvironmentData.read(directory: data, settingsPath: envConfig)
    }
}
