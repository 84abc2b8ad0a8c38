/// The shape of what an environment shows (observations) or accepts (actions).
public enum Space: Codable, Equatable, Sendable {
    /// One of `n` choices, numbered `0..<n`.
    case discrete(Int)
    /// A vector of `lower.count` reals, element `i` in `lower[i]...upper[i]` (infinite bounds allowed).
    case box(lower: [Float], upper: [Float])
    /// A ranked list of `k` distinct items out of `items` (a recommended slate).
    case slate(k: Int, items: Int)

    /// Number of values one element of the space takes in a batch row: `n` choices take 1 (the index),
    /// a box its dimension, a slate `k`.
    public var width: Int {
        switch self {
        case .discrete: return 1
        case let .box(lower, _): return lower.count
        case let .slate(k, _): return k
        }
    }

    /// Number of distinct actions of a discrete space (nil for the others).
    public var choices: Int? {
        if case let .discrete(n) = self { return n }
        return nil
    }

    /// A box of `width` unbounded reals.
    public static func unboundedBox(_ width: Int) -> Space {
        .box(lower: [Float](repeating: -.infinity, count: width), upper: [Float](repeating: .infinity, count: width))
    }
}
