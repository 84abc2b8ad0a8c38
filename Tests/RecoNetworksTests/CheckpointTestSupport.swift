import Foundation
@testable import RecoNetworks

/// Helpers for the checkpoint tests: reading a file's header, rewriting it, and re-signing an edited
/// file (recomputing its `checksum`, as a writer would) so a test can reach the checks behind it.
enum CheckpointBytes {
    static func headerLength(_ bytes: Data) -> Int {
        Int(bytes.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
    }

    static func header(_ bytes: Data) throws -> [String: Any] {
        let length = headerLength(bytes)
        return try JSONSerialization.jsonObject(with: bytes.subdata(in: 8..<(8 + length))) as! [String: Any]
    }

    /// `bytes` with its header replaced by `header` (the data section kept).
    static func replacingHeader(_ bytes: Data, with header: [String: Any]) throws -> Data {
        let length = headerLength(bytes)
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }
        var result = Data()
        var size = UInt64(json.count).littleEndian
        withUnsafeBytes(of: &size) { result.append(contentsOf: $0) }
        result.append(json)
        result.append(bytes.subdata(in: (8 + length)..<bytes.count))
        return result
    }

    /// `bytes` with its header rewritten through `edit`.
    static func editingHeader(_ bytes: Data, _ edit: (inout [String: Any]) -> Void) throws -> Data {
        var header = try header(bytes)
        edit(&header)
        return try replacingHeader(bytes, with: header)
    }

    /// The file with its `checksum` recomputed, when it has one and parses as safetensors; otherwise
    /// unchanged.
    static func resigned(_ bytes: Data) throws -> Data {
        guard let file = try? SafeTensors(bytes: bytes, path: "resign"), file.metadata[CheckpointChecksum.key] != nil else {
            return bytes
        }
        let checksum = CheckpointChecksum.compute(file)
        return try editingHeader(bytes) { header in
            var metadata = header["__metadata__"] as! [String: String]
            metadata[CheckpointChecksum.key] = checksum
            header["__metadata__"] = metadata
        }
    }
}

/// Every tensor of a checkpoint as bit patterns, by full name (parameters and optimiser buffers).
func tensorBits(_ checkpoint: Checkpoint) -> [String: [UInt32]] {
    var result: [String: [UInt32]] = [:]
    for entry in checkpoint.entries {
        let store = entry.model.parameters
        for tensor in store.tensors {
            result["\(entry.name).\(tensor.name)"] = store.values[tensor.offset..<(tensor.offset + tensor.count)].map(\.bitPattern)
        }
        for (name, buffer) in entry.optimizer?.stateBuffers ?? [] {
            result["\(entry.name).optimizer.\(name)"] = buffer.map(\.bitPattern)
        }
    }
    return result
}
