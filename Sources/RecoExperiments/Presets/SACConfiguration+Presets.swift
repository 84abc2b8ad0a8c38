import RecoRL

extension SACConfiguration {
    /// Settings for the marketing environment.
    public static var marketing: SACConfiguration {
        var configuration = SACConfiguration()
        configuration.gamma = 0.9
        return configuration
    }

    /// Settings for cart-pole.
    public static var cartPole: SACConfiguration { SACConfiguration() }
}
