import Foundation
import RecoEnvironments
import RecoTensor

/// Non-RL baselines of the `session` environment, fitted on training users' histories:
///
/// - `popularity` (no transfer): one list of the items most clicked by all training users;
/// - `groupTransfer` (collaborative behaviour transfer, the cold-start rule of the source): one list
///   per user group of the items most clicked by that group's training users, and a centroid per group
///   of its users' first-request context (device one-hot, time of day `sin`/`cos`) and of the
///   embeddings of its users' clicked items. A user, new or not, is assigned at every request to the
///   group maximising `-‖context - context_g‖² + interactionWeight · cos(m, m_g)`, `m` the sum of the
///   embeddings of the items the window shows clicked (carted, bought); with no clicks yet, by the
///   context alone. The user then gets the group's preferences.
///
/// Both recommend the first item of their list that the observation's window does not hold (so they do
/// not repeat what was just shown), deterministically (log-probability 0); scores are `.ranking`:
/// the list position's score `M - position` for listed items not in the window, 0 otherwise.
public final class SessionRecommender: Policy, @unchecked Sendable {
    /// What the recommender transfers.
    public enum Kind: String, Codable, Sendable { case popularity, groupTransfer = "group-transfer" }

    public let kind: Kind
    public let layout: SessionObservationLayout
    /// Items per list `M`.
    public let listLength: Int
    /// Weight of the interaction similarity in the group assignment.
    public let interactionWeight: Float
    /// Per list (one for popularity, one per group), its items best first.
    public let lists: [[Int32]]
    /// Per group, the context centroid (5 values) and the unit preference centroid (`E` values).
    public let contextCentroids: [[Float]], preferenceCentroids: [[Float]]
    private let catalogue: SessionCatalogue

    public var observationWidth: Int { layout.width }
    public var actionCount: Int { layout.itemCount }
    public var scoreKind: ActionScoreKind? { .ranking }

    /// Fits on the first observations of `users` training users: episodes `0..<users` of the set
    /// `seed` (users drawn by the environment's own rule, each reset on stream `k`), of which the
    /// returning ones bring their organic clicks; their groups are known (the platform's segments).
    /// Throws `SessionSettingsError` for `users < 1` or `listLength < 1`.
    public init(kind: Kind, world: SessionWorld, users: Int = 2_000, seed: UInt64 = 99, listLength: Int = 100,
                interactionWeight: Float = 2) throws {
        guard users >= 1 else { throw SessionSettingsError(field: "users", value: "\(users)", expected: "at least 1 training user") }
        guard listLength >= 1 else {
            throw SessionSettingsError(field: "listLength", value: "\(listLength)", expected: "at least 1 item")
        }
        self.kind = kind
        self.listLength = min(listLength, world.settings.items)
        self.interactionWeight = interactionWeight
        catalogue = world.catalogue
        var environment = SessionEnvironment(world: world)
        layout = environment.layout
        let groups = kind == .popularity ? 1 : world.settings.groups
        let width = catalogue.width
        var counts = [[Int: Int]](repeating: [:], count: groups)
        var contexts = [[Float]](repeating: [Float](repeating: 0, count: 5), count: groups)
        var preferences = [[Float]](repeating: [Float](repeating: 0, count: width), count: groups)
        var members = [Int](repeating: 0, count: groups)
        var observation = [Float](repeating: 0, count: layout.width)
        let layout = layout, catalogue = catalogue
        for k in 0..<users {
            var generator = RandomGenerator(seed: seed, stream: UInt64(k))
            observation.withUnsafeMutableBufferPointer { environment.reset(using: &generator, observation: $0) }
            let g = kind == .popularity ? 0 : environment.user.group
            members[g] += 1
            for j in 0..<5 { contexts[g][j] += observation[layout.contextOffset + j] }
            observation.withUnsafeBufferPointer { row in
                layout.forEachInteraction(row.baseAddress!) { item, event in
                    guard event != .impression else { return }
                    counts[g][item, default: 0] += 1
                    let e = catalogue.embedding(item)
                    for j in 0..<width { preferences[g][j] += e[j] }
                }
            }
        }
        lists = counts.map { table in
            table.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .prefix(listLength).map { Int32($0.key) }
        }
        contextCentroids = zip(contexts, members).map { sums, n in sums.map { $0 / Float(max(1, n)) } }
        preferenceCentroids = preferences.map { sums in
            var v = sums
            v.withUnsafeMutableBufferPointer { SessionVectors.normalize($0) }
            return v
        }
    }

    /// The list (group) the observation `row` is assigned to.
    public func assignedList(_ row: UnsafePointer<Float>) -> Int {
        guard lists.count > 1 else { return 0 }
        let width = catalogue.width
        var m = [Float](repeating: 0, count: width)
        var clicked = false
        layout.forEachInteraction(row) { item, event in
            guard event != .impression else { return }
            clicked = true
            let e = catalogue.embedding(item)
            for j in 0..<width { m[j] += e[j] }
        }
        if clicked { m.withUnsafeMutableBufferPointer { SessionVectors.normalize($0) } }
        var best = 0, bestScore = -Float.infinity
        for g in lists.indices {
            var distance: Float = 0
            for j in 0..<5 {
                let d = row[layout.contextOffset + j] - contextCentroids[g][j]
                distance += d * d
            }
            var score = -distance
            if clicked {
                var cosine: Float = 0
                for j in 0..<width { cosine += m[j] * preferenceCentroids[g][j] }
                score += interactionWeight * cosine
            }
            if score > bestScore { (best, bestScore) = (g, score) }
        }
        return best
    }

    private func inWindow(_ row: UnsafePointer<Float>, _ item: Int32) -> Bool {
        let id = Float(item)
        for slot in 0..<layout.windowLength where row[slot] == id { return true }
        return false
    }

    public func act(_ observations: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>,
                    logProbabilities: UnsafeMutableBufferPointer<Float>?, using generator: inout RandomGenerator) throws {
        try checkBatch(observations, actions: actions.count, logProbabilities: logProbabilities?.count)
        logProbabilities?.update(repeating: 0)
        for r in 0..<observations.rows {
            let row = UnsafePointer(observations.rowPointer(r))
            let list = lists[assignedList(row)]
            actions[r] = list.first(where: { !inWindow(row, $0) }) ?? list.first ?? 0
        }
    }

    public func scores(_ observations: MatrixView, into scores: MatrixView) throws {
        try checkScores(observations, scores)
        scores.fill(0)
        for r in 0..<observations.rows {
            let row = UnsafePointer(observations.rowPointer(r))
            for (position, item) in lists[assignedList(row)].enumerated() where !inWindow(row, item) {
                scores[r, Int(item)] = Float(listLength - position)
            }
        }
    }
}
