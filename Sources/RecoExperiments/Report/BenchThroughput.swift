import Foundation

/// The throughput curves of a `recorl-bench --json FILE` report: for each measured part, updates (or
/// steps) per second against the catalogue size (the action count A).
///
/// Of the benchmark's JSON only these fields are read (every other field is ignored, and each section
/// is optional, as `--parts` may leave it out):
/// - `mlpStep`: `[{"actions": A, "stepsPerSecond": s}]` (the MLP training step),
/// - `dqnUpdate`: `[{"actions": A, "updateSeconds": t, "peerSeconds": p?}]`,
/// - `actorCriticUpdate`: `[{"algorithm": "a2c" | "ppo" | "sac", "actions": A, "updateSeconds": t, "peerSeconds": p?}]`,
/// where `peerSeconds` is PyTorch's time for the same update on the same machine, when it was measured.
public struct BenchThroughput {
    /// One curve: its name and `(actions, per second)` points in increasing action count.
    public struct Series: Equatable {
        /// The part measured, e.g. "DQN update" or "DQN update (PyTorch)".
        public var name: String
        /// `x` the action count, `y` updates (or steps) per second.
        public var points: [SVGPlot.Point]
        /// Whether the points are a peer library's (PyTorch's) rather than the engine's.
        public var isPeer: Bool
    }

    /// The curves in the file's order: MLP step, DQN, then each actor-critic algorithm, each engine
    /// curve followed by its peer's when present.
    public var series: [Series]

    struct File: Decodable {
        struct Step: Decodable { var actions: Int; var stepsPerSecond: Double }
        struct Update: Decodable { var algorithm: String?; var actions: Int; var updateSeconds: Double; var peerSeconds: Double? }
        var mlpStep: [Step]?
        var dqnUpdate: [Update]?
        var actorCriticUpdate: [Update]?
    }

    /// The curves in the benchmark report at `path`.
    static func read(_ path: String) throws -> BenchThroughput {
        let expected = "the JSON that recorl-bench --json writes"
        guard FileManager.default.fileExists(atPath: path) else {
            throw ExperimentError("--bench: \(path) does not exist; expected \(expected)")
        }
        let file = try ReportJSON.decode(File.self, path: path, flag: "--bench", expected: expected)
        var series: [Series] = []
        func add(_ name: String, _ points: [(Int, Double)], peer: Bool, field: String) throws {
            for (index, point) in points.enumerated() where !(point.0 > 0 && point.1.isFinite && point.1 > 0) {
                throw ExperimentError("\(path), field \(field)[\(index)]: actions \(point.0), throughput \(point.1) is not valid; "
                                      + "expected a positive action count and a positive finite time or rate")
            }
            guard !points.isEmpty else { return }
            series.append(Series(name: name, points: points.sorted { $0.0 < $1.0 }.map { SVGPlot.Point(x: Double($0.0), y: $0.1) },
                                 isPeer: peer))
        }
        try add("MLP training step", (file.mlpStep ?? []).map { ($0.actions, $0.stepsPerSecond) }, peer: false, field: "mlpStep")
        var groups: [(name: String, field: String, updates: [Update])] = []
        if let dqn = file.dqnUpdate { groups.append(("DQN update", "dqnUpdate", dqn)) }
        for update in file.actorCriticUpdate ?? [] {
            let name = "\((update.algorithm ?? "actor-critic").uppercased()) update"
            if let index = groups.firstIndex(where: { $0.name == name }) { groups[index].updates.append(update) } else {
                groups.append((name, "actorCriticUpdate", [update]))
            }
        }
        for group in groups {
            try add(group.name, group.updates.map { ($0.actions, 1 / $0.updateSeconds) }, peer: false, field: group.field)
            try add(group.name + " (PyTorch)", group.updates.compactMap { update in update.peerSeconds.map { (update.actions, 1 / $0) } },
                    peer: true, field: group.field)
        }
        return BenchThroughput(series: series)
    }

    typealias Update = File.Update
}
