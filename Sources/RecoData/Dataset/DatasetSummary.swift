/// Figures describing a prepared dataset and how it was made.
public struct DatasetSummary: Codable, Equatable, Sendable {
    /// Users, items and reviews kept.
    public var users = 0, items = 0, reviews = 0
    /// Reviews per split.
    public var train = 0, validation = 0, test = 0
    /// Reviews read (well-formed) from the reviews file.
    public var reviewsRead = 0
    /// Malformed lines skipped in the reviews file, and in the metadata file.
    public var malformedLines = 0, malformedMetadataLines = 0
    /// The first malformed lines, as "line N: ..." messages.
    public var malformedExamples: [String] = []
    /// Reviews dropped for lack of text or price, and by the per-user minimum.
    public var droppedMissingText = 0, droppedMissingPrice = 0, droppedByUserMinimum = 0
    /// Users removed by the per-user minimum.
    public var usersRemoved = 0
    /// Items with a price from the metadata, and items whose price was imputed.
    public var itemsWithPrice = 0, itemsImputedPrice = 0
    /// Reviews per star: index 0 counts ratings rounding to 0, index 5 ratings of 5.
    public var ratingCounts = [Int](repeating: 0, count: 6)
    /// Mean rating.
    public var meanRating = 0.0
    /// Sentiment histogram: `sentimentCounts[b]` reviews in bin b of equal bins over [-1, 1] (values
    /// outside clamped).
    public var sentimentCounts: [Int] = []
    /// Mean sentiment.
    public var meanSentiment = 0.0
    /// Seconds spent reading and scoring the reviews file, and reviews read per second.
    public var readSeconds = 0.0, reviewsPerSecond = 0.0
    /// Megabytes of review text parsed per second.
    public var megabytesPerSecond = 0.0

    /// An empty summary.
    public init() {}

    /// A few lines for a terminal.
    public func text() -> String {
        var lines: [String] = []
        lines.append("users \(users), items \(items), reviews \(reviews) (train \(train), validation \(validation), test \(test))")
        lines.append("read \(reviewsRead) reviews, \(malformedLines) malformed lines skipped" +
                     (malformedMetadataLines > 0 ? ", \(malformedMetadataLines) malformed metadata lines" : ""))
        lines.append("dropped: \(droppedMissingText) without text, \(droppedMissingPrice) without price, \(droppedByUserMinimum) reviews of the \(usersRemoved) users under the minimum")
        let stars = (1...5).map { "\($0): \(ratingCounts[$0])" }.joined(separator: ", ")
        lines.append("ratings \(stars)\(ratingCounts[0] > 0 ? ", 0: \(ratingCounts[0])" : ""); mean \(String(format2: meanRating))")
        let bins = sentimentCounts.count
        let histogram = sentimentCounts.enumerated().map { index, count in
            let low = -1 + 2 * Double(index) / Double(bins)
            return "[\(String(format2: low)),\(String(format2: low + 2 / Double(bins)))): \(count)"
        }.joined(separator: " ")
        lines.append("sentiment mean \(String(format2: meanSentiment)); \(histogram)")
        lines.append("parsed in \(String(format2: readSeconds)) s: \(Int(reviewsPerSecond.rounded())) reviews/s, \(String(format2: megabytesPerSecond)) MB/s")
        return lines.joined(separator: "\n")
    }
}

extension String {
    /// `value` with two decimals.
    init(format2 value: Double) {
        let scaled = (value * 100).rounded()
        let sign = scaled < 0 ? "-" : ""
        let magnitude = Int(abs(scaled))
        let fraction = magnitude % 100
        self = "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
