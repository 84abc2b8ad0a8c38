/// One product review as the published Amazon review files hold it (the 2018 layout; the 2014 layout
/// maps onto it), before any encoding: the raw strings and numbers of one line.
public struct Review: Equatable, Sendable, Codable {
    /// `reviewerID`.
    public var user: String
    /// `asin`, the product.
    public var item: String
    /// `overall`, the star rating (1 to 5 in the published files).
    public var rating: Float
    /// `reviewText` (empty when absent).
    public var text: String
    /// `summary`, the review's title (empty when absent).
    public var summary: String
    /// `unixReviewTime`, seconds since 1970.
    public var time: Int64
    /// Helpful votes: 2018's `vote` ("1,234" parsed to 1234), or 2014's `helpful[0]`; nil when absent.
    public var helpfulVotes: Int?
    /// 2014's `helpful[1]` (votes cast in all), nil otherwise.
    public var totalVotes: Int?
    /// 2018's `verified`, nil when absent.
    public var verified: Bool?

    public init(user: String, item: String, rating: Float, text: String = "", summary: String = "", time: Int64,
                helpfulVotes: Int? = nil, totalVotes: Int? = nil, verified: Bool? = nil) {
        self.user = user
        self.item = item
        self.rating = rating
        self.text = text
        self.summary = summary
        self.time = time
        self.helpfulVotes = helpfulVotes
        self.totalVotes = totalVotes
        self.verified = verified
    }
}
