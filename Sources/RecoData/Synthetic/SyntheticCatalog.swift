import Foundation
import RecoTensor

/// One synthetic product: the ground truth behind its metadata line and its reviews.
public struct SyntheticItem: Equatable, Sendable {
    /// The asin-like id: "B0" and 8 upper-case letters or digits.
    public var asin: String
    /// Index into `SyntheticCatalog.categories`.
    public var category: Int
    /// Popularity rank, 0 for the most popular item.
    public var popularityRank: Int
    /// Unnormalised Zipf weight, 1 / (rank + 1)^exponent.
    public var popularity: Double
    /// Price in cents, nil when the item has none.
    public var priceCents: Int?
    /// Quality offset added to every rating of the item.
    public var quality: Float
    /// Product title.
    public var title: String
    /// Brand.
    public var brand: String
}

/// One synthetic reviewer: taste and activity.
public struct SyntheticUser: Equatable, Sendable {
    /// The reviewerID-like id: "A" and 13 upper-case letters or digits.
    public var id: String
    /// Favourite category indices (one or two), the ground truth of the user's taste.
    public var favouriteCategories: [Int]
    /// Taste weight per category (favourites `favouriteCategoryWeight`, others 1).
    public var taste: [Double]
    /// How many reviews the user writes.
    public var reviewCount: Int
    /// Whether the user is one of the low-activity users.
    public var isLowActivity: Bool
}

/// The ground truth of a synthetic data set: categories, items and users.
public struct SyntheticCatalog: Equatable, Sendable {
    /// Category names, indexed by `SyntheticItem.category`.
    public var categories: [String]
    /// Items in asin-generation order.
    public var items: [SyntheticItem]
    /// Users in the order their reviews are written.
    public var users: [SyntheticUser]

    /// Each item's category name, by asin.
    public var categoryByItem: [String: String] {
        Dictionary(uniqueKeysWithValues: items.map { ($0.asin, categories[$0.category]) })
    }

    /// Each user's favourite category names, by reviewerID.
    public var favouriteCategoriesByUser: [String: [String]] {
        Dictionary(uniqueKeysWithValues: users.map { user in (user.id, user.favouriteCategories.map { categories[$0] }) })
    }

    /// Draws a catalog from `settings` (already validated) with `random`.
    init(settings: SyntheticReviewSettings, random: inout RandomGenerator) {
        let categoryCount = settings.categoryCount
        categories = (0..<categoryCount).map { c in
            c < settings.categoryNames.count ? settings.categoryNames[c] : "Category \(c + 1)"
        }
        let medians = (0..<categoryCount).map { _ in
            let low = Foundation.log(settings.categoryMedianPriceRange.lowerBound)
            let high = Foundation.log(settings.categoryMedianPriceRange.upperBound)
            return Foundation.exp(low + (high - low) * random.uniformDouble())
        }
        var ranks = Array(0..<settings.itemCount)
        random.shuffle(&ranks)
        var usedIDs = Set<String>()
        var items: [SyntheticItem] = []
        items.reserveCapacity(settings.itemCount)
        for index in 0..<settings.itemCount {
            let asin = SyntheticCatalog.uniqueID(prefix: "B0", length: 8, used: &usedIDs, random: &random)
            let category = index % categoryCount
            let rank = ranks[index]
            var price: Int? = nil
            let logPrice = Foundation.log(medians[category]) + settings.priceLogSpread * Double(random.normal())
            if !random.bernoulli(settings.missingPriceProbability) {
                price = Int((max(settings.minimumPrice, Foundation.exp(logPrice)) * 100).rounded())
            }
            let quality = random.normal(mean: 0, standardDeviation: settings.itemQualitySpread)
            let brand = settings.brandNames[random.index(below: settings.brandNames.count)]
            let color = settings.colors[random.index(below: settings.colors.count)]
            let style = 100 + random.index(below: 900)
            items.append(SyntheticItem(
                asin: asin, category: category, popularityRank: rank,
                popularity: 1 / Foundation.pow(Double(rank + 1), settings.popularityExponent),
                priceCents: price, quality: quality,
                title: "\(brand) \(color) \(categories[category]), Style \(style)", brand: brand))
        }
        self.items = items

        var users: [SyntheticUser] = []
        users.reserveCapacity(settings.userCount)
        let cap = min(settings.maximumReviewsPerUser, settings.itemCount)
        for _ in 0..<settings.userCount {
            let id = SyntheticCatalog.uniqueID(prefix: "A", length: 13, used: &usedIDs, random: &random)
            var favourites = [random.index(below: categoryCount)]
            if categoryCount > 1 && random.bernoulli(settings.secondFavouriteProbability) {
                let other = random.index(below: categoryCount - 1)
                favourites.append(other >= favourites[0] ? other + 1 : other)
            }
            var taste = [Double](repeating: 1, count: categoryCount)
            for f in favourites { taste[f] = settings.favouriteCategoryWeight }
            let isLow = random.bernoulli(settings.lowActivityFraction)
            let extra: Int
            if isLow {
                extra = random.index(below: settings.lowActivityExtraReviews + 1)
            } else {
                let draw = Foundation.log(settings.activeExtraReviewsMedian)
                    + settings.activeExtraReviewsLogSpread * Double(random.normal())
                extra = Int(min(Foundation.exp(draw), Double(cap)).rounded())
            }
            users.append(SyntheticUser(id: id, favouriteCategories: favourites, taste: taste,
                                       reviewCount: min(settings.minimumReviewsPerUser + extra, cap),
                                       isLowActivity: isLow))
        }
        self.users = users
    }

    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")

    /// `prefix` and `length` random letters or digits, redrawn until unused.
    private static func uniqueID(prefix: String, length: Int, used: inout Set<String>,
                                 random: inout RandomGenerator) -> String {
        while true {
            var id = prefix
            for _ in 0..<length { id.append(alphabet[random.index(below: alphabet.count)]) }
            if used.insert(id).inserted { return id }
        }
    }
}
