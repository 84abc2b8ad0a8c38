import Foundation
import RecoEnvironments
import RecoTensor

/// Logs a policy recommending to RecoGym users, as the rows of RecoGym's `generate_logs` (organic views
/// and impressions with their clicks and propensities), ready for `RecoGymLog.write` and `recorl ope`.
public enum RecoGymLogging {
    /// Runs users `0..<users` of the episode set `seed` (user `k` draws from
    /// `RandomGenerator(seed: seed, stream: k)`, as `VectorEnvironment.startEpisode` gives it, so these
    /// are the users `PolicyLogging.log(_:on:episodes:seed:generator:)` logs) in `environment`'s world,
    /// `batch` users side by side, with `policy` choosing every impression (its draws from
    /// `generator`). Rows come user by user, in time order; `ps` is the policy's probability of the
    /// action shown, `ps-a` is left out. No phantom impression is added after a user leaves.
    ///
    /// Throws `PolicyError` for a policy that does not fit the environment's observations and
    /// actions, `LoggedDataError.invalid` for `users < 1` or a propensity outside (0, 1].
    public static func log(_ policy: Policy, in environment: RecoGymEnvironment, users: Int, seed: UInt64,
                           batch: Int = 64, generator: inout RandomGenerator) throws -> [RecoGymLogRow] {
        guard users >= 1 else {
            throw LoggedDataError.invalid(field: "users", value: "\(users)", expected: "at least 1")
        }
        let width = environment.observationSpace.width
        let batch = max(1, min(batch, users))
        var rows: [RecoGymLogRow] = []
        var first = 0
        var observations = Matrix(rows: batch, columns: width)
        var actions = [Int32](repeating: 0, count: batch)
        var logProbabilities = [Float](repeating: 0, count: batch)
        while first < users {
            let count = min(batch, users - first)
            if count != observations.rows { observations = Matrix(rows: count, columns: width) }
            var copies = [RecoGymEnvironment](repeating: environment, count: count)
            var generators = (0..<count).map { RandomGenerator(seed: seed, stream: UInt64(first + $0)) }
            var userRows = [[RecoGymLogRow]](repeating: [], count: count)
            var active = Array(0..<count)
            for i in 0..<count {
                copies[i].reset(using: &generators[i], observation: observationRow(observations, i))
                append(copies[i].eventsSinceLastAction, user: first + i, to: &userRows[i])
            }
            while !active.isEmpty {
                try actions.withUnsafeMutableBufferPointer { actionBuffer in
                    try logProbabilities.withUnsafeMutableBufferPointer { logBuffer in
                        try policy.act(observations.view, into: UnsafeMutableBufferPointer(rebasing: actionBuffer[0..<count]),
                                       logProbabilities: UnsafeMutableBufferPointer(rebasing: logBuffer[0..<count]), using: &generator)
                    }
                }
                var stillActive: [Int] = []
                for i in active {
                    let propensity = min(1, exp(Double(logProbabilities[i])))
                    guard propensity > 0, propensity.isFinite else {
                        throw LoggedDataError.invalid(field: "logProbabilities[\(i)]", value: "\(logProbabilities[i])",
                                                      expected: "the log-probability of the chosen action, so that its exp is in (0, 1]")
                    }
                    let outcome = withUnsafePointer(to: actions[i]) {
                        copies[i].step(UnsafeBufferPointer(start: $0, count: 1), using: &generators[i],
                                       observation: observationRow(observations, i))
                    }
                    for event in copies[i].eventsSinceLastAction {
                        userRows[i].append(event.kind == .bandit
                            ? .bandit(time: Double(event.time), user: first + i, action: event.product,
                                      click: event.click ? 1 : 0, propensity: propensity)
                            : .organic(time: Double(event.time), user: first + i, product: event.product))
                    }
                    if !outcome.terminated { stillActive.append(i) }
                }
                active = stillActive
            }
            for i in 0..<count { rows.append(contentsOf: userRows[i]) }
            first += count
        }
        return rows
    }

    private static func append(_ events: [RecoGymEvent], user: Int, to rows: inout [RecoGymLogRow]) {
        for event in events where event.kind == .organic {
            rows.append(.organic(time: Double(event.time), user: user, product: event.product))
        }
    }

    private static func observationRow(_ matrix: Matrix, _ row: Int) -> UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: matrix.view.rowPointer(row), count: matrix.columns)
    }
}
