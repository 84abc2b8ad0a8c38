import RecoTensor

/// The reviews of a prepared dataset as one timeline per user, in the form the `reviews` environment,
/// its evaluation and the ranking baselines read: per review its item, rating, sentiment, helpfulness,
/// item price and time, users' reviews contiguous and in time order, plus running sums for user-level
/// features. Immutable and shared by every environment copy.
public final class ReviewTimelines: Sendable {
    /// Items in the catalogue (`I`); item ids lie in `0..<itemCount`.
    public let itemCount: Int
    /// Per review (dataset row order: by user, then time).
    public let item: [Int32], rating: [Float], sentiment: [Float], helpfulness: [Float], price: [Float]
    /// Per review: days since the user's previous review (0 for the first).
    public let gapDays: [Float]
    /// Per user: the rows of their reviews.
    public let userRows: [Range<Int>]
    /// Per review: sums of rating, sentiment and price over the user's reviews before it.
    let ratingBefore: [Float], sentimentBefore: [Float], priceBefore: [Float]

    /// The timelines of `dataset`; throws `ReviewDataError` when its rows are not grouped by user in time order.
    public init(_ dataset: ReviewDataset) throws {
        itemCount = dataset.items.count
        item = dataset.item.map { Int32($0) }
        rating = dataset.rating
        sentiment = dataset.sentiment
        helpfulness = dataset.helpfulness
        price = dataset.price
        var rows = [Range<Int>](repeating: 0..<0, count: dataset.users.count)
        var gaps = [Float](repeating: 0, count: dataset.count)
        var ratingBefore = [Float](repeating: 0, count: dataset.count)
        var sentimentBefore = ratingBefore, priceBefore = ratingBefore
        var start = 0
        while start < dataset.count {
            let user = Int(dataset.user[start])
            guard user < rows.count, rows[user].isEmpty else {
                throw ReviewDataError("dataset row \(start): user \(user) is not valid here; expected each user's reviews in one run of rows")
            }
            var end = start + 1
            while end < dataset.count && dataset.user[end] == dataset.user[start] { end += 1 }
            for row in (start + 1)..<max(start + 1, end) {
                guard dataset.time[row] >= dataset.time[row - 1] else {
                    throw ReviewDataError("dataset row \(row): time \(dataset.time[row]) is not valid; expected the user's reviews in time order")
                }
                gaps[row] = Float(dataset.time[row] - dataset.time[row - 1]) / 86_400
                ratingBefore[row] = ratingBefore[row - 1] + dataset.rating[row - 1]
                sentimentBefore[row] = sentimentBefore[row - 1] + dataset.sentiment[row - 1]
                priceBefore[row] = priceBefore[row - 1] + dataset.price[row - 1]
            }
            rows[user] = start..<end
            start = end
        }
        userRows = rows
        gapDays = gaps
        self.ratingBefore = ratingBefore
        self.sentimentBefore = sentimentBefore
        self.priceBefore = priceBefore
    }

    /// Users in the dataset.
    public var userCount: Int { userRows.count }

    /// How often each item was reviewed by `users` (the training popularity of the baselines and of
    /// the long-tail share).
    public func popularity(of users: [Int]) -> [Int] {
        var counts = [Int](repeating: 0, count: itemCount)
        for user in users { for row in userRows[user] { counts[Int(item[row])] += 1 } }
        return counts
    }

    /// The weight of review `row` under `weight`.
    public func gain(ofRow row: Int, _ weight: ReviewRewardWeight) -> Float {
        switch weight {
        case .binary: return 1
        case .rating: return min(max(rating[row], 0), 5) / 5
        case .sentiment: return (min(max(sentiment[row], -1), 1) + 1) / 2
        }
    }

    /// The reward of recommending `item` to `user` before the review at `position` of their timeline:
    /// the gain of its first review among the next `horizon` reviews, 0 when it is not among them.
    public func reward(of item: Int32, user: Int, position: Int, horizon: Int, weight: ReviewRewardWeight) -> Float {
        let rows = userRows[user]
        let start = rows.lowerBound + position
        for row in start..<min(rows.upperBound, start + horizon) where self.item[row] == item {
            return gain(ofRow: row, weight)
        }
        return 0
    }
}

/// Which users train and which are held out for evaluation: a seeded shuffle of the users with at
/// least two reviews (one to show, one to predict).
public struct ReviewUserSplit: Equatable, Sendable {
    /// Users whose timelines training walks, ascending.
    public let training: [Int]
    /// Users kept for evaluation, ascending.
    public let heldOut: [Int]

    /// The split of `timelines` by `settings`; throws `ReviewDataError` when it leaves no training user,
    /// or no held-out user while `heldOutShare` is above 0.
    public init(_ timelines: ReviewTimelines, settings: ReviewsSettings) throws {
        var users = (0..<timelines.userCount).filter { timelines.userRows[$0].count >= 2 }
        guard !users.isEmpty else {
            throw ReviewDataError("dataset: no user has two reviews; expected users with a history and a next review (prepare with --min-reviews 2 or more)")
        }
        var generator = RandomGenerator(seed: settings.userSplitSeed)
        generator.shuffle(&users)
        let held = Int((settings.heldOutShare * Double(users.count)).rounded(.up))
        guard held < users.count else {
            throw ReviewDataError("reviews setting heldOutShare: \(settings.heldOutShare) leaves no training user among \(users.count); expected a smaller share")
        }
        heldOut = users.prefix(held).sorted()
        training = users.dropFirst(held).sorted()
    }
}
