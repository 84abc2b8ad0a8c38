/// One way to contact a user: an offer sent through a channel. The environment's actions are the
/// strategies of `catalogue`, numbered by their position in it.
public struct MarketingStrategy: Hashable, Sendable, CustomStringConvertible {
    /// What the message offers.
    public var offer: MarketingOffer
    /// Where the message is sent.
    public var channel: MarketingChannel

    public init(offer: MarketingOffer, channel: MarketingChannel) {
        self.offer = offer
        self.channel = channel
    }

    /// The strategy numbered `action` in `catalogue`.
    public init(action: Int) {
        precondition(action >= 0 && action < MarketingStrategy.catalogue.count,
                     "marketing action \(action) outside 0..<\(MarketingStrategy.catalogue.count)")
        self = MarketingStrategy.catalogue[action]
    }

    /// All 18 strategies, channel by channel (email, sms, push) and within a channel the offers in
    /// `MarketingOffer.allCases` order: discount 5%, 10%, 15%, 20%, free shipping, no offer. So action 0 is
    /// "discount 5% via email", action 2 "discount 15% via email" (action #2 of the source document),
    /// action 6 "discount 5% via sms" and action 17 "no offer via push".
    public static let catalogue: [MarketingStrategy] = MarketingChannel.allCases.flatMap { channel in
        MarketingOffer.allCases.map { MarketingStrategy(offer: $0, channel: channel) }
    }

    /// The strategy's action number: its position in `catalogue`.
    public var action: Int { channel.rawValue * MarketingOffer.allCases.count + offer.rawValue }

    /// A human-readable name such as "discount 15% via email", "free shipping via sms" or
    /// "no offer via push".
    public var name: String { "\(offer) via \(channel)" }

    public var description: String { name }
}
