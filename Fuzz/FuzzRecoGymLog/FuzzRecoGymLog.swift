import RecoEnvironments
import RecoSimulators

/// libFuzzer entry point: any bytes (as UTF-8, invalid sequences repaired) as a RecoGym CSV log
/// (`recorl ope --log`). What reads must write back to the same rows and convert to interactions in
/// both encodings (or fail with an error). Errors are expected; traps are findings.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecoGymLog(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = start.map { String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self) } ?? ""
    guard let rows = try? RecoGymLog.read(csv: text) else { return 0 }
    guard let again = try? RecoGymLog.read(csv: RecoGymLog.csv(rows)), again.count == rows.count else {
        fatalError("RecoGymLog.read rejects or changes what RecoGymLog.csv wrote of \(rows.count) rows")
    }
    let largest = rows.reduce(0) { max($0, $1.viewed ?? 0, $1.action ?? 0) }
    for observation in RecoGymObservation.allCases {
        _ = try? RecoGymLog.banditInteractions(rows, products: min(largest + 1, 64), observation: observation)
    }
    return 0
}
