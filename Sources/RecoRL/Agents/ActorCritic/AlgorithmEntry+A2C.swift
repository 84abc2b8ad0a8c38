extension AlgorithmEntry {
    /// Synchronous advantage actor-critic.
    public static let a2c = AlgorithmEntry(
        name: "a2c", summary: "synchronous advantage actor-critic (GAE, one step per rollout)", agent: A2CAgent.self)
}
