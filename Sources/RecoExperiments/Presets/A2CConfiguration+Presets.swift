import RecoRL

extension A2CConfiguration {
    /// Settings for the marketing environment.
    public static var marketing: A2CConfiguration {
        var configuration = A2CConfiguration()
        configuration.gamma = 0.9
        return configuration
    }

    /// Settings for cart-pole.
    public static var cartPole: A2CConfiguration { A2CConfiguration() }
}
