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
