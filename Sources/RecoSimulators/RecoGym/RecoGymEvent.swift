/// One event of RecoGym's log: an organic page view or a bandit impression (with its click).
public struct RecoGymEvent: Codable, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Codable, Sendable {
        /// A page view (`z = 'organic'` in `generate_logs`, `'pageview'` in a session).
        case organic
        /// A recommendation shown (`z = 'bandit'`).
        case bandit
    }
    public var kind: Kind
    /// The user's clock: every event (view or impression) advances it by one, starting at 0.
    public var time: Int
    /// The user's id (its index in the stream of users).
    public var user: Int
    /// The viewed product (organic) or the recommended product (bandit).
    public var product: Int
    /// Whether the impression was clicked (always false for organic views).
    public var click: Bool

    public init(kind: Kind, time: Int, user: Int, product: Int, click: Bool = false) {
        self.kind = kind
        self.time = time
        self.user = user
        self.product = product
        self.click = click
    }

    public static func organic(time: Int, user: Int, product: Int) -> RecoGymEvent {
        RecoGymEvent(kind: .organic, time: time, user: user, product: product)
    }

    public static func bandit(time: Int, user: Int, action: Int, click: Bool) -> RecoGymEvent {
        RecoGymEvent(kind: .bandit, time: time, user: user, product: action, click: click)
    }

    public var description: String {
        kind == .organic ? "t=\(time) u=\(user) organic v=\(product)"
            : "t=\(time) u=\(user) bandit a=\(product) c=\(click ? 1 : 0)"
    }
}
