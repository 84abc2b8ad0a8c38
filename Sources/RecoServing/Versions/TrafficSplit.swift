/// Stable assignment of requests to traffic shares: a request's key (a hash of its user id, or of its
/// event id when it names no user) is mixed with a salt per purpose into a number in [0, 1), so a user
/// keeps seeing the same policy while the shares stay the same, and the holdout and candidate draws are
/// independent of each other.
enum TrafficSplit {
    /// The salt of the fallback's holdout share.
    static let holdoutSalt: UInt64 = 0x686f_6c64_6f75_7421
    /// The salt of the candidate's share.
    static let candidateSalt: UInt64 = 0x6361_6e64_6964_6174

    /// The key of `user`: its UTF-8 bytes' 64-bit FNV-1a hash.
    static func key(user: String) -> UInt64 { FNV1a.hash(user.utf8) }

    /// A number in [0, 1) from `key` and `salt` (SplitMix64's finaliser over their sum; 53 bits).
    static func unit(_ key: UInt64, salt: UInt64) -> Double {
        var z = key &+ salt &* 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)
    }
}
