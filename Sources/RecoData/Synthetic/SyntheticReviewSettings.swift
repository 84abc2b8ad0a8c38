/// Every knob of the synthetic review generator, with defaults that give a small clothing-store-like
/// data set. The same settings (and seed) always give byte-identical files.
public struct SyntheticReviewSettings: Equatable, Sendable {
    /// Seed of the generator's `RandomGenerator` when none is passed in.
    public var seed: UInt64 = 2018

    // MARK: Catalog

    /// Number of items (products).
    public var itemCount: Int = 200
    /// Number of categories; items are spread over them evenly (at least one item each).
    public var categoryCount: Int = 6
    /// Category names, used in order; categories beyond the list are named "Category N".
    public var categoryNames: [String] = ["Dresses", "Shirts", "Shoes", "Jackets", "Jeans", "Hats", "Bags", "Socks"]
    /// The first entry of every item's `category` list in the metadata (the store's top level).
    public var rootCategory: String = "Clothing, Shoes & Jewelry"
    /// Zipf exponent of item popularity: the item of popularity rank r (0-based) has weight 1 / (r + 1)^s.
    public var popularityExponent: Double = 1.1
    /// Brand names, assigned to items uniformly at random.
    public var brandNames: [String] = ["Kestrel", "Norrland", "Amberly", "Vireo", "Calloway", "Tamsin",
                                       "Oakhurst", "Lumen", "Brightwater", "Fenwick", "Marlow", "Sable"]
    /// Colours, used in titles and in the review `style`.
    public var colors: [String] = ["Black", "White", "Navy", "Red", "Green", "Beige", "Grey", "Blue"]
    /// Sizes, used in the review `style`.
    public var sizes: [String] = ["XS", "S", "M", "L", "XL"]

    // MARK: Prices

    /// Each category's median price is drawn log-uniformly from this range (dollars).
    public var categoryMedianPriceRange: ClosedRange<Double> = 10...80
    /// Standard deviation of the logarithm of an item's price around its category's median (log-normal).
    public var priceLogSpread: Double = 0.5
    /// Smallest price written (dollars); cheaper draws are raised to it.
    public var minimumPrice: Double = 0.99
    /// Probability that an item has no price (written as "" in the metadata, as in the published files).
    public var missingPriceProbability: Float = 0.1

    // MARK: Users

    /// Number of users (reviewers).
    public var userCount: Int = 300
    /// Probability that a user has a second favourite category (everyone has one).
    public var secondFavouriteProbability: Float = 0.4
    /// Taste weight of a favourite category; every other category has weight 1.
    public var favouriteCategoryWeight: Double = 8
    /// Every user writes at least this many reviews (capped by `itemCount`).
    public var minimumReviewsPerUser: Int = 5
    /// No user writes more than this many reviews (capped by `itemCount`).
    public var maximumReviewsPerUser: Int = 40
    /// Fraction of low-activity users, who write the minimum plus 0...`lowActivityExtraReviews` reviews.
    public var lowActivityFraction: Float = 0.3
    /// Largest number of reviews above the minimum a low-activity user writes.
    public var lowActivityExtraReviews: Int = 2
    /// Other users write the minimum plus a log-normal number of extra reviews with this median...
    public var activeExtraReviewsMedian: Double = 6
    /// ...and this standard deviation of its logarithm.
    public var activeExtraReviewsLogSpread: Double = 0.8

    // MARK: Times

    /// Earliest first-review time (seconds since 1970, UTC midnight; default 2015-01-01).
    public var startTime: Int64 = 1_420_070_400
    /// A user's first review falls on a uniform day within this many days after `startTime`.
    public var firstReviewSpanDays: Int = 730
    /// Mean of the exponential part of the gap between a user's reviews, in days; every gap is at least one
    /// whole day, so times increase strictly per user (and, as in the published files, sit at midnight UTC).
    public var meanGapDays: Double = 20

    // MARK: Ratings

    /// Mean rating of an item in a user's most-liked category.
    public var favouriteRatingMean: Float = 4.4
    /// Mean rating of an item in a category the user does not favour; a category's mean is interpolated
    /// between the two by its taste weight.
    public var otherRatingMean: Float = 2.6
    /// Standard deviation of an item's quality, added to every rating of it.
    public var itemQualitySpread: Float = 0.3
    /// Standard deviation of the per-review noise; the sum is rounded and clamped to 1...5.
    public var ratingNoise: Float = 0.7

    // MARK: Text

    /// Positive sentiment words (all in the VADER lexicon the sentiment helpers use).
    public var positiveWords: [String] = SyntheticLexicon.positive
    /// Negative sentiment words.
    public var negativeWords: [String] = SyntheticLexicon.negative
    /// Neutral filler words.
    public var fillerWords: [String] = SyntheticLexicon.filler
    /// Nouns for summaries (neutral words).
    public var summaryNouns: [String] = SyntheticLexicon.summaryNouns
    /// A review text has a uniform number of words in this range.
    public var textWordRange: ClosedRange<Int> = 10...24
    /// Words per sentence (a full stop and a capital letter after each).
    public var wordsPerSentence: Int = 8
    /// Probability that a word is a sentiment word (every text has at least one).
    public var sentimentWordProbability: Float = 0.3
    /// Probability that a sentiment word is positive, by rating 1...5 (the rest are negative).
    public var positiveProbabilityByRating: [Float] = [0.08, 0.18, 0.5, 0.82, 0.92]
    /// Probability that the summary is "Five Stars", "Four Stars", ... instead of a word pair.
    public var starSummaryProbability: Float = 0.2

    // MARK: Other fields

