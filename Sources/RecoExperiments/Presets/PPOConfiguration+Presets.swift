import RecoRL

extension PPOConfiguration {
    /// Settings for the marketing environment.
    public static var marketing: PPOConfiguration {
        var configuration = PPOConfiguration()
        configuration.gamma = 0.9
        return configuration
    }

    /// Settings for cart-pole: the defaults, which are the usual classic-control ones.
    public static var cartPole: PPOConfiguration { PPOConfiguration() }
}
