/// Shares of each user's reviews, in time order, given to training, validation and test.
public struct SplitShares: Sendable, Equatable, Codable {
    /// Share of the earliest reviews.
    public var train: Double
    /// Share of the reviews after the training ones.
    public var validation: Double
    /// Share of the latest reviews.
    public var test: Double

    /// Shares (each in [0, 1], summing to 1 within 1e-6, `train` > 0).
    public init(train: Double = 0.8, validation: Double = 0.1, test: Double = 0.1) {
        self.train = train
        self.validation = validation
        self.test = test
    }

    /// Throws unless the shares are valid.
    public func validate() throws {
        for (name, share) in [("train", train), ("validation", validation), ("test", test)] where !(share >= 0 && share <= 1) {
            throw ReviewDataError("split share \(name): \(share) is not valid; expected a number in [0, 1]")
        }
        guard train > 0, abs(train + validation + test - 1) < 1e-6 else {
            throw ReviewDataError("split shares: \(train)/\(validation)/\(test) is not valid; expected a positive train share and shares summing to 1")
        }
    }

    /// How many of a user's `count` reviews go to (train, validation, test). The latest
    /// `max(1, round(count * test))` go to test and the `max(1, round(count * validation))` before them to
    /// validation (a zero share gives none), but training always keeps at least one: for small users the
    /// validation part shrinks first, then the test part. So 1 review: train only; 2: train and test
    /// (when test > 0); 3 with both shares positive: one each.
    public func counts(for count: Int) -> (train: Int, validation: Int, test: Int) {
        guard count > 0 else { return (0, 0, 0) }
        var testCount = test > 0 ? max(1, Int((Double(count) * test).rounded())) : 0
        var validationCount = validation > 0 ? max(1, Int((Double(count) * validation).rounded())) : 0
        while count - testCount - validationCount < 1 {
            if validationCount > 0 { validationCount -= 1 } else { testCount -= 1 }
        }
        return (count - testCount - validationCount, validationCount, testCount)
    }
}

/// What to do with an item that has no price in the metadata.
public enum MissingPricePolicy: String, Sendable, Codable, CaseIterable {
    /// Give it the median price of the reviewed items that have one.
    case median
    /// Give it price 0.
    case zero
    /// Drop its reviews (before the per-user filter).
    case drop
}

/// What to do with a review without text.
public enum MissingTextPolicy: String, Sendable, Codable, CaseIterable {
    /// Keep it, with empty text (its sentiment is the closure's value for "").
    case empty
    /// Drop it (before the per-user filter).
    case drop
}

/// How `ReviewDataset.prepare` turns raw reviews into a dataset.
public struct PreparationOptions {
    /// Users with fewer reviews (after dropping) are removed: one pass over users, not a k-core (items
    /// are not filtered, and removing users does not trigger another round). 10 as in the Amazon Fashion
    /// study.
    public var minReviewsPerUser = 10
    /// The chronological split per user.
    public var split = SplitShares()
    /// Items without a price (when metadata is given).
    public var missingPrice = MissingPricePolicy.median
    /// Reviews without text.
    public var missingText = MissingTextPolicy.empty
    /// How the files are read (strict mode).
    public var read = ReadOptions()
    /// The sentiment score of a review's text (`reviewText`, or the summary when the text is empty),
    /// typically in [-1, 1]; by default 0. Supplied by the caller (for example a VADER analyser).
    public var sentiment: (String) -> Float = { _ in 0 }
    /// Bins of the summary's sentiment histogram over [-1, 1].
    public var sentimentBins = 10

    /// The defaults.
    public init() {}

    /// Throws unless the options are valid.
    public func validate() throws {
        guard minReviewsPerUser >= 1 else {
            throw ReviewDataError("minReviewsPerUser: \(minReviewsPerUser) is not valid; expected a positive integer")
        }
        guard sentimentBins >= 1 && sentimentBins <= 1000 else {
            throw ReviewDataError("sentimentBins: \(sentimentBins) is not valid; expected 1...1000")
        }
        try split.validate()
    }
}
