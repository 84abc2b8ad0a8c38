import RecoSimulators

/// libFuzzer entry point: any bytes (as UTF-8, invalid sequences repaired) as the `--user` text of
/// `recorl explain`. Errors are expected; traps are findings.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMarketingUser(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = start.map { String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self) } ?? ""
    if let user = try? MarketingUser.parse(text) {
        // What parse reads back from its own description must be the same user.
        guard let again = try? MarketingUser.parse(user.description) else {
            fatalError("MarketingUser.parse rejects its own description \(user.description)")
        }
        _ = again
    }
    return 0
}
