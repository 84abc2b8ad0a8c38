/// The 64-bit FNV-1a hash: a checkpoint's bytes into its version label, a user id into its routing key.
/// Stable across runs and machines (unlike Swift's seeded `Hasher`), which both uses need.
enum FNV1a {
    static func hash<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        bytes.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
    }
}
