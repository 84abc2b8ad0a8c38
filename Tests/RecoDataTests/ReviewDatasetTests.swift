import Foundation
@testable import RecoData
import Testing

@Suite struct ReviewDatasetTests {
    static let fashionPath = "/work/shared/data/AMAZON_FASHION_5.json"

    /// Three users: U1 with 4 reviews (out of time order in the file), U2 with 3, U3 with 1 (filtered at k = 2).
    static let reviews: [Review] = [
        Review(user: "U1", item: "I1", rating: 5, text: "great", time: 400, helpfulVotes: 4),
        Review(user: "U2", item: "I2", rating: 1, text: "bad", time: 100),
        Review(user: "U1", item: "I2", rating: 4, text: "fine", time: 100, helpfulVotes: 0),
        Review(user: "U3", item: "I3", rating: 3, text: "meh", time: 50),
        Review(user: "U1", item: "I3", rating: 3, text: "", summary: "ok", time: 300, helpfulVotes: 2),
        Review(user: "U2", item: "I1", rating: 2, text: "poor", time: 200, helpfulVotes: 8),
        Review(user: "U1", item: "I1", rating: 5, text: "again", time: 200),
        Review(user: "U2", item: "I3", rating: 4, text: "good", time: 300),
    ]

    static func options(k: Int = 2) -> PreparationOptions {
        var options = PreparationOptions()
        options.minReviewsPerUser = k
        options.split = SplitShares(train: 0.5, validation: 0.25, test: 0.25)
        options.sentimentBins = 4
        // A stand-in for the sentiment analyser: +1 for "great"/"good", -1 for "bad"/"poor", else 0.
        options.sentiment = { text in
            ["great", "good"].contains(text) ? 1 : (["bad", "poor"].contains(text) ? -1 : (text == "ok" ? 0.3 : 0))
        }
        return options
    }

    static let metadata = [
        ItemMetadata(item: "I1", price: 10, categories: ["A", "A1"]),
        ItemMetadata(item: "I2", price: 30, categories: ["B"], title: "T2", brand: "Br"),
        ItemMetadata(item: "I3"),  // no price: imputed with the median of I1 and I2, 20
        ItemMetadata(item: "I9", price: 99),
    ]

    @Test func splitCountsForSmallAndLargeUsers() {
        let shares = SplitShares(train: 0.8, validation: 0.1, test: 0.1)
        #expect(shares.counts(for: 1) == (1, 0, 0))
        #expect(shares.counts(for: 2) == (1, 0, 1))
        #expect(shares.counts(for: 3) == (1, 1, 1))
        #expect(shares.counts(for: 10) == (8, 1, 1))
        #expect(shares.counts(for: 25) == (19, 3, 3))  // 2.5 rounds half away from zero
        #expect(SplitShares(train: 1, validation: 0, test: 0).counts(for: 5) == (5, 0, 0))
        #expect(SplitShares(train: 0.8, validation: 0, test: 0.2).counts(for: 2) == (1, 0, 1))
    }

    @Test func preparedFixtureMatchesFiguresComputedByHand() throws {
        let dataset = try ReviewDataset.prepare(Self.reviews, metadata: Self.metadata, options: Self.options())
        let summary = dataset.summary
        #expect(summary.users == 2 && summary.items == 3 && summary.reviews == 7)
        #expect(summary.usersRemoved == 1 && summary.droppedByUserMinimum == 1)
        // U1: 4 reviews -> 2 train, 1 validation, 1 test; U2: 3 -> 1, 1, 1.
        #expect(summary.train == 3 && summary.validation == 2 && summary.test == 2)
        #expect(summary.ratingCounts == [0, 1, 1, 1, 2, 2])
        #expect(abs(summary.meanRating - 24.0 / 7) < 1e-9)
        // Sentiments 1, 0, 0.3, 0 (U1: great, fine, ok, again) and -1, -1, 1 (U2): bins of width 0.5 over [-1, 1].
        #expect(summary.sentimentCounts == [2, 0, 3, 2])
        #expect(abs(summary.meanSentiment - 0.3 / 7) < 1e-6)
        #expect(summary.itemsWithPrice == 2 && summary.itemsImputedPrice == 1)

        // Rows ordered by user, then time: U1 = I2@100, I1@200, I3@300, I1@400; U2 = I2@100, I1@200, I3@300.
        #expect(dataset.users.names == ["U1", "U2"] && dataset.items.names == ["I1", "I2", "I3"])
        #expect(dataset.time == [100, 200, 300, 400, 100, 200, 300])
        #expect(dataset.item == [1, 0, 2, 0, 1, 0, 2])
        #expect(dataset.split == [.train, .train, .validation, .test, .train, .validation, .test])
        // Helpfulness: votes 0, 0, 2, 4, 0, 8, 0 scaled by 8.
        #expect(dataset.helpfulness == [0, 0, 0.25, 0.5, 0, 1, 0])
        #expect(dataset.helpfulnessRange == [0, 8])
        // Prices 10, 30, 20 (imputed) scaled over [10, 30].
        #expect(dataset.itemPrice == [0, 1, 0.5] && dataset.priceRange == [10, 30])
        #expect(dataset.price == [1, 0, 0.5, 0, 1, 0, 0.5])
        #expect(dataset.categories.names == ["A1", "B"] && dataset.itemCategory == [0, 1, UInt32.max])
        #expect(dataset.itemTitle == ["", "T2", ""] && dataset.itemBrand == ["", "Br", ""])
    }

