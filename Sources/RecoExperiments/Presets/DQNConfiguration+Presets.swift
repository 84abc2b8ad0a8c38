import RecoRL

extension DQNConfiguration {
    /// Settings for the marketing environment: the defaults (a good policy in a few seconds).
    public static var marketing: DQNConfiguration { DQNConfiguration() }

    /// Settings for cart-pole, after the tuned Stable-Baselines3 zoo values (rounds of 128 gradient
    /// steps every 256 environment steps, a hard target copy per round) with a lower learning rate,
    /// which keeps the learned policy from collapsing late in training.
    public static var cartPole: DQNConfiguration {
        var configuration = DQNConfiguration()
        configuration.hiddenLayers = [256, 256]
        configuration.learningRate = 5e-4
        configuration.gamma = 0.99
        configuration.batchSize = 64
        configuration.learningStarts = 1_000
        configuration.trainFrequency = 256
        configuration.gradientSteps = 128
        configuration.targetUpdateInterval = 128
        configuration.exploration = Schedule.reaching(end: 0.04, after: 16_000)
        return configuration
    }

    /// Settings for the `reviews` environment: a short discount (a recommendation pays off within the
    /// next few reviews, and the log, not the agent, decides what comes next), one wide hidden layer
    /// over the history's item embeddings, exploration spent early.
    public static var reviews: DQNConfiguration {
        var configuration = DQNConfiguration()
        configuration.hiddenLayers = [256]
        configuration.learningRate = 1e-3
        configuration.gamma = 0.5
        configuration.batchSize = 64
        configuration.learningStarts = 1_000
        configuration.bufferCapacity = 50_000
        configuration.exploration = Schedule.reaching(end: 0.05, after: 20_000)
        return configuration
    }
}
