extension AlgorithmEntry {
    /// Soft Actor-Critic for discrete actions.
    public static let sac = AlgorithmEntry(
        name: "sac", summary: "discrete Soft Actor-Critic (twin critics, tuned temperature)", agent: SACAgent.self)
}