    /// Probability that a review has helpful votes (the 2018 files omit `vote` otherwise).
    public var voteProbability: Float = 0.15
    /// Votes, when present, are 2 plus a log-normal count with this median...
    public var voteMedian: Double = 3
    /// ...and this standard deviation of its logarithm (heavy tailed: a few reach the thousands).
    public var voteLogSpread: Double = 1.6
    /// Probability that a review is `verified`.
    public var verifiedProbability: Float = 0.85
    /// Probability that a review has a `style` (size and colour).
    public var styleProbability: Float = 0.5
    /// Whether reviews carry the text date `reviewTime` ("03 15, 2016") as well as `unixReviewTime`.
    public var writesReviewTime: Bool = true

    /// The defaults.
    public init() {}

    /// The settings of the committed fixture `Fixtures/synthetic_reviews.json` (and `synthetic_meta.json`):
    /// 200 users, 40 items, at least 10 reviews each.
    public static var fixture: SyntheticReviewSettings {
        var settings = SyntheticReviewSettings()
        settings.seed = 42
        settings.userCount = 200
        settings.itemCount = 40
        settings.categoryCount = 5
        settings.minimumReviewsPerUser = 10
        settings.maximumReviewsPerUser = 24
        settings.activeExtraReviewsMedian = 5
        return settings
    }

    /// Throws `SyntheticReviewError.invalidSetting` naming the first setting out of range.
    public func validate() throws {
        func check(_ condition: Bool, _ message: String) throws {
            if !condition { throw SyntheticReviewError.invalidSetting(message) }
        }
        func isProbability(_ p: Float) -> Bool { p >= 0 && p <= 1 }
        try check(itemCount > 0, "itemCount must be positive, got \(itemCount)")
        try check(userCount >= 0, "userCount must not be negative, got \(userCount)")
        try check(categoryCount > 0 && categoryCount <= itemCount,
                  "categoryCount must be in 1...itemCount (\(itemCount)), got \(categoryCount)")
        try check(popularityExponent >= 0 && popularityExponent.isFinite,
                  "popularityExponent must be finite and non-negative, got \(popularityExponent)")
        try check(!brandNames.isEmpty && !colors.isEmpty && !sizes.isEmpty, "brandNames, colors and sizes must not be empty")
        try check(categoryMedianPriceRange.lowerBound > 0, "categoryMedianPriceRange must be positive")
        try check(priceLogSpread >= 0 && minimumPrice >= 0, "priceLogSpread and minimumPrice must not be negative")
        try check(minimumReviewsPerUser >= 1 && minimumReviewsPerUser <= itemCount,
                  "minimumReviewsPerUser must be in 1...itemCount (\(itemCount)), got \(minimumReviewsPerUser)")
        try check(maximumReviewsPerUser >= minimumReviewsPerUser,
                  "maximumReviewsPerUser (\(maximumReviewsPerUser)) must be at least minimumReviewsPerUser")
        try check(lowActivityExtraReviews >= 0 && activeExtraReviewsMedian > 0 && activeExtraReviewsLogSpread >= 0,
                  "activity settings must be non-negative (the median positive)")
        try check(favouriteCategoryWeight >= 1, "favouriteCategoryWeight must be at least 1, got \(favouriteCategoryWeight)")
        try check(firstReviewSpanDays >= 1 && meanGapDays >= 0, "firstReviewSpanDays must be positive, meanGapDays non-negative")
        try check(itemQualitySpread >= 0 && ratingNoise >= 0, "itemQualitySpread and ratingNoise must not be negative")
        try check(!positiveWords.isEmpty && !negativeWords.isEmpty && !fillerWords.isEmpty && !summaryNouns.isEmpty,
                  "word lists must not be empty")
        try check(textWordRange.lowerBound >= 1 && wordsPerSentence >= 1, "texts need at least one word per sentence")
        try check(positiveProbabilityByRating.count == 5 && positiveProbabilityByRating.allSatisfy(isProbability),
                  "positiveProbabilityByRating must hold 5 probabilities")
        try check(voteMedian > 0 && voteLogSpread >= 0, "voteMedian must be positive, voteLogSpread non-negative")
        for (name, p) in [("missingPriceProbability", missingPriceProbability),
                          ("secondFavouriteProbability", secondFavouriteProbability),
                          ("lowActivityFraction", lowActivityFraction),
                          ("sentimentWordProbability", sentimentWordProbability),
                          ("starSummaryProbability", starSummaryProbability), ("voteProbability", voteProbability),
                          ("verifiedProbability", verifiedProbability), ("styleProbability", styleProbability)] {
            try check(isProbability(p), "\(name) must be in 0...1, got \(p)")
        }
    }
}

/// Why synthetic data could not be generated or written.
public enum SyntheticReviewError: Error, Equatable, CustomStringConvertible {
    /// A setting is out of range (the message names it).
    case invalidSetting(String)
    /// A file could not be created.
    case cannotCreateFile(String)

    /// A one-line message naming the problem.
    public var description: String {
        switch self {
        case .invalidSetting(let message): return "synthetic reviews: \(message)"
        case .cannotCreateFile(let path): return "synthetic reviews: cannot create \(path)"
        }
    }
}

/// The default word lists: the sentiment words are exactly those of the VADER lexicon subset used in tests.
public enum SyntheticLexicon {
    /// Positive sentiment words.
    public static let positive = "great good love excellent perfect nice comfortable happy beautiful best"
        .split(separator: " ").map(String.init)
    /// Negative sentiment words.
    public static let negative = "bad terrible poor awful hate worst disappointed useless broken ugly"
        .split(separator: " ").map(String.init)
    /// Neutral filler words.
    public static let filler = "the this it is was dress shirt fits size color fabric material and for my with"
        .split(separator: " ").map(String.init)
    /// Neutral nouns (from `filler`) for summaries.
    public static let summaryNouns = ["dress", "shirt", "fabric", "material", "size", "color"]
}
