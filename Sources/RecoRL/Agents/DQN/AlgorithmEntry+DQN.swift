extension AlgorithmEntry {
    /// Deep Q-Networks with the Double, dueling, n-step and prioritized switches.
    public static let dqn = AlgorithmEntry(
        name: "dqn", summary: "Deep Q-Network (Double, dueling, n-step, prioritized switches)",
        configuration: DQNConfiguration.self, metrics: [.meanQ],
        make: { configuration, spaces, generator in try DQNAgent(configuration: configuration, spaces: spaces, generator: &generator) },
        load: { checkpoint, path in try DQNAgent(checkpoint: checkpoint, path: path) })
}
