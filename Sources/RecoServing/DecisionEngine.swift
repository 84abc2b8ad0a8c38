import Foundation
import RecoEnvironments
import RecoTensor

/// Why the fallback policy answered instead of the model.
public enum FallbackReason: String, Error, Sendable {
    /// The model threw.
    case modelError = "model_error"
    /// The model had not answered within the latency budget.
    case latencyBudget = "latency_budget"
}

/// One decision: the action, its propensity and the policy that made it.
public struct Decision: Sendable {
    /// Index of the chosen action.
    public var action: Int
    /// Probability of the action under the policy that chose it.
    public var propensity: Float
    /// Every action's score, when asked for and the policy has scores.
    public var scores: [Float]?
    /// The recommended list when one was asked for: `action` first, then the other actions by score.
    public var slate: [Int]?
    /// Which policy answered: the model, or the fallback and why.
    public var fallbackReason: FallbackReason?
    /// The policy that answered.
    public var served: ServedPolicy
}

/// Decides with a model policy under a latency budget, and with the fallback policy when the model
/// throws or is late.
///
/// The model acts on a batch of one row on a worker thread (a `DispatchQueue`), through a pooled
/// workspace; if it has not answered within the budget the fallback's answer is returned at once and
/// the model's late answer is discarded. Randomness (for exploring policies) comes from a generator
/// made for the decision: stream `stream` of the engine's seed.
public final class DecisionEngine: Sendable {
    /// The policy the service starts with as production (`PolicyVersions` says which answers now).
    public let model: ServedPolicy
    /// The policy that answers when the model throws or is late.
    public let fallback: ServedPolicy
    /// The longest the model may take.
    public let latencyBudget: Duration
    private let seed: UInt64
    private let workspaces: WorkspacePool
    private let queue = DispatchQueue(label: "RecoServing.model", attributes: .concurrent)
    private let watchdog = LatencyWatchdog()

    /// An engine over `model` and `fallback`; throws `PolicyError.shapeMismatch` unless the two take the
    /// same observations and actions.
    public init(model: ServedPolicy, fallback: ServedPolicy, latencyBudget: Duration, seed: UInt64 = 0) throws {
        guard fallback.policy.observationWidth == model.policy.observationWidth,
              fallback.policy.actionCount == model.policy.actionCount else {
            throw PolicyError.shapeMismatch(
                field: "fallback", value: "\(fallback.policy.observationWidth) features, \(fallback.policy.actionCount) actions",
                expected: "\(model.policy.observationWidth) features, \(model.policy.actionCount) actions, as the model")
        }
        self.model = model
        self.fallback = fallback
        self.latencyBudget = latencyBudget
        self.seed = seed
        workspaces = WorkspacePool(observationWidth: model.policy.observationWidth, actionCount: model.policy.actionCount)
    }

    deinit { watchdog.stop() }

    /// Width of the observations both policies take.
    public var observationWidth: Int { model.policy.observationWidth }

    /// The decision of `served` (any version taking the model's observations and actions) for
    /// `features` (`observationWidth` finite values, checked by the caller), with every action's score
    /// when `explain`, and a list of `slate` items (1 to the number of actions, checked by the caller)
    /// when given. Throws only when the fallback itself throws.
    public func decide(_ features: [Float], with served: ServedPolicy, explain: Bool, slate: Int? = nil,
                       stream: UInt64) async throws -> Decision {
        if served.version == fallback.version {
            return try choose(fallback, features, explain: explain, slate: slate, stream: stream)
        }
        switch await decideWithModel(served, features, explain: explain, slate: slate, stream: stream) {
        case let .success(decision):
            return decision
        case let .failure(reason):
            var decision = try choose(fallback, features, explain: explain, slate: slate, stream: stream)
            decision.fallbackReason = reason
            return decision
        }
    }

    private func decideWithModel(_ model: ServedPolicy, _ features: [Float], explain: Bool, slate: Int?,
                                 stream: UInt64) async -> Result<Decision, FallbackReason> {
        let answer = Once<Result<Decision, FallbackReason>>()
        return await withCheckedContinuation { continuation in
            answer.onFirst = { continuation.resume(returning: $0) }
            queue.async { [self] in
                do {
                    answer.offer(.success(try choose(model, features, explain: explain, slate: slate, stream: stream)))
                } catch {
                    answer.offer(.failure(.modelError))
                }
            }
            let budget = latencyBudget.components
            let nanoseconds = Int(min(budget.seconds, 1 << 30)) * 1_000_000_000 + Int(budget.attoseconds / 1_000_000_000)
            watchdog.watch(until: .now() + .nanoseconds(nanoseconds), answered: { answer.isDone }) {
                answer.offer(.failure(.latencyBudget))
            }
        }
    }

    /// The decision of `served` for `features`, on the calling thread and with no budget: what a worker
    /// runs. Once warm it allocates nothing but the returned scores (when `explain`) and slate.
    func choose(_ served: ServedPolicy, _ features: [Float], explain: Bool, slate: Int? = nil, stream: UInt64) throws -> Decision {
        guard features.count == served.policy.observationWidth else {
            throw PolicyError.shapeMismatch(field: "features", value: "\(features.count) values",
                                            expected: "\(served.policy.observationWidth) (the policy's observation width)")
        }
        return try workspaces.withWorkspace { workspace in
            let row = workspace.observation.view
            features.withUnsafeBufferPointer { row.base.update(from: $0.baseAddress!, count: features.count) }
            var generator = RandomGenerator(seed: seed, stream: stream)
            try served.policy.act(row, into: workspace.action, logProbabilities: workspace.logProbability, using: &generator)
            var scores: [Float]?
            if explain || slate != nil, served.policy.scoreKind != nil {
                try served.policy.scores(row, into: workspace.scores.view)
                scores = workspace.scores.toArray()
                // Extreme (finite) features can overflow a network: a model whose scores are not finite
                // has failed for this request, and the fallback answers.
                if let bad = scores?.firstIndex(where: { !$0.isFinite }) {
                    throw PolicyError.shapeMismatch(field: "scores[\(bad)]", value: "\(scores![bad])", expected: "finite scores")
                }
            }
            let action = Int(workspace.action[0])
            guard (0..<served.policy.actionCount).contains(action) else {
                throw PolicyError.shapeMismatch(field: "action", value: "\(action)",
                                                expected: "an index in 0..<\(served.policy.actionCount)")
            }
            let logProbability = workspace.logProbability[0]
            return Decision(action: action, propensity: logProbability.isFinite ? exp(logProbability) : 0,
                            scores: explain ? scores : nil,
                            slate: slate.map { Self.slate(of: $0, first: action, scores: scores, actionCount: served.policy.actionCount) },
                            fallbackReason: nil, served: served)
        }
    }
}

extension DecisionEngine {
    /// `count` distinct actions: `first`, then the others by descending `scores` (ties to the lower
    /// index), or in index order without scores.
    static func slate(of count: Int, first: Int, scores: [Float]?, actionCount: Int) -> [Int] {
        var others = Array(0..<actionCount).filter { $0 != first }
        if let scores {
            others.sort { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        }
        return [first] + others.prefix(max(0, count - 1))
    }
}

/// The first of several offered values, handed to `onFirst` once; later offers are dropped. Thread-safe.
private final class Once<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    var onFirst: (Value) -> Void = { _ in }

    /// Whether a value has been offered.
    var isDone: Bool { lock.withLock { done } }

    func offer(_ value: Value) {
        let first = lock.withLock {
            defer { done = true }
            return !done
        }
        if first { onFirst(value) }
    }
}
