// Regenerate the committed fixtures `Fixtures/synthetic_reviews.json` and `Fixtures/synthetic_meta.json`
// (from `SyntheticReviewSettings.fixture`) with
//   RECORL_WRITE_FIXTURES=1 swift test -c release -Xswiftc -enable-testing --filter SyntheticReviewFixture
// Without the variable, the fixture test fails if the committed files differ from what the generator writes.
// (The generator uses libm's exp/log/pow for prices, activity and votes; a platform whose libm rounds a last
// bit differently could, rarely, shift a price by a cent — regenerate there if so.)
import Foundation
import RecoData
import RecoTensor
import Testing

private enum SyntheticFiles {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func temporary(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("recorl-\(UUID().uuidString)-\(name)")
    }

    /// The file's lines, each parsed with JSONSerialization, with the raw text.
    static func objects(_ url: URL) throws -> [(text: String, object: [String: Any])] {
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        return try text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil, "not a JSON object: \(line)")
            return (String(line), object ?? [:])
        }
    }

    static func matches(_ text: String, _ pattern: String) -> Bool {
        text.range(of: pattern, options: .regularExpression) != nil
    }
}

/// Small settings for the structural tests.
private func smallSettings(seed: UInt64 = 7) -> SyntheticReviewSettings {
    var settings = SyntheticReviewSettings()
    settings.seed = seed
    settings.userCount = 120
    settings.itemCount = 150
    settings.categoryCount = 5
    return settings
}

@Suite struct SyntheticReviewTests {
    @Test func sameSeedGivesIdenticalBytesAndOtherSeedsDiffer() throws {
        var urls: [URL] = []
        defer { for url in urls { try? FileManager.default.removeItem(at: url) } }
        func write(_ seed: UInt64) throws -> (Data, Data) {
            let generator = try SyntheticReviewGenerator(settings: smallSettings(seed: seed))
            let reviews = SyntheticFiles.temporary("reviews.json"), meta = SyntheticFiles.temporary("meta.json")
            urls += [reviews, meta]
            try generator.writeReviews(to: reviews)
            try generator.writeMetadata(to: meta)
            return (try Data(contentsOf: reviews), try Data(contentsOf: meta))
        }
        let first = try write(7), again = try write(7), other = try write(8)
        #expect(first.0 == again.0 && first.1 == again.1)
        #expect(first.0 != other.0 && first.1 != other.1)
        // A generator passed in gives the same data as the settings' seed.
        var random = RandomGenerator(seed: 7)
        let passed = try SyntheticReviewGenerator(settings: smallSettings(seed: 999), random: &random)
        let seeded = try SyntheticReviewGenerator(settings: smallSettings(seed: 7))
        #expect(passed.catalog == seeded.catalog && passed.reviews() == seeded.reviews())
    }

