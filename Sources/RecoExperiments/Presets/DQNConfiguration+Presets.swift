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

    /// Settings for the `reviews` environment. The environment replays the log: what the user reviews
    /// next does not depend on the recommendation, so the bootstrap term `gamma * max Q(s', .)` is the
    /// same for every action and only adds noise to the targets; `gamma = 0` makes Q the expected reward
    /// of each item, which is what the ranking needs. For the same reason exploring costs nothing, so
    /// the behaviour policy stays uniformly random and every item's outcome reaches the replay. A small
    /// network over an 8-wide bag of the history's items, many small updates: the synthetic fixture's
    /// 160 training users are few, and wider networks memorise them.
    public static var reviews: DQNConfiguration {
        var configuration = DQNConfiguration()
        configuration.hiddenLayers = [16]
        configuration.itemEmbeddingWidth = 8
        configuration.learningRate = 3e-4
        configuration.gamma = 0
        configuration.batchSize = 64
        configuration.trainFrequency = 2
        configuration.learningStarts = 1_000
        configuration.bufferCapacity = 300_000
        configuration.loss = .mse
        configuration.exploration = .constant(1)
        return configuration
    }

    /// Settings for the `session` simulator (1,000 items by default): a bag of the window's items
    /// embedded 16 wide, a short horizon (`gamma = 0.5`), exploration decaying over the first 10,000
    /// steps, learning rate 5e-4 (2e-3 gave 0.75 against 0.96 over three seeds at 100,000 steps). See
    /// docs/session.md for how far DQN gets with it.
    public static var session: DQNConfiguration {
        var configuration = DQNConfiguration()
        configuration.hiddenLayers = [128]
        configuration.itemEmbeddingWidth = 16
        configuration.learningRate = 5e-4
        configuration.gamma = 0.5
        configuration.batchSize = 64
        configuration.trainFrequency = 2
        configuration.learningStarts = 1_000
        configuration.targetUpdateInterval = 500
        configuration.exploration = Schedule.reaching(end: 0.05, after: 10_000)
        return configuration
    }
}
