/// What a RecoGym agent observes of its user before each impression, as one row of floats.
///
/// RecoGym hands agents raw session events; learning agents need a fixed-width row. Both encodings
/// are built by `RecoGymObservationEncoder`, which the environment and the conversion of CSV logs
/// into interactions share, so a policy sees the same features online and on logged data.
public enum RecoGymObservation: String, Codable, Sendable, CaseIterable {
    /// Width P: the organic view counts per product since the agent's last action (after a user
    /// arrives, the views of the first organic session). What one RecoGym `step` returns.
    case recentViews
    /// Width 2P: the user's organic view counts per product since the user arrived, then a one-hot
    /// of the product the user viewed last (all zeros before the first view). The features of
    /// RecoGym's own baselines (view counts, and the last viewed product that organic and bandit
    /// counts act on); the default for training on `recogym`.
    case viewHistory

    /// The row width for `products` products.
    public func width(products: Int) -> Int { self == .recentViews ? products : 2 * products }
}

/// Accumulates one user's organic views and writes the `RecoGymObservation` row an agent acts on.
public struct RecoGymObservationEncoder: Codable, Equatable, Sendable {
    public let encoding: RecoGymObservation
    public let products: Int
    /// Views per product since the last action (`recentViews`) or since the user arrived (`viewHistory`).
    private var counts: [Float]
    /// The product the user viewed last (`viewHistory`), nil before the first view.
    public private(set) var lastViewed: Int?

    public init(encoding: RecoGymObservation, products: Int) {
        self.encoding = encoding
        self.products = products
        counts = [Float](repeating: 0, count: products)
    }

    /// Forgets everything: a new user arrives.
    public mutating func startUser() {
        for i in counts.indices { counts[i] = 0 }
        lastViewed = nil
    }

    /// Records an organic view of `product` (in `0..<products`).
    public mutating func view(_ product: Int) {
        counts[product] += 1
        lastViewed = product
    }

    /// Records that the agent acted: `recentViews` starts counting afresh; `viewHistory` keeps the history.
    public mutating func acted() {
        if encoding == .recentViews { for i in counts.indices { counts[i] = 0 } }
    }

    /// Writes the row into `row` (at least `encoding.width(products:)` values).
    public func write(into row: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<products { row[i] = counts[i] }
        guard encoding == .viewHistory else { return }
        for i in products..<(2 * products) { row[i] = 0 }
        if let lastViewed { row[products + lastViewed] = 1 }
    }

    /// The row as an array.
    public var row: [Float] {
        var values = [Float](repeating: 0, count: encoding.width(products: products))
        values.withUnsafeMutableBufferPointer { write(into: $0) }
        return values
    }
}