    @Test func missingValuePolicies() throws {
        var options = Self.options(k: 1)
        options.missingText = .drop
        options.missingPrice = .drop
        let dataset = try ReviewDataset.prepare(Self.reviews, metadata: Self.metadata, options: options)
        // Dropped: the review without text, then every review of I3 (no price).
        #expect(dataset.summary.droppedMissingText == 1 && dataset.summary.droppedMissingPrice == 2)
        #expect(dataset.count == 5 && !dataset.items.names.contains("I3"))
        options.missingPrice = .zero
        options.missingText = .empty
        let zero = try ReviewDataset.prepare(Self.reviews, metadata: Self.metadata, options: options)
        #expect(zero.itemPrice[Int(try #require(zero.items.id(of: "I3")))] == 0)
        #expect(zero.priceRange == [0, 30])
    }

    @Test func helpfulnessFrom2014Pairs() throws {
        let reviews = [
            Review(user: "A", item: "X", rating: 5, time: 1, helpfulVotes: 1, totalVotes: 4),
            Review(user: "A", item: "Y", rating: 5, time: 2, helpfulVotes: 3, totalVotes: 4),
            Review(user: "A", item: "Z", rating: 5, time: 3, helpfulVotes: 0, totalVotes: 0),
        ]
        let dataset = try ReviewDataset.prepare(reviews, options: Self.options(k: 1))
        #expect(dataset.helpfulness == [1.0 / 3, 1, 0] && dataset.helpfulnessRange == [0, 0.75])
        #expect(!dataset.hasPrice && dataset.price == [0, 0, 0])
    }

    @Test func idsRoundTripToTheOriginalStrings() throws {
        let dataset = try ReviewDataset.prepare(Self.reviews, options: Self.options(k: 1))
        for name in ["U1", "U2", "U3"] {
            let id = try #require(dataset.users.id(of: name))
            #expect(dataset.users.name(of: id) == name)
        }
        #expect(dataset.users.id(of: "nobody") == nil && dataset.items.name(of: 99) == nil)
        // Every row decodes back to a review of the input.
        let original = Set(Self.reviews.map { "\($0.user)|\($0.item)|\($0.time)|\($0.rating)" })
        let decoded = (0..<dataset.count).map { row in
            "\(dataset.users.names[Int(dataset.user[row])])|\(dataset.items.names[Int(dataset.item[row])])|\(dataset.time[row])|\(dataset.rating[row])"
        }
        #expect(Set(decoded) == original && decoded.count == Self.reviews.count)
    }

