import Foundation

/// The `checksum` of a version-2 checkpoint: SHA-256 over the metadata and every tensor, in an
/// encoding that does not depend on the file's byte layout, so a file re-saved by another
/// safetensors writer (which may reorder the tensors and their offsets) still verifies, while any edit
/// of a name, dtype, shape, byte or metadata entry does not.
///
/// The hashed message, with `u64(n)` an 8-byte little-endian integer and `str(s)` = `u64(byte count
/// of s in UTF-8)` followed by those bytes:
///
///     str("recorl-checkpoint-checksum-2")
///     u64(number of metadata entries other than `checksum`)
///     for each such entry, in increasing order of the key's UTF-8 bytes: str(key) str(value)
///     u64(number of tensors)
///     for each tensor, in increasing order of the name's UTF-8 bytes:
///         str(name) str(dtype) u64(rank) u64(dimension)... u64(byte count) the bytes (little-endian)
///
/// The value written is `sha256:` and 64 lowercase hexadecimal digits.
enum CheckpointChecksum {
    /// The metadata key holding the checksum.
    static let key = "checksum"
    static let prefix = "sha256:"
    private static let domain = "recorl-checkpoint-checksum-2"

    /// One tensor as the checksum sees it.
    struct Tensor {
        let name: String
        let dtype: String
        let shape: [Int]
        let bytes: UnsafeRawBufferPointer
    }

    static func compute(metadata: [String: String], tensors: [Tensor]) -> String {
        var hash = SHA256()
        func integer(_ value: Int) {
            var little = UInt64(truncatingIfNeeded: value).littleEndian
            withUnsafeBytes(of: &little) { hash.update($0) }
        }
        func string(_ text: String) {
            let bytes = Array(text.utf8)
            integer(bytes.count)
            bytes.withUnsafeBytes { hash.update($0) }
        }
        string(domain)
        let entries = metadata.filter { $0.key != key }.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        integer(entries.count)
        for (entryKey, value) in entries {
            string(entryKey)
            string(value)
        }
        integer(tensors.count)
        for tensor in tensors.sorted(by: { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }) {
            string(tensor.name)
            string(tensor.dtype)
            integer(tensor.shape.count)
            for dimension in tensor.shape { integer(dimension) }
            integer(tensor.bytes.count)
            hash.update(tensor.bytes)
        }
        return prefix + hash.hex
    }

    /// Whether `text` has the form of a checksum this version writes.
    static func isWellFormed(_ text: String) -> Bool {
        guard text.hasPrefix(prefix) else { return false }
        let digits = text.utf8.dropFirst(prefix.utf8.count)
        return digits.count == 64 && digits.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// The checksum of the tensors and metadata of a parsed file.
    static func compute(_ file: SafeTensors) -> String {
        file.data.withUnsafeBytes { data in
            let tensors = file.entries.map { name, entry in
                Tensor(name: name, dtype: entry.dtype, shape: entry.shape,
                       bytes: UnsafeRawBufferPointer(rebasing: data[entry.byteRange]))
            }
            return compute(metadata: file.metadata, tensors: tensors)
        }
    }
}
