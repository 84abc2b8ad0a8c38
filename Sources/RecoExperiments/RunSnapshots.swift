import Foundation
import RecoRL

/// What a run directory records of its run, so `--resume` rebuilds the same run.
public struct RunRecord: Codable, Equatable {
    public var environment: String
    public var algorithm: String
    public var copies: Int
    public var seed: UInt64
    public var steps: Int
    public var evaluationInterval: Int
    public var evaluationEpisodes: Int
    public var snapshotInterval: Int
    /// What a data-backed environment was built from (nil for simulators and older runs).
    public var data: EnvironmentData?
}

/// The resumable state of a run in its directory: `snapshot/` holds the agent's checkpoint, its replay
/// (off-policy agents) and the trainer's state, all from the same moment.
///
/// A snapshot is written into `snapshot.partial/` and then swapped in by renames (`snapshot` to
/// `snapshot.old`, `snapshot.partial` to `snapshot`, then `snapshot.old` removed), so a kill at any
/// moment leaves one complete snapshot: `snapshot/`, or `snapshot.old/` when the kill fell between the
/// two renames.
public final class RunSnapshots: TrainingSnapshotWriter {
    public let interval: Int
    public let directory: URL
    private let metadata: [String: String]
    private let beforeWriting: () throws -> Void

    static let checkpointName = "checkpoint.safetensors", replayName = "replay.bin", stateName = "state.plist"

    /// `beforeWriting` runs first at every snapshot: for logs that buffer rows, so those of the
    /// snapshot's steps are on disk when it is.
    public init(directory: RunDirectory, interval: Int, metadata: [String: String],
                beforeWriting: @escaping () throws -> Void = {}) {
        self.directory = directory.url
        self.interval = max(1, interval)
        self.metadata = metadata
        self.beforeWriting = beforeWriting
    }

    var current: URL { directory.appendingPathComponent("snapshot") }
    var partial: URL { directory.appendingPathComponent("snapshot.partial") }
    var old: URL { directory.appendingPathComponent("snapshot.old") }

    public func write(agent: Agent, state: TrainingState) throws {
        try beforeWriting()
        let files = FileManager.default
        try? files.removeItem(at: partial)
        try files.createDirectory(at: partial, withIntermediateDirectories: true)
        try agent.save(to: partial.appendingPathComponent(RunSnapshots.checkpointName), metadata: metadata)
        try (agent as? OffPolicyLearner)?.replay.write(to: partial.appendingPathComponent(RunSnapshots.replayName))
        let encoder = PropertyListEncoder()
        encoder.outputFormat = .binary
        try encoder.encode(state).write(to: partial.appendingPathComponent(RunSnapshots.stateName), options: .atomic)
        try? files.removeItem(at: old)
        if files.fileExists(atPath: current.path) { try files.moveItem(at: current, to: old) }
        try files.moveItem(at: partial, to: current)
        try? files.removeItem(at: old)
    }

    /// The newest complete snapshot in `directory`: its agent (any registered algorithm, replay
    /// restored) and trainer state.
    public static func load(from directory: URL, registry: AlgorithmRegistry) throws -> (agent: Agent, state: TrainingState) {
        let files = FileManager.default
        let candidates = ["snapshot", "snapshot.old"].map { directory.appendingPathComponent($0) }
        guard let folder = candidates.first(where: {
            files.fileExists(atPath: $0.appendingPathComponent(stateName).path)
        }) else {
            throw ExperimentError("--resume: \(directory.path) holds no snapshot; expected the --out directory of a run started by recorl train")
        }
        do {
            let (agent, _) = try registry.load(from: folder.appendingPathComponent(checkpointName))
            if let learner = agent as? OffPolicyLearner {
                try learner.replay.read(from: folder.appendingPathComponent(replayName))
            }
            let state = try PropertyListDecoder().decode(TrainingState.self,
                                                         from: Data(contentsOf: folder.appendingPathComponent(stateName)))
            return (agent, state)
        } catch let error as ExperimentError {
            throw error
        } catch {
            throw ExperimentError("--resume: the snapshot in \(folder.path) cannot be read (\(error))")
        }
    }
}
