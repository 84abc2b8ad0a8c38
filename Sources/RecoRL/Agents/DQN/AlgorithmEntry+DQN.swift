extension AlgorithmEntry {
    /// Deep Q-Networks with the Double, dueling, n-step and prioritized switches.
    public static let dqn = AlgorithmEntry(
        name: "dqn", summary: "Deep Q-Network (Double, dueling, n-step, prioritized switches)", agent: DQNAgent.self)
}
