import RecoTensor

extension MarketingUser {
    /// A new user drawn from the simulated customer population. Each feature's distribution:
    ///
    /// - `engagement_score` ~ Beta(2, 2): mean 0.5, rarely near 0 or 1.
    /// - `recency` ~ Exponential(mean 20 days), rounded down to whole days, at most 90.
    /// - `frequency` ~ Poisson(mean 1 + 6 x engagement), at most 20: engaged users buy more often.
    /// - `monetary_value` ~ LogNormal(median 80, sigma 0.7), clipped to 10...500.
    /// - `discount_sensitive` ~ Bernoulli(0.4) and `free_shipping_preferred` ~ Bernoulli(0.3),
    ///   independently, so a user may be both or neither.
    /// - Channel responses: one channel is the user's dominant one (email with probability 0.5, sms and
    ///   push 0.25 each); its response ~ Beta(5, 2) (mean 0.71), the other two ~ Beta(1, 4) (mean 0.2).
    /// - `last_purchase_days` = recency + Exponential(mean 30 days), rounded down, at most 180: the last
    ///   purchase is never more recent than the last visit.
    ///
    /// The draws consume `generator` in this order, so a seed fixes the user.
    public static func random(using generator: inout RandomGenerator) -> MarketingUser {
        let engagement = generator.beta(2, 2)
        let recency = min(generator.exponential(mean: 20).rounded(.down), Double(recencyRange.upperBound))
        let frequency = min(Double(generator.poisson(mean: 1 + 6 * engagement)), Double(frequencyRange.upperBound))
        let monetary = min(max(generator.logNormal(median: 80, sigma: 0.7), Double(monetaryValueRange.lowerBound)),
                           Double(monetaryValueRange.upperBound))
        let discountSensitive = generator.bernoulli(0.4)
        let freeShipping = generator.bernoulli(0.3)
        let dominantDraw = generator.uniform()
        let dominant: MarketingChannel = dominantDraw < 0.5 ? .email : (dominantDraw < 0.75 ? .sms : .push)
        var user = MarketingUser(recency: Float(recency), frequency: Float(frequency), monetaryValue: Float(monetary),
                                 engagementScore: Float(engagement), discountSensitive: discountSensitive,
                                 freeShippingPreferred: freeShipping, emailOpens: 0, smsResponse: 0, pushResponse: 0,
                                 lastPurchaseDays: 0)
        for channel in MarketingChannel.allCases {
            user[response: channel] = Float(channel == dominant ? generator.beta(5, 2) : generator.beta(1, 4))
        }
        user.lastPurchaseDays = Float(min((recency + generator.exponential(mean: 30)).rounded(.down),
                                         Double(lastPurchaseDaysRange.upperBound)))
        return user
    }
}
