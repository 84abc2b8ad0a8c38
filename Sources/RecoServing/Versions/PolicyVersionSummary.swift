/// One policy version as `GET /v1/policies` lists it: its role, the share of users it answers and its
/// online reward so far.
public struct PolicyVersionSummary: Codable, Sendable, Equatable {
    /// The version label (`dqn-1f3a...`, `best-fixed:...`).
    public var version: String
    public var role: PolicyRole
    /// Share of the users it answers now (0 once retired; the shares of the answering versions add to 1).
    public var share: Double
    /// Decisions it made.
    public var decisions: Int
    /// Rewards counted for those decisions (joined, or the default reward at the window's end).
    public var rewards: Int
    /// Mean of those rewards; nil before the first.
    public var meanReward: Double?
    /// 95% normal interval of the mean, `[low, high]`; nil before two rewards.
    public var interval: [Double]?
    /// Why it has its role, when it changed (`promoted`, `rolled back: ...`).
    public var note: String?
}

/// The answer of `GET /v1/policies`.
public struct PolicyListResponse: Codable, Sendable, Equatable {
    /// Production first, then the candidate, the fallback and the retired versions (latest first).
    public var policies: [PolicyVersionSummary]
}

/// The body of `POST /v1/policies`: a checkpoint to roll out as the candidate, and its share.
public struct CandidateRequest: Decodable, Sendable {
    /// Path of the checkpoint on the server's file system.
    public var checkpoint: String
    /// Share of the users it answers, in (0, 1].
    public var share: Double
}

/// The body of `PATCH /v1/policies/{version}`: the candidate's new share.
public struct ShareRequest: Decodable, Sendable {
    /// Share of the users the candidate answers, in (0, 1].
    public var share: Double
}
