import Foundation

/// Which part of the chronological split a review belongs to.
public enum SplitPart: UInt8, Sendable, Codable, CaseIterable {
    /// The earliest reviews of each user (stored as 0).
    case train = 0
    /// The reviews after the training ones (1).
    case validation = 1
    /// The latest reviews (2).
    case test = 2
}

/// Reviews prepared for learning: dense user and item ids, scaled features, a sentiment column and a
/// chronological split, in columns of equal length (one row per review, ordered by user, then time,
/// then file order). Built by `prepare`, written by `write(to:)`, read back by `load(from:)`.
public struct ReviewDataset: Equatable {
    /// Users: dense id to `reviewerID`, in order of first appearance in the file among kept reviews.
    public var users: DenseIndex
    /// Items: dense id to `asin`, in order of first appearance among kept reviews.
    public var items: DenseIndex
    /// Per review: user id, item id, star rating, `unixReviewTime`.
    public var user: [UInt32], item: [UInt32], rating: [Float], time: [Int64]
    /// Per review: helpfulness, min-max scaled to [0, 1] over the kept reviews. Its raw value is
    /// helpful/total for the 2014 layout (0 when no votes were cast), else the vote count (0 when absent).
    public var helpfulness: [Float]
    /// Per review: its item's price, min-max scaled to [0, 1] over kept items (0 without metadata).
    public var price: [Float]
    /// Per review: the sentiment closure's score of its text.
    public var sentiment: [Float]
    /// Per review: train, validation or test.
    public var split: [SplitPart]
    /// Per item: scaled price, category id (its most specific category; `UInt32.max` when none), title, brand.
    public var itemPrice: [Float], itemCategory: [UInt32], itemTitle: [String], itemBrand: [String]
    /// Category names by id.
    public var categories: DenseIndex
    /// Whether prices came from a metadata file.
    public var hasPrice: Bool
    /// The raw ranges the scaled columns were scaled from (min, max).
    public var priceRange: [Float], helpfulnessRange: [Float]
    /// The figures of the preparation.
    public var summary: DatasetSummary

    /// Rows of the dataset.
    public var count: Int { user.count }

    /// A review kept between reading and encoding.
    struct Row {
        var user: UInt32, item: UInt32, rating: Float, time: Int64, helpfulness: Float, sentiment: Float, order: Int
    }

    // MARK: Preparing

    /// Reads `reviewsPath` (and `metadataPath`, when given) and prepares the dataset.
    public static func prepare(reviews reviewsPath: String, metadata metadataPath: String? = nil,
                               options: PreparationOptions = PreparationOptions()) throws -> ReviewDataset {
        try options.validate()
        var builder = Builder(options: options)
        let report = try ReviewFileReader.read(reviewsPath, options: options.read) { builder.add($0) }
        guard report.records > 0 else {
            throw ReviewDataError("\(reviewsPath): holds no well-formed review (\(report.malformedCount) malformed lines); expected review data")
        }
        var metadata: [String: ItemMetadata]?
        var metadataReport: IngestionReport?
        if let metadataPath {
            var found: [String: ItemMetadata] = [:]
            var seen = 0
            metadataReport = try ItemMetadataReader.read(metadataPath, options: options.read) { entry in
                seen += 1
                if builder.rawItems.id(of: entry.item) != nil { found[entry.item] = entry }
            }
            guard !found.isEmpty else {
                throw ReviewDataError("\(metadataPath): none of its \(seen) items' asins matches an item of \(reviewsPath); expected metadata for the reviewed products")
            }
            metadata = found
        }
        return try builder.finish(report: report, metadata: metadata, metadataReport: metadataReport)
    }

    /// Prepares the dataset from reviews already in memory (and optional metadata).
    public static func prepare(_ reviews: [Review], metadata: [ItemMetadata]? = nil,
                               options: PreparationOptions = PreparationOptions()) throws -> ReviewDataset {
        try options.validate()
        var builder = Builder(options: options)
        reviews.forEach { builder.add($0) }
        var report = IngestionReport()
        report.records = reviews.count
        let table = metadata.map { Dictionary($0.map { ($0.item, $0) }, uniquingKeysWith: { $1 }) }
        return try builder.finish(report: report, metadata: table, metadataReport: nil)
    }

