/// VADER's four scores for one text.
///
/// `negative`, `neutral` and `positive` are the shares of the text's sentiment mass (each sentiment
/// word counts its valence plus one, each other word one) and sum to one, or are all zero for a text
/// without words. `compound` is the summed valence normalised into [-1, 1]; by VADER's convention a
/// compound of 0.05 or more reads as positive, -0.05 or less as negative. Unlike the Python package,
/// the scores are not rounded (it rounds the shares to 3 decimals and compound to 4).
public struct SentimentScores: Equatable, Sendable, Codable {
    public var negative: Double
    public var neutral: Double
    public var positive: Double
    public var compound: Double

    public init(negative: Double, neutral: Double, positive: Double, compound: Double) {
        self.negative = negative
        self.neutral = neutral
        self.positive = positive
        self.compound = compound
    }

    /// The scores of a text with no words.
    public static let empty = SentimentScores(negative: 0, neutral: 0, positive: 0, compound: 0)
}
