import Foundation

/// A file in the safetensors layout (used by Hugging Face and PyTorch tooling): an 8-byte
/// little-endian header length `N`, `N` bytes of JSON mapping each tensor name to its `dtype`, `shape`
/// and `data_offsets` (byte range within the data section), an optional `__metadata__` map of strings,
/// then the raw little-endian data.
///
/// Reading validates everything the layout promises (lengths, offsets that tile the data section
/// exactly, known dtypes, sizes that match shapes) and throws `CheckpointError` naming what is wrong.
public struct SafeTensors {
    /// Where one tensor's bytes are and how to read them.
    public struct Entry: Equatable {
        /// Element type as safetensors names it (`F32`, `F64`, `I64`, ...).
        public let dtype: String
        /// Dimensions, outermost first.
        public let shape: [Int]
        /// Byte range within the data section.
        public let byteRange: Range<Int>
    }

    /// Bytes per element of each dtype the layout defines.
    public static let dtypeSizes: [String: Int] = [
        "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
        "I32": 4, "U32": 4, "F32": 4, "F64": 8, "I64": 8, "U64": 8,
    ]
    /// Largest header accepted (as the reference implementation: 100 MB).
    public static let maximumHeaderLength = 100_000_000

    /// The tensors, by name.
    public let entries: [String: Entry]
    /// The `__metadata__` strings.
    public let metadata: [String: String]
    /// The data section.
    public let data: Data
    /// The path the file was read from (for error messages).
    public let path: String

