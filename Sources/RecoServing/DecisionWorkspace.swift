import Foundation
import RecoTensor

/// The buffers of one decision: a 1-row observation matrix, its action, log-probability and scores,
/// allocated once and reused through a `WorkspacePool`.
final class DecisionWorkspace {
    let observation: Matrix
    let scores: Matrix
    let action = UnsafeMutableBufferPointer<Int32>.allocate(capacity: 1)
    let logProbability = UnsafeMutableBufferPointer<Float>.allocate(capacity: 1)

    init(observationWidth: Int, actionCount: Int) {
        observation = Matrix(rows: 1, columns: observationWidth)
        scores = Matrix(rows: 1, columns: actionCount)
    }

    deinit {
        action.deallocate()
        logProbability.deallocate()
    }
}

/// Workspaces handed out one per decision in flight and taken back after it (a new one only when all
/// are busy), so the request path allocates no engine buffers once warm. Thread-safe.
final class WorkspacePool: @unchecked Sendable {
    private let observationWidth: Int
    private let actionCount: Int
    private let lock = NSLock()
    private var free: [DecisionWorkspace] = []

    init(observationWidth: Int, actionCount: Int) {
        self.observationWidth = observationWidth
        self.actionCount = actionCount
    }

    /// Runs `body` with a workspace of its own.
    func withWorkspace<Result>(_ body: (DecisionWorkspace) throws -> Result) rethrows -> Result {
        let workspace = lock.withLock { free.popLast() }
            ?? DecisionWorkspace(observationWidth: observationWidth, actionCount: actionCount)
        defer { lock.withLock { free.append(workspace) } }
        return try body(workspace)
    }
}
