import Foundation
import RecoTensor

/// Something that picks actions for a batch of observations, and nothing more: no training, no
/// mutable state visible to callers.
///
/// Evaluation, off-policy estimators, servers and remote actors hold policies, never learners. A
/// policy is safe to call from several threads at once: implementations act through per-call or
/// pooled workspaces, never through a learner's training buffers, and accept batches of any size
/// (a batch larger than a workspace is processed in chunks). Randomness, for policies that explore,
/// comes only from the generator passed in.
///
/// Shapes: `B` observations of width `D` (`observationWidth`) in; `B` actions (indices in
/// `0..<actionCount`) out.
public protocol Policy: AnyObject, Sendable {
    /// Width `D` of one observation row.
    var observationWidth: Int { get }
    /// Number of discrete actions `A`.
    var actionCount: Int { get }
    /// What `scores` gives per action, or nil when the policy has no per-action scores.
    var scoreKind: ActionScoreKind? { get }

    /// Chooses one action per row of `observations` (`B x D`) into `actions` (`B` entries). When
    /// `logProbabilities` is given, its entry `i` receives `log P(actions[i] | observation i)` under
    /// this policy: the propensity that logging and off-policy evaluation need, for the action
    /// actually returned (after any exploration). Throws `PolicyError` for a batch of the wrong shape.
    func act(_ observations: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>,
             logProbabilities: UnsafeMutableBufferPointer<Float>?, using generator: inout RandomGenerator) throws

    /// Writes every action's score for every row of `observations` into `scores` (`B x A`): Q values
    /// or probabilities, as `scoreKind` says. Throws `PolicyError.noScores` when the policy has none.
    func scores(_ observations: MatrixView, into scores: MatrixView) throws

    /// Writes `P(a | observation)` under `act` for every action and row (`B x A`): the distribution
    /// `act` draws from, which off-policy estimators weigh logged actions by. The default is for
    /// deterministic policies: 1 for the action `act` returns (from a generator seeded 0), 0 for the
    /// others; exploring policies override it. (A greedy policy whose scores are probabilities acts
    /// deterministically, so its scores are not these probabilities.)
    func actionProbabilities(_ observations: MatrixView, into probabilities: MatrixView) throws
}

/// The meaning of a policy's per-action scores.
public enum ActionScoreKind: String, Sendable, Codable {
    /// Expected discounted return of taking the action (value-based agents).
    case qValue = "Q value"
    /// Probability that the policy picks the action (policy-based agents).
    case probability = "probability"
    /// A preference without a probabilistic meaning: higher is preferred (for example co-view counts).
    case ranking = "ranking score"
}

/// A batch a policy cannot act on.
public enum PolicyError: Error, Equatable, CustomStringConvertible {
    /// A buffer's shape does not fit the policy: `field` names it, `value` says what it was.
    case shapeMismatch(field: String, value: String, expected: String)
    /// The policy has no per-action scores.
    case noScores(policy: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(field, value, expected):
            return "\(field): \(value) is not valid; expected \(expected)"
        case let .noScores(policy):
            return "\(policy) has no per-action scores; expected a policy of a value or policy network"
        }
    }
}

extension Policy {
    public func scores(_ observations: MatrixView, into scores: MatrixView) throws {
        throw PolicyError.noScores(policy: String(describing: type(of: self)))
    }

    public func actionProbabilities(_ observations: MatrixView, into probabilities: MatrixView) throws {
        try deterministicActionProbabilities(observations, into: probabilities)
    }

    /// One-hot rows of the action `act` returns (from a generator seeded 0): `actionProbabilities` of a
    /// deterministic policy.
    public func deterministicActionProbabilities(_ observations: MatrixView, into probabilities: MatrixView) throws {
        try checkScores(observations, probabilities)
        var chosen = [Int32](repeating: 0, count: observations.rows)
        var generator = RandomGenerator(seed: 0)
        try chosen.withUnsafeMutableBufferPointer {
            try act(observations, into: $0, logProbabilities: nil, using: &generator)
        }
        probabilities.fill(0)
        for r in 0..<observations.rows { probabilities[r, Int(chosen[r])] = 1 }
    }

    /// Throws unless `observations` (`B x D`) and `actions` (`B` entries) fit this policy; the check
    /// every `act` starts with.
    public func checkBatch(_ observations: MatrixView, actions: Int, logProbabilities: Int?) throws {
        guard observations.columns == observationWidth else {
            throw PolicyError.shapeMismatch(field: "observations", value: "\(observations.columns) columns",
                                            expected: "\(observationWidth) (the policy's observation width)")
        }
        guard actions == observations.rows else {
            throw PolicyError.shapeMismatch(field: "actions", value: "\(actions) entries",
                                            expected: "\(observations.rows), one per observation")
        }
        if let logProbabilities, logProbabilities != observations.rows {
            throw PolicyError.shapeMismatch(field: "logProbabilities", value: "\(logProbabilities) entries",
                                            expected: "\(observations.rows), one per observation")
        }
    }

    /// Throws unless `scores` is `B x A` for the `B` rows of `observations`.
    public func checkScores(_ observations: MatrixView, _ scores: MatrixView) throws {
        guard observations.columns == observationWidth else {
            throw PolicyError.shapeMismatch(field: "observations", value: "\(observations.columns) columns",
                                            expected: "\(observationWidth) (the policy's observation width)")
        }
        guard scores.rows == observations.rows, scores.columns == actionCount else {
            throw PolicyError.shapeMismatch(field: "scores", value: "\(scores.rows)x\(scores.columns)",
                                            expected: "\(observations.rows)x\(actionCount)")
        }
    }
}

// Single observations, for embedders and explanations: plain arrays in, plain values out.
extension Policy {
    /// The action for one observation of `observationWidth` values, with its probability under the policy.
    public func decide(_ observation: [Float], using generator: inout RandomGenerator) throws -> (action: Int, probability: Float) {
        guard observation.count == observationWidth else {
            throw PolicyError.shapeMismatch(field: "observation", value: "\(observation.count) values",
                                            expected: "\(observationWidth)")
        }
        let row = Matrix(rows: 1, columns: observationWidth, values: observation)
        var action: Int32 = 0
        var logProbability: Float = 0
        try withUnsafeMutablePointer(to: &action) { actionPointer in
            try withUnsafeMutablePointer(to: &logProbability) { logPointer in
                try act(row.view, into: UnsafeMutableBufferPointer(start: actionPointer, count: 1),
                        logProbabilities: UnsafeMutableBufferPointer(start: logPointer, count: 1), using: &generator)
            }
        }
        withExtendedLifetime(row) {}
        return (Int(action), logProbability.isFinite ? exp(logProbability) : 0)
    }

    /// The action for one observation. Deterministic (greedy) policies need no generator; an
    /// exploring policy draws from a generator seeded 0 on every call, so pass one to
    /// `decide(_:using:)` instead when the draws matter.
    public func action(for observation: [Float]) throws -> Int {
        var generator = RandomGenerator(seed: 0)
        return try decide(observation, using: &generator).action
    }

    /// Every action's score for one observation (`A` values; see `scoreKind`).
    public func scores(for observation: [Float]) throws -> [Float] {
        guard observation.count == observationWidth else {
            throw PolicyError.shapeMismatch(field: "observation", value: "\(observation.count) values",
                                            expected: "\(observationWidth)")
        }
        let row = Matrix(rows: 1, columns: observationWidth, values: observation)
        let output = Matrix(rows: 1, columns: actionCount)
        try scores(row.view, into: output.view)
        return withExtendedLifetime(row) { output.toArray() }
    }
}
