/// The hyper-parameters of `MatrixFactorizationRecommender` (implicit-feedback ALS, Hu, Koren and
/// Volinsky 2008), with defaults.
public struct MatrixFactorizationSettings: Codable, Equatable, Sendable {
    /// Latent factors per user and item (`F`).
    public var factors = 32
    /// Alternating rounds; each solves every item's factor against the user factors, then every
    /// user's against the item factors.
    public var iterations = 15
    /// Ridge weight `lambda` on the squared norms of all factors; above 0, so every solve is positive
    /// definite, even for a history of unknown items. Strong by default: a fold-in fits a history of a
    /// few reviews, which a weak ridge overfits (on the synthetic fixture 10 beat 0.1 and 1).
    public var regularization = 10.0
    /// Confidence slope `alpha`: a cell reviewed `r` times has confidence `c = 1 + alpha r`, an unreviewed
    /// one 1 (the paper found values around 40 best on its data; reviews are sparser signals).
    public var alpha = 10.0
    /// Standard deviation of the normal draws the user factors start from.
    public var initialScale = 0.1
    /// Whether the items an observation shows score `-infinity`, below every other item: the fold-in
    /// fits the shown history, so those items would otherwise fill the top of the list, while a
    /// user rarely reviews an item twice.
    public var excludeShown = true

    public init() {}

    /// Throws `ReviewDataError` naming the first invalid setting.
    public func validate() throws {
        func check(_ ok: Bool, _ field: String, _ value: Any, _ expected: String) throws {
            try ReviewDataError.requireSetting(ok, "matrix factorisation", field, value, expected)
        }
        try check(factors >= 1 && factors <= 1_024, "factors", factors, "1 to 1024 factors")
        try check(iterations >= 1 && iterations <= 1_000, "iterations", iterations, "1 to 1000 rounds")
        try check(regularization > 0 && regularization.isFinite, "regularization", regularization, "a finite weight above 0")
        try check(alpha >= 0 && alpha.isFinite, "alpha", alpha, "a finite slope of at least 0")
        try check(initialScale > 0 && initialScale.isFinite, "initialScale", initialScale, "a finite deviation above 0")
    }
}