    @Test func binaryRoundTripAndDamagedFiles() throws {
        let directory = try TestDirectory()
        let dataset = try ReviewDataset.prepare(Self.reviews, metadata: Self.metadata, options: Self.options())
        let out = directory.path("prepared")
        try dataset.write(to: out)
        #expect(try ReviewDataset.load(from: out) == dataset)
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/manifest.json"))) as? [String: Any]
        #expect(manifest?["reviews"] as? Int == 7 && (manifest?["columns"] as? [Any])?.count == 15)

        // A truncated column.
        let ratingFile = out + "/reviews.rating.col"
        let rating = try Data(contentsOf: URL(fileURLWithPath: ratingFile))
        try rating.prefix(rating.count - 3).write(to: URL(fileURLWithPath: ratingFile))
        #expect(throws: ReviewDataError("\(ratingFile): column reviews.rating: payload of 25 bytes does not match the header's 28; the file is truncated or damaged")) {
            try ReviewDataset.load(from: out)
        }
        try rating.write(to: URL(fileURLWithPath: ratingFile))
        // An out-of-range id and a bad split code.
        let userFile = out + "/reviews.user.col"
        var users = try Data(contentsOf: URL(fileURLWithPath: userFile))
        users[32] = 9
        try users.write(to: URL(fileURLWithPath: userFile))
        #expect(throws: ReviewDataError("\(userFile): column reviews.user: value 9 at row 0 is not valid; expected an id below 2")) {
            try ReviewDataset.load(from: out)
        }
        users[32] = 0
        try users.write(to: URL(fileURLWithPath: userFile))
        let splitFile = out + "/reviews.split.col"
        var split = try Data(contentsOf: URL(fileURLWithPath: splitFile))
        split[33] = 7
        try split.write(to: URL(fileURLWithPath: splitFile))
        #expect(throws: ReviewDataError("\(splitFile): column reviews.split: value 7 at row 1 is not valid; expected 0 (train), 1 (validation) or 2 (test)")) {
            try ReviewDataset.load(from: out)
        }
        // A wrong magic, and a missing file.
        split[0] = 0x58
        try split.write(to: URL(fileURLWithPath: splitFile))
        #expect(throws: ReviewDataError("\(splitFile): column reviews.split: magic bytes are not valid; expected \"RCOL\"")) {
            try ReviewDataset.load(from: out)
        }
        try FileManager.default.removeItem(atPath: splitFile)
        #expect(throws: ReviewDataError("\(splitFile): cannot be read; expected column reviews.split of a prepared dataset")) {
            try ReviewDataset.load(from: out)
        }
    }

    @Test func preparesFromFilesAndRejectsBadInput() throws {
        let directory = try TestDirectory()
        let lines = (0..<12).map { line2018("U\($0 % 2)", "I\($0 % 3)", rating: "\(1 + $0 % 5)", time: 1000 - $0) }
        let reviews = try directory.writeGzip("reviews.json.gz", lines.joined(separator: "\n") + "\n")
        let meta = try directory.write("meta.csv", "asin,price\nI0,$1.00\nI1,$3.00\n")
        var options = PreparationOptions()
        options.minReviewsPerUser = 6
        let dataset = try ReviewDataset.prepare(reviews: reviews, metadata: meta, options: options)
        #expect(dataset.summary.users == 2 && dataset.summary.reviews == 12 && dataset.summary.reviewsRead == 12)
        #expect(dataset.itemPrice.sorted() == [0, 0.5, 1])  // I2 imputed with the median, 2
        // Per user, time order: the first review of U0 in its rows is its earliest (time 990).
        #expect(dataset.time[0] == 990 && dataset.split[0] == .train && dataset.split[5] == .test)

        let unmatched = try directory.write("other-meta.json", "{\"asin\": \"Z1\", \"price\": \"$2\"}\n{\"asin\": \"Z2\"}\n")
        #expect(throws: ReviewDataError("\(unmatched): none of its 2 items' asins matches an item of \(reviews); expected metadata for the reviewed products")) {
            try ReviewDataset.prepare(reviews: reviews, metadata: unmatched, options: options)
        }
        options.minReviewsPerUser = 7
        #expect(throws: ReviewDataError.self) { try ReviewDataset.prepare(reviews: reviews, options: options) }
        options.minReviewsPerUser = 0
        #expect(throws: ReviewDataError("minReviewsPerUser: 0 is not valid; expected a positive integer")) {
            try ReviewDataset.prepare(reviews: reviews, options: options)
        }
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: fashionPath),
                   "skipped: /work/shared/data/AMAZON_FASHION_5.json is not present"))
    func preparesTheAmazonFashionFile() throws {
        let directory = try TestDirectory()
        for k in [10, 5] {
            var options = PreparationOptions()
            options.minReviewsPerUser = k
            let dataset = try ReviewDataset.prepare(reviews: Self.fashionPath, options: options)
            let summary = dataset.summary
            print("Fashion k=\(k):\n\(summary.text())")
            // 3,176 lines, at least one a null rating; 406 reviewers and 31 items in the 5-core.
            #expect(summary.reviewsRead + summary.malformedLines == 3176 && summary.malformedLines >= 1)
            #expect(summary.users >= 1 && summary.users <= 406 && summary.items >= 1 && summary.items <= 31)
            #expect(summary.ratingCounts[1...5].reduce(0, +) == summary.reviews)
            #expect(summary.train + summary.validation + summary.test == summary.reviews && summary.train > summary.test)
            if k == 5 { #expect(summary.users > 300) }
            let out = directory.path("fashion-\(k)")
            try dataset.write(to: out)
            #expect(try ReviewDataset.load(from: out) == dataset)
        }
        try? FileManager.default.removeItem(at: directory.url)
    }
}
