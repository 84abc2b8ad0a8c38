import Foundation
import RecoTensor

/// The `style` of a synthetic review (the 2018 files' `{"Size:": " M", "Color:": " Navy"}`).
public struct SyntheticStyle: Equatable, Sendable {
    /// Size name.
    public var size: String
    /// Colour name.
    public var color: String

    /// A style of `size` and `color`.
    public init(size: String, color: String) {
        self.size = size
        self.color = color
    }
}

/// One generated review: the raw `Review` plus the fields only the synthetic files carry.
public struct SyntheticReview: Equatable, Sendable {
    /// The review as the ingestion code sees it.
    public var review: Review
    /// Size and colour, nil for most reviews.
    public var style: SyntheticStyle?

    /// A review with an optional style.
    public init(review: Review, style: SyntheticStyle? = nil) {
        self.review = review
        self.style = style
    }
}

/// Generates review data with known structure: Zipf-popular items in categories, users who prefer one or
/// two categories, ratings that follow the match of taste and category, texts whose sentiment words follow
/// the rating.
///
/// All randomness comes from one `RandomGenerator` (seeded from `settings.seed` or passed in), so the same
/// settings give the same catalog and reviews. Reviews are produced one at a time (`forEachReview`), so files
/// of any size are written without holding them in memory.
public struct SyntheticReviewGenerator {
    /// The settings the data follows.
    public let settings: SyntheticReviewSettings
    /// The ground truth: categories, items (with categories, popularity, prices) and users (with favourites).
    public let catalog: SyntheticCatalog
    /// The generator the reviews are drawn from, copied afresh by every pass.
    private let reviewRandom: RandomGenerator
    /// Items of each category, and their cumulative popularity.
    private let itemsByCategory: [[Int]]
    private let cumulativePopularityByCategory: [[Double]]

    /// A generator seeded from `settings.seed`; throws `SyntheticReviewError.invalidSetting`.
    public init(settings: SyntheticReviewSettings = SyntheticReviewSettings()) throws {
        var random = RandomGenerator(seed: settings.seed)
        try self.init(settings: settings, random: &random)
    }

    /// A generator drawing from `random` (which advances by two splits); `settings.seed` is not used.
    public init(settings: SyntheticReviewSettings, random: inout RandomGenerator) throws {
        try settings.validate()
        self.settings = settings
        var catalogRandom = random.split()
        let catalog = SyntheticCatalog(settings: settings, random: &catalogRandom)
        self.catalog = catalog
        reviewRandom = random.split()
        var byCategory = [[Int]](repeating: [], count: catalog.categories.count)
        for (index, item) in catalog.items.enumerated() { byCategory[item.category].append(index) }
        itemsByCategory = byCategory
        cumulativePopularityByCategory = byCategory.map { indices in
            var total = 0.0
            return indices.map { total += catalog.items[$0].popularity; return total }
        }
    }

    /// Calls `body` with every review, user by user, each user's in increasing time.
    public func forEachReview(_ body: (SyntheticReview) throws -> Void) rethrows {
        var random = reviewRandom
        let text = SyntheticTextWriter(settings: settings)
        let masses = cumulativePopularityByCategory.map { $0.last ?? 0 }
        for user in catalog.users {
            let chosen = chooseItems(for: user, masses: masses, random: &random)
            var day = Int64(random.index(below: settings.firstReviewSpanDays))
            for (position, itemIndex) in chosen.enumerated() {
                if position > 0 {
                    day += 1 + Int64((-Foundation.log(1 - random.uniformDouble()) * settings.meanGapDays).rounded(.down))
                }
                let item = catalog.items[itemIndex]
                let rating = self.rating(user: user, item: item, random: &random)
                let reviewText = text.text(rating: rating, random: &random)
                let summary = text.summary(rating: rating, random: &random)
                var votes: Int? = nil
                if random.bernoulli(settings.voteProbability) {
                    let draw = Foundation.log(settings.voteMedian) + settings.voteLogSpread * Double(random.normal())
                    votes = 2 + Int(min(Foundation.exp(draw), 1e9))
                }
                let verified = random.bernoulli(settings.verifiedProbability)
                var style: SyntheticStyle? = nil
                if random.bernoulli(settings.styleProbability) {
                    style = SyntheticStyle(size: settings.sizes[random.index(below: settings.sizes.count)],
                                           color: settings.colors[random.index(below: settings.colors.count)])
                }
                let review = Review(user: user.id, item: item.asin, rating: Float(rating), text: reviewText,
                                    summary: summary, time: settings.startTime + day * 86_400,
                                    helpfulVotes: votes, verified: verified)
                try body(SyntheticReview(review: review, style: style))
            }
        }
    }

    /// All reviews in memory (for small settings; files should be written with `writeReviews(to:)`).
    public func reviews() -> [SyntheticReview] {
        var all: [SyntheticReview] = []
        forEachReview { all.append($0) }
        return all
    }

    /// A rating 1...5: the category's mean for the user's taste, plus item quality and noise, rounded.
    private func rating(user: SyntheticUser, item: SyntheticItem, random: inout RandomGenerator) -> Int {
        let weight = settings.favouriteCategoryWeight
        let match = weight > 1 ? Float((user.taste[item.category] - 1) / (weight - 1)) : 0
        let mean = settings.otherRatingMean + (settings.favouriteRatingMean - settings.otherRatingMean) * match
        let value = mean + item.quality + random.normal(mean: 0, standardDeviation: settings.ratingNoise)
        return Int(min(5, max(1, value.rounded())))
    }

    /// `user.reviewCount` distinct items with probability proportional to taste[category] × popularity,
    /// drawn one after another without replacement (by rejecting repeats), in random order.
    private func chooseItems(for user: SyntheticUser, masses: [Double], random: inout RandomGenerator) -> [Int] {
        var categoryCumulative: [Double] = []
        var total = 0.0
        for (c, mass) in masses.enumerated() {
            total += user.taste[c] * mass
            categoryCumulative.append(total)
        }
        var chosen: [Int] = []
        var taken = Set<Int>()
        var rejections = 0
        while chosen.count < user.reviewCount && rejections < 64 * user.reviewCount + 64 {
            let c = SyntheticReviewGenerator.search(categoryCumulative, random.uniformDouble() * total)
            let cumulative = cumulativePopularityByCategory[c]
            let i = itemsByCategory[c][SyntheticReviewGenerator.search(cumulative, random.uniformDouble() * (cumulative.last ?? 0))]
            if taken.insert(i).inserted { chosen.append(i) } else { rejections += 1 }
        }
        if chosen.count < user.reviewCount {
            // Nearly every likely item is taken: finish exactly, with the taken items' weights at zero.
            var weights = catalog.items.enumerated().map { index, item in
                taken.contains(index) ? Float(0) : Float(user.taste[item.category] * item.popularity)
            }
            while chosen.count < user.reviewCount {
                // Weights that underflowed to zero (a huge exponent) leave the untaken items in order.
                let i = weights.contains(where: { $0 > 0 }) ? random.categorical(weights)
                    : (0..<weights.count).first(where: { !taken.contains($0) }) ?? 0
                weights[i] = 0
                taken.insert(i)
                chosen.append(i)
            }
        }
        random.shuffle(&chosen)
        return chosen
    }

    /// The first index whose cumulative value exceeds `target` (the last index if none does).
    private static func search(_ cumulative: [Double], _ target: Double) -> Int {
        var low = 0, high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] > target { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
