extension AlgorithmEntry {
    /// Proximal policy optimisation.
    public static let ppo = AlgorithmEntry(
        name: "ppo", summary: "proximal policy optimisation (clipped surrogate, minibatch epochs)", agent: PPOAgent.self)
}