    /// Reads and validates the file at `url`.
    public init(contentsOf url: URL) throws {
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url)
        } catch {
            throw CheckpointError.io(path: url.path, reason: "cannot read the file (\(error.localizedDescription))")
        }
        try self.init(bytes: bytes, path: url.path)
    }

    /// Validates `bytes` as a safetensors file; `path` names it in errors.
    public init(bytes: Data, path: String) throws {
        self.path = path
        guard bytes.count >= 8 else {
            throw CheckpointError.truncated(path: path, detail: "it has \(bytes.count) bytes, fewer than the 8-byte header length")
        }
        let headerLength = bytes.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(SafeTensors.maximumHeaderLength) else {
            throw CheckpointError.invalidField(path: path, field: "header length", value: "\(headerLength)",
                                               expected: "at most \(SafeTensors.maximumHeaderLength) bytes")
        }
        guard Int(headerLength) <= bytes.count - 8 else {
            throw CheckpointError.truncated(path: path, detail: "the header needs \(headerLength) bytes but only \(bytes.count - 8) follow the length")
        }
        let headerBytes = bytes.subdata(in: (bytes.startIndex + 8)..<(bytes.startIndex + 8 + Int(headerLength)))
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: headerBytes)
        } catch {
            throw CheckpointError.corruptedHeader(path: path, detail: "it is not valid JSON")
        }
        guard let header = json as? [String: Any] else {
            throw CheckpointError.corruptedHeader(path: path, detail: "it is not a JSON object")
        }
        data = bytes.subdata(in: (bytes.startIndex + 8 + Int(headerLength))..<bytes.endIndex)

        var metadata: [String: String] = [:]
        var entries: [String: Entry] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                guard let map = value as? [String: Any] else {
                    throw CheckpointError.invalidField(path: path, field: "__metadata__", value: "\(value)", expected: "an object of strings")
                }
                for (key, item) in map {
                    guard let text = item as? String else {
                        throw CheckpointError.invalidField(path: path, field: "__metadata__.\(key)", value: "\(item)", expected: "a string")
                    }
                    metadata[key] = text
                }
                continue
            }
            entries[name] = try SafeTensors.parseEntry(name, value, path: path)
        }
        // Offsets must tile the data section exactly: sorted by start, no gaps, no overlaps.
        var position = 0
        for (name, entry) in entries.sorted(by: { ($0.value.byteRange.lowerBound, $0.key) < ($1.value.byteRange.lowerBound, $1.key) }) {
            if entry.byteRange.upperBound > data.count {
                throw CheckpointError.truncated(path: path, detail: "tensor \(name) needs data bytes \(entry.byteRange.lowerBound)..<\(entry.byteRange.upperBound) but the data section has \(data.count)")
            }
            guard entry.byteRange.lowerBound == position else {
                throw CheckpointError.invalidField(path: path, field: "\(name).data_offsets", value: "\(entry.byteRange.lowerBound)",
                                                   expected: "\(position) (tensors must tile the data section without gaps or overlaps)")
            }
            position = entry.byteRange.upperBound
        }
        guard position == data.count else {
            throw CheckpointError.invalidField(path: path, field: "data section length", value: "\(data.count) bytes",
                                               expected: "\(position) bytes, the end of the last tensor")
        }
        self.entries = entries
        self.metadata = metadata
    }

    private static func parseEntry(_ name: String, _ value: Any, path: String) throws -> Entry {
        guard let object = value as? [String: Any] else {
            throw CheckpointError.invalidField(path: path, field: name, value: "\(value)", expected: "an object with dtype, shape and data_offsets")
        }
        guard let dtype = object["dtype"] as? String else {
            throw CheckpointError.invalidField(path: path, field: "\(name).dtype", value: "\(object["dtype"] ?? "nothing")", expected: "a dtype string")
        }
        guard let elementSize = dtypeSizes[dtype] else {
            throw CheckpointError.invalidField(path: path, field: "\(name).dtype", value: dtype,
                                               expected: "one of \(dtypeSizes.keys.sorted().joined(separator: ", "))")
        }
        guard let shape = integers(object["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
            throw CheckpointError.invalidField(path: path, field: "\(name).shape", value: "\(object["shape"] ?? "nothing")",
                                               expected: "a list of non-negative integers")
        }
        guard let offsets = integers(object["data_offsets"]), offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1] else {
            throw CheckpointError.invalidField(path: path, field: "\(name).data_offsets", value: "\(object["data_offsets"] ?? "nothing")",
                                               expected: "[begin, end] with 0 <= begin <= end")
        }
        // Sizes are untrusted: multiply with overflow checks (a shape of [2^61] throws, it does not trap).
        var elements = 1, overflow = false
        for dimension in shape {
            let (product, o) = elements.multipliedReportingOverflow(by: dimension)
            elements = product
            overflow = overflow || o
        }
        let (byteCount, byteOverflow) = elements.multipliedReportingOverflow(by: elementSize)
        guard !overflow, !byteOverflow else {
            throw CheckpointError.invalidField(path: path, field: "\(name).shape", value: "\(shape)",
                                               expected: "dimensions whose product of \(elementSize)-byte \(dtype) elements fits in \(Int.max) bytes")
        }
        guard byteCount == offsets[1] - offsets[0] else {
            throw CheckpointError.invalidField(path: path, field: "\(name).data_offsets", value: "\(offsets)",
                                               expected: "a span of \(elements) x \(elementSize) bytes for shape \(shape) of \(dtype)")
        }
        return Entry(dtype: dtype, shape: shape, byteRange: offsets[0]..<offsets[1])
    }

    private static func integers(_ value: Any?) -> [Int]? {
        guard let list = value as? [Any] else { return nil }
        var result: [Int] = []
        for item in list {
            guard let number = item as? NSNumber,
                  let integer = Int(exactly: number.doubleValue) else { return nil }
            result.append(integer)
        }
        return result
    }

    /// The F32 tensor `name` as an array, checking it exists with the expected `shape`.
    public func floats(_ name: String, shape expected: [Int]) throws -> [Float] {
        guard let entry = entries[name] else {
            throw CheckpointError.mismatch(path: path, detail: "tensor \(name) is missing")
        }
        guard entry.dtype == "F32" else {
            throw CheckpointError.mismatch(path: path, detail: "tensor \(name) has dtype \(entry.dtype), expected F32")
        }
        guard entry.shape == expected else {
            throw CheckpointError.mismatch(path: path, detail: "tensor \(name) has shape \(entry.shape), expected \(expected)")
        }
        var result = [Float](repeating: 0, count: entry.byteRange.count / 4)
        result.withUnsafeMutableBytes { target in
            data.withUnsafeBytes { source in
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[entry.byteRange]))
            }
        }
        #if _endian(big)
        for i in result.indices { result[i] = Float(bitPattern: UInt32(littleEndian: result[i].bitPattern)) }
        #endif
        return result
    }

    /// A tensor to write: name, shape and its Float32 values.
    public struct Tensor {
        public let name: String
        public let shape: [Int]
        public let values: UnsafeBufferPointer<Float>

        public init(name: String, shape: [Int], values: UnsafeBufferPointer<Float>) {
            precondition(shape.reduce(1, *) == values.count, "tensor \(name): shape \(shape) does not hold \(values.count) values")
            self.name = name
            self.shape = shape
            self.values = values
        }
    }

    /// The bytes of a safetensors file holding `tensors` (F32, in the given order) and `metadata`.
    public static func encode(_ tensors: [Tensor], metadata: [String: String]) throws -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for tensor in tensors {
            let size = tensor.values.count * 4
            header[tensor.name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + size]] as [String: Any]
            offset += size
        }
        var headerBytes = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
        while headerBytes.count % 8 != 0 { headerBytes.append(UInt8(ascii: " ")) }
        var file = Data(capacity: 8 + headerBytes.count + offset)
        var length = UInt64(headerBytes.count).littleEndian
        withUnsafeBytes(of: &length) { file.append(contentsOf: $0) }
        file.append(headerBytes)
        for tensor in tensors {
            #if _endian(big)
            for value in tensor.values {
                var bits = value.bitPattern.littleEndian
                withUnsafeBytes(of: &bits) { file.append(contentsOf: $0) }
            }
            #else
            file.append(UnsafeBufferPointer(start: tensor.values.baseAddress, count: tensor.values.count))
            #endif
        }
        return file
    }

    /// Writes `bytes` to `url` atomically: a crash or full disk leaves either the old file or the new
    /// one, never a partial file.
    public static func writeAtomically(_ bytes: Data, to url: URL) throws {
        do {
            try bytes.write(to: url, options: [.atomic])
        } catch {
            throw CheckpointError.io(path: url.path, reason: "cannot write the file (\(error.localizedDescription))")
        }
    }
}
