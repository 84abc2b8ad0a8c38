import Foundation
import RecoNetworks

/// libFuzzer entry point: any bytes as a checkpoint file. `Checkpoint.read` must throw
/// `CheckpointError` or load; anything else (a trap, another error) is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheckpoint(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    do {
        let checkpoint = try Checkpoint.read(data: data, path: "fuzz")
        _ = checkpoint.isVerified
    } catch is CheckpointError {
    } catch {
        fatalError("Checkpoint.read threw \(type(of: error)), not a CheckpointError: \(error)")
    }
    return 0
}
