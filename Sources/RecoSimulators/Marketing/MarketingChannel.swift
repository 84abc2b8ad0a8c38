/// A channel a marketing message is sent through.
public enum MarketingChannel: Int, CaseIterable, Sendable, CustomStringConvertible {
    case email
    case sms
    case push

    /// The channels in order, stored once: the synthesized `allCases` would build a new array on every
    /// use, and the environment's step iterates over the channels.
    public static let allCases: [MarketingChannel] = [.email, .sms, .push]

    /// The channel's name as strategies show it (`email`, `sms`, `push`).
    public var description: String {
        switch self {
        case .email: return "email"
        case .sms: return "sms"
        case .push: return "push"
        }
    }
}