    /// Collects rows while reading, then filters, encodes, scales and splits them.
    struct Builder {
        let options: PreparationOptions
        var rawUsers = DenseIndex(), rawItems = DenseIndex()
        var rows: [Row] = []
        var usesTotals = false
        var droppedMissingText = 0

        init(options: PreparationOptions) { self.options = options }

        mutating func add(_ review: Review) {
            if review.text.isEmpty && options.missingText == .drop {
                droppedMissingText += 1
                return
            }
            var helpfulness: Float = 0
            if let total = review.totalVotes {
                usesTotals = true
                helpfulness = total > 0 ? Float(review.helpfulVotes ?? 0) / Float(total) : 0
            } else if let votes = review.helpfulVotes {
                helpfulness = Float(votes)
            }
            let score = options.sentiment(review.text.isEmpty ? review.summary : review.text)
            rows.append(Row(user: rawUsers.encode(review.user), item: rawItems.encode(review.item), rating: review.rating,
                            time: review.time, helpfulness: helpfulness, sentiment: score.isFinite ? score : 0,
                            order: rows.count))
        }

        mutating func finish(report: IngestionReport, metadata: [String: ItemMetadata]?,
                             metadataReport: IngestionReport?) throws -> ReviewDataset {
            var summary = DatasetSummary()
            summary.reviewsRead = report.records
            summary.malformedLines = report.malformedCount
            summary.malformedExamples = report.malformed.prefix(20).map(\.description)
            summary.malformedMetadataLines = metadataReport?.malformedCount ?? 0
            summary.droppedMissingText = droppedMissingText
            summary.readSeconds = report.seconds
            summary.reviewsPerSecond = report.recordsPerSecond
            summary.megabytesPerSecond = report.megabytesPerSecond

            // Item prices (raw item ids), imputing or dropping the missing ones.
            var rawPrice = [Float?](repeating: nil, count: rawItems.count)
            if let metadata {
                for (id, name) in rawItems.names.enumerated() { rawPrice[id] = metadata[name]?.price }
                if options.missingPrice == .drop {
                    let before = rows.count
                    rows.removeAll { rawPrice[Int($0.item)] == nil }
                    summary.droppedMissingPrice = before - rows.count
                }
            }

            // One pass over users: keep those with at least k reviews.
            var perUser = [Int](repeating: 0, count: rawUsers.count)
            for row in rows { perUser[Int(row.user)] += 1 }
            let before = rows.count
            rows.removeAll { perUser[Int($0.user)] < options.minReviewsPerUser }
            summary.droppedByUserMinimum = before - rows.count
            summary.usersRemoved = perUser.filter { $0 > 0 && $0 < options.minReviewsPerUser }.count
            guard !rows.isEmpty else {
                throw ReviewDataError("min reviews per user: \(options.minReviewsPerUser) leaves no review (\(before) reviews of \(perUser.filter { $0 > 0 }.count) users before the filter); expected a smaller minimum or more data")
            }

            // Dense ids in order of first appearance among kept rows.
            var users = DenseIndex(), items = DenseIndex()
            var userMap = [UInt32](repeating: UInt32.max, count: rawUsers.count)
            var itemMap = [UInt32](repeating: UInt32.max, count: rawItems.count)
            for index in rows.indices {
                let rawUser = Int(rows[index].user), rawItem = Int(rows[index].item)
                if userMap[rawUser] == UInt32.max { userMap[rawUser] = users.encode(rawUsers.names[rawUser]) }
                if itemMap[rawItem] == UInt32.max { itemMap[rawItem] = items.encode(rawItems.names[rawItem]) }
                rows[index].user = userMap[rawUser]
                rows[index].item = itemMap[rawItem]
            }
            rows.sort { ($0.user, $0.time, $0.order) < ($1.user, $1.time, $1.order) }

            // Item attributes.
            var itemPriceRaw = [Float](repeating: 0, count: items.count)
            var itemCategory = [UInt32](repeating: UInt32.max, count: items.count)
            var itemTitle = [String](repeating: "", count: items.count), itemBrand = [String](repeating: "", count: items.count)
            var categories = DenseIndex()
            if let metadata {
                let known = items.names.compactMap { metadata[$0]?.price }.sorted()
                summary.itemsWithPrice = known.count
                let median: Float = known.isEmpty ? 0 : (known.count % 2 == 1 ? known[known.count / 2]
                    : (known[known.count / 2 - 1] + known[known.count / 2]) / 2)
                for (id, name) in items.names.enumerated() {
                    let entry = metadata[name]
                    if let price = entry?.price { itemPriceRaw[id] = price } else {
                        itemPriceRaw[id] = options.missingPrice == .zero ? 0 : median
                        summary.itemsImputedPrice += 1
                    }
                    if let entry {
                        if let category = entry.categories.last { itemCategory[id] = categories.encode(category) }
                        itemTitle[id] = entry.title
                        itemBrand[id] = entry.brand
                    }
                }
            }
            let priceRange = ReviewDataset.range(itemPriceRaw)
            let itemPrice = itemPriceRaw.map { ReviewDataset.scale($0, priceRange) }

            // Columns.
            let helpfulnessRange = ReviewDataset.range(rows.map(\.helpfulness))
            var split = [SplitPart](repeating: .train, count: rows.count)
            var start = 0
            while start < rows.count {
                var end = start
                while end < rows.count && rows[end].user == rows[start].user { end += 1 }
                let parts = options.split.counts(for: end - start)
                for index in (start + parts.train)..<end {
                    split[index] = index < start + parts.train + parts.validation ? .validation : .test
                }
                start = end
            }

            summary.users = users.count
            summary.items = items.count
            summary.reviews = rows.count
            summary.train = split.filter { $0 == .train }.count
            summary.validation = split.filter { $0 == .validation }.count
            summary.test = split.filter { $0 == .test }.count
            var sentimentCounts = [Int](repeating: 0, count: options.sentimentBins)
            var ratingSum = 0.0, sentimentSum = 0.0
            for row in rows {
                summary.ratingCounts[min(5, max(0, Int(row.rating.rounded())))] += 1
                ratingSum += Double(row.rating)
                sentimentSum += Double(row.sentiment)
                let position = (Double(min(1, max(-1, row.sentiment))) + 1) / 2 * Double(options.sentimentBins)
                sentimentCounts[min(options.sentimentBins - 1, Int(position))] += 1
            }
            summary.sentimentCounts = sentimentCounts
            summary.meanRating = ratingSum / Double(rows.count)
            summary.meanSentiment = sentimentSum / Double(rows.count)

            return ReviewDataset(
                users: users, items: items, user: rows.map(\.user), item: rows.map(\.item), rating: rows.map(\.rating),
                time: rows.map(\.time), helpfulness: rows.map { ReviewDataset.scale($0.helpfulness, helpfulnessRange) },
                price: rows.map { itemPrice[Int($0.item)] }, sentiment: rows.map(\.sentiment), split: split,
                itemPrice: itemPrice, itemCategory: itemCategory, itemTitle: itemTitle, itemBrand: itemBrand,
                categories: categories, hasPrice: metadata != nil, priceRange: [priceRange.0, priceRange.1],
                helpfulnessRange: [helpfulnessRange.0, helpfulnessRange.1], summary: summary)
        }
    }

    static func range(_ values: [Float]) -> (Float, Float) {
        guard let low = values.min(), let high = values.max() else { return (0, 0) }
        return (low, high)
    }

    /// Min-max scaling to [0, 1]; 0 when the range is empty.
    static func scale(_ value: Float, _ range: (Float, Float)) -> Float {
        range.1 > range.0 ? (value - range.0) / (range.1 - range.0) : 0
    }
}