    @Test func linesAreValid2018JSON() throws {
        let generator = try SyntheticReviewGenerator(settings: smallSettings())
        let reviewsURL = SyntheticFiles.temporary("reviews.json"), metaURL = SyntheticFiles.temporary("meta.json")
        defer { try? FileManager.default.removeItem(at: reviewsURL); try? FileManager.default.removeItem(at: metaURL) }
        let written = try generator.writeReviews(to: reviewsURL)
        try generator.writeMetadata(to: metaURL)
        let lines = try SyntheticFiles.objects(reviewsURL)
        #expect(lines.count == written && written == generator.catalog.users.reduce(0) { $0 + $1.reviewCount })

        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "MM d, yyyy"
        var lastTime: [String: Int] = [:]
        var asins = Set<String>()
        for (text, object) in lines {
            let user = object["reviewerID"] as? String ?? ""
            let asin = object["asin"] as? String ?? ""
            #expect(SyntheticFiles.matches(user, "^A[0-9A-Z]{13}$") && SyntheticFiles.matches(asin, "^B0[0-9A-Z]{8}$"))
            asins.insert(asin)
            let overall = (object["overall"] as? NSNumber)?.doubleValue ?? 0
            #expect([1.0, 2, 3, 4, 5].contains(overall))
            #expect(SyntheticFiles.matches(text, "^\\{\"overall\": [1-5]\\.0, "))
            #expect(!(object["reviewText"] as? String ?? "").isEmpty && !(object["summary"] as? String ?? "").isEmpty)
            #expect(SyntheticFiles.matches(text, "\"verified\": (true|false)"))
            let time = (object["unixReviewTime"] as? NSNumber)?.intValue ?? 0
            #expect(time % 86_400 == 0 && time >= 1_420_070_400)
            #expect(object["reviewTime"] as? String == formatter.string(from: Date(timeIntervalSince1970: Double(time))))
            if let previous = lastTime[user] { #expect(time > previous, "times must increase for \(user)") }
            lastTime[user] = time
            if let vote = object["vote"] {
                let votes = vote as? String ?? ""
                #expect(SyntheticFiles.matches(votes, "^[1-9][0-9]{0,2}(,[0-9]{3})*$"), "vote \(votes)")
                #expect((Int(votes.replacingOccurrences(of: ",", with: "")) ?? 0) >= 2)
            }
            if let style = object["style"] {
                let fields = style as? [String: String] ?? [:]
                #expect(Set(fields.keys) == ["Size:", "Color:"] && fields.values.allSatisfy { $0.hasPrefix(" ") })
            }
        }
        let voted = lines.filter { $0.object["vote"] != nil }.count
        #expect(voted > 0 && voted < lines.count / 2, "vote is absent for most reviews")

        let meta = try SyntheticFiles.objects(metaURL)
        #expect(meta.count == generator.catalog.items.count)
        var metaAsins = Set<String>()
        for (_, object) in meta {
            metaAsins.insert(object["asin"] as? String ?? "")
            let price = object["price"] as? String
            #expect(price == "" || SyntheticFiles.matches(price ?? "-", "^\\$[1-9][0-9]{0,2}(,[0-9]{3})*\\.[0-9]{2}$|^\\$0\\.[0-9]{2}$"))
            let category = object["category"] as? [String] ?? []
            #expect(category.count == 2 && category[0] == "Clothing, Shoes & Jewelry")
            #expect(!(object["title"] as? String ?? "").isEmpty && !(object["brand"] as? String ?? "").isEmpty)
        }
        #expect(metaAsins.count == meta.count && asins.isSubset(of: metaAsins))
        #expect(meta.contains { ($0.object["price"] as? String ?? "").hasPrefix("$") })
    }

    @Test func votesUseThousandsSeparators() throws {
        #expect(SyntheticFormat.thousands(2) == "2" && SyntheticFormat.thousands(999) == "999")
        #expect(SyntheticFormat.thousands(1_234) == "1,234" && SyntheticFormat.thousands(1_234_567) == "1,234,567")
        #expect(SyntheticFormat.thousands(100_000) == "100,000" && SyntheticFormat.thousands(-1_000) == "-1,000")
        #expect(SyntheticFormat.price(cents: 1299) == "$12.99" && SyntheticFormat.price(cents: 129_905) == "$1,299.05")
        #expect(SyntheticFormat.reviewTime(1_458_000_000) == "03 15, 2016")
        var settings = smallSettings()
        settings.userCount = 20
        settings.voteProbability = 1
        settings.voteMedian = 800
        let reviews = try SyntheticReviewGenerator(settings: settings).reviews()
        let lines = reviews.map { SyntheticJSONLines.line($0) }
        #expect(reviews.contains { ($0.review.helpfulVotes ?? 0) >= 1000 })
        for (review, line) in zip(reviews, lines) {
            let votes = review.review.helpfulVotes ?? 0
            #expect(line.contains("\"vote\": \"\(SyntheticFormat.thousands(votes))\""))
            #expect((votes >= 1000) == SyntheticFiles.matches(line, "\"vote\": \"[0-9]+,"))
        }
    }

    @Test func stringsAreJSONEscaped() throws {
        let awkward = "say \"hi\" \\ back\nnew\tline \u{01}\u{1F} é ✓ </end>"
        let quoted = SyntheticJSONLines.quoted(awkward)
        #expect(!quoted.contains("\n") && !quoted.unicodeScalars.contains { $0.value < 0x20 })
        let parsed = try JSONSerialization.jsonObject(with: Data("[\(quoted)]".utf8)) as? [String]
        #expect(parsed == [awkward])
        var review = Review(user: "A\"1", item: "B0\\", rating: 3, text: awkward, summary: "a\nb", time: 1_500_000_000)
        review.verified = false
        let line = SyntheticJSONLines.line(SyntheticReview(review: review, style: nil))
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        let fields = (object ?? [:]).compactMapValues { $0 as? String }
        #expect(fields["reviewText"] == awkward)
        #expect(fields["reviewerID"] == "A\"1")
        #expect(fields["summary"] == "a\nb")
        #expect(fields["asin"] == "B0\\")
    }

    @Test func ratingsAreHigherInFavouriteCategories() throws {
        let generator = try SyntheticReviewGenerator(settings: smallSettings())
        let favourites = Dictionary(uniqueKeysWithValues: generator.catalog.users.map { ($0.id, Set($0.favouriteCategories)) })
        let category = Dictionary(uniqueKeysWithValues: generator.catalog.items.map { ($0.asin, $0.category) })
        var inFavourite: [Float] = [], elsewhere: [Float] = []
        for synthetic in generator.reviews() {
            let review = synthetic.review
            let isFavourite = favourites[review.user]?.contains(category[review.item] ?? -1) ?? false
            if isFavourite { inFavourite.append(review.rating) } else { elsewhere.append(review.rating) }
        }
        let mean = { (values: [Float]) in values.reduce(0, +) / Float(max(values.count, 1)) }
        #expect(inFavourite.count > 100 && elsewhere.count > 100)
        #expect(mean(inFavourite) > mean(elsewhere) + 1.0, "\(mean(inFavourite)) vs \(mean(elsewhere))")
        // Users review mostly in their favourite categories.
        #expect(inFavourite.count > elsewhere.count)
        // The ground-truth views agree with the catalog.
        let user = generator.catalog.users[0]
        #expect(generator.catalog.favouriteCategoriesByUser[user.id] == user.favouriteCategories.map { generator.catalog.categories[$0] })
        #expect(generator.catalog.categoryByItem.count == generator.catalog.items.count)
    }

    @Test func sentimentWordsFollowTheRating() throws {
        let generator = try SyntheticReviewGenerator(settings: smallSettings())
        let positive = Set(SyntheticLexicon.positive), negative = Set(SyntheticLexicon.negative)
        var counts: [Int: (positive: Int, negative: Int)] = [:]
        for synthetic in generator.reviews() {
            let words = synthetic.review.text.lowercased().split { !$0.isLetter }.map(String.init)
            let stars = Int(synthetic.review.rating)
            let p = words.filter(positive.contains).count, n = words.filter(negative.contains).count
            #expect(p + n >= 1)
            let old = counts[stars] ?? (0, 0)
            counts[stars] = (old.positive + p, old.negative + n)
        }
        func positiveShare(_ stars: [Int]) -> Double {
            let p = stars.reduce(0) { $0 + (counts[$1]?.positive ?? 0) }
            let n = stars.reduce(0) { $0 + (counts[$1]?.negative ?? 0) }
            return Double(p) / Double(max(p + n, 1))
        }
        #expect(positiveShare([4, 5]) > 0.75, "\(positiveShare([4, 5]))")
        #expect(positiveShare([1, 2]) < 0.25, "\(positiveShare([1, 2]))")
        #expect(abs(positiveShare([3]) - 0.5) < 0.15, "\(positiveShare([3]))")
    }

    @Test func popularityIsLongTailed() throws {
        let generator = try SyntheticReviewGenerator(settings: smallSettings())
        var perItem: [String: Int] = [:]
        let reviews = generator.reviews()
        for synthetic in reviews { perItem[synthetic.review.item, default: 0] += 1 }
        let counts = generator.catalog.items.map { perItem[$0.asin] ?? 0 }.sorted(by: >)
        let top = counts.prefix(counts.count / 10).reduce(0, +)
        let share = Double(top) / Double(reviews.count)
        #expect(share > 0.3, "top 10% of items get \(share) of reviews")
        // And it is the Zipf head that gets them.
        let head = Set(generator.catalog.items.filter { $0.popularityRank < counts.count / 10 }.map(\.asin))
        let headShare = Double(reviews.filter { head.contains($0.review.item) }.count) / Double(reviews.count)
        #expect(headShare > 0.25, "\(headShare)")
    }

    @Test func everyUserHasTheMinimumAndSomeHaveLittleMore() throws {
        let settings = smallSettings()
        let generator = try SyntheticReviewGenerator(settings: settings)
        var perUser: [String: Int] = [:]
        var pairs = Set<String>()
        for synthetic in generator.reviews() {
            perUser[synthetic.review.user, default: 0] += 1
            #expect(pairs.insert(synthetic.review.user + synthetic.review.item).inserted, "one review per user and item")
        }
        for user in generator.catalog.users {
            #expect(perUser[user.id] == user.reviewCount && user.reviewCount >= settings.minimumReviewsPerUser)
            #expect(user.reviewCount <= settings.maximumReviewsPerUser)
        }
        let low = generator.catalog.users.filter(\.isLowActivity)
        #expect(low.count > 10 && low.allSatisfy { $0.reviewCount <= settings.minimumReviewsPerUser + settings.lowActivityExtraReviews })
        #expect(generator.catalog.users.contains { $0.reviewCount > settings.minimumReviewsPerUser + 10 })
    }

    @Test func usersCanReviewTheWholeCatalogAndLargeCatalogsAreCheap() throws {
        var settings = smallSettings()
        settings.userCount = 10
        settings.itemCount = 12
        settings.categoryCount = 3
        settings.minimumReviewsPerUser = 12
        settings.writesReviewTime = false
        let generator = try SyntheticReviewGenerator(settings: settings)
        let reviews = generator.reviews()
        #expect(reviews.count == 120)
        for user in generator.catalog.users {
            #expect(Set(reviews.filter { $0.review.user == user.id }.map(\.review.item)).count == 12)
        }
        #expect(!SyntheticJSONLines.line(reviews[0], writesReviewTime: false).contains("reviewTime"))
        settings = smallSettings()
        settings.userCount = 50
        settings.itemCount = 20_000
        settings.categoryCount = 8
        let large = try SyntheticReviewGenerator(settings: settings)
        let clock = ContinuousClock()
        var count = 0
        let elapsed = clock.measure { large.forEachReview { _ in count += 1 } }
        #expect(count == large.catalog.users.reduce(0) { $0 + $1.reviewCount })
        #expect(elapsed < .seconds(2), "\(elapsed)")
    }

    @Test func invalidSettingsAreRejected() {
        var settings = smallSettings()
        settings.minimumReviewsPerUser = settings.itemCount + 1
        #expect(throws: SyntheticReviewError.self) { try SyntheticReviewGenerator(settings: settings) }
        settings = smallSettings()
        settings.positiveProbabilityByRating = [0.5]
        #expect(throws: SyntheticReviewError.self) { try SyntheticReviewGenerator(settings: settings) }
        settings = smallSettings()
        settings.categoryCount = 0
        #expect(throws: SyntheticReviewError.self) { try SyntheticReviewGenerator(settings: settings) }
    }
}

@Suite struct SyntheticReviewFixtureTests {
    /// The committed files are exactly what the generator writes for `SyntheticReviewSettings.fixture`.
    @Test func theFixtureMatchesTheGenerator() throws {
        let settings = SyntheticReviewSettings.fixture
        let generator = try SyntheticReviewGenerator(settings: settings)
        let reviewsFixture = SyntheticFiles.fixtures.appendingPathComponent("synthetic_reviews.json")
        let metaFixture = SyntheticFiles.fixtures.appendingPathComponent("synthetic_meta.json")
        if ProcessInfo.processInfo.environment["RECORL_WRITE_FIXTURES"] == "1" {
            try generator.writeReviews(to: reviewsFixture)
            try generator.writeMetadata(to: metaFixture)
        }
        let reviews = SyntheticFiles.temporary("reviews.json"), meta = SyntheticFiles.temporary("meta.json")
        defer { try? FileManager.default.removeItem(at: reviews); try? FileManager.default.removeItem(at: meta) }
        try generator.writeReviews(to: reviews)
        try generator.writeMetadata(to: meta)
        #expect(try Data(contentsOf: reviews) == Data(contentsOf: reviewsFixture))
        #expect(try Data(contentsOf: meta) == Data(contentsOf: metaFixture))
        #expect(generator.catalog.users.count == 200 && generator.catalog.items.count == 40)
        #expect(generator.catalog.users.allSatisfy { $0.reviewCount >= 10 })
    }
}
