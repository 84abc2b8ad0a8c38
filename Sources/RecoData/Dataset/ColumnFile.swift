import Foundation

/// The element type of a column file.
public enum ColumnType: String, Codable, Sendable {
    /// Bytes (the split), 32-bit ids, 64-bit times, 32-bit floats, and UTF-8 strings with offsets.
    case uint8, uint32, int64, float32, string

    /// Its code in the header.
    var code: UInt32 {
        switch self {
        case .uint8: return 1
        case .uint32: return 2
        case .int64: return 3
        case .float32: return 4
        case .string: return 5
        }
    }

    /// Bytes per element (for strings, per offset).
    var width: Int {
        switch self {
        case .uint8: return 1
        case .uint32, .float32: return 4
        case .int64, .string: return 8
        }
    }
}

/// One column in its own file: a 32-byte little-endian header (magic "RCOL", format version (UInt32),
/// type code (UInt32), element width (UInt32), element count (UInt64), payload bytes (UInt64)), then the
/// values, little-endian. Strings are `count + 1` UInt64 offsets into the UTF-8 bytes that follow.
enum ColumnFile {
    static let magic: [UInt8] = Array("RCOL".utf8)
    static let version: UInt32 = 1
    static let headerSize = 32

    // MARK: Writing

    static func header(_ type: ColumnType, count: Int, payload: Int) -> Data {
        var data = Data(magic)
        append(&data, version)
        append(&data, type.code)
        append(&data, UInt32(type.width))
        append(&data, UInt64(count))
        append(&data, UInt64(payload))
        return data
    }

    static func append<T: FixedWidthInteger>(_ data: inout Data, _ value: T) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }

    static func encode<T: FixedWidthInteger>(_ values: [T], type: ColumnType) -> Data {
        var data = header(type, count: values.count, payload: values.count * type.width)
        data.reserveCapacity(headerSize + values.count * type.width)
        let little = values.map(\.littleEndian)
        little.withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }

    static func encode(_ values: [Float]) -> Data { encode(values.map(\.bitPattern), type: .float32) }

    static func encode(_ values: [String]) -> Data {
        var offsets: [UInt64] = [0]
        var blob = Data()
        for value in values {
            blob.append(contentsOf: value.utf8)
            offsets.append(UInt64(blob.count))
        }
        var data = header(.string, count: values.count, payload: offsets.count * 8 + blob.count)
        offsets.map(\.littleEndian).withUnsafeBytes { data.append(contentsOf: $0) }
        data.append(blob)
        return data
    }

    // MARK: Reading

    /// A column file's bytes with its header checked against the manifest's `type` and `count`.
    struct Reader {
        let data: Data
        let file: String
        let field: String
        let count: Int

        init(directory: URL, file: String, field: String, type: ColumnType, count: Int) throws {
            let url = directory.appendingPathComponent(file)
            guard let data = try? Data(contentsOf: url, options: .alwaysMapped) else {
                throw ReviewDataError("\(url.path): cannot be read; expected column \(field) of a prepared dataset")
            }
            self.data = data
            self.file = url.path
            self.field = field
            self.count = count
            func bad(_ what: String) -> ReviewDataError { ReviewDataError("\(url.path): column \(field): \(what)") }
            guard data.count >= ColumnFile.headerSize else {
                throw bad("\(data.count) bytes is not valid; expected at least a \(ColumnFile.headerSize)-byte header")
            }
            guard Array(data.prefix(4)) == ColumnFile.magic else { throw bad("magic bytes are not valid; expected \"RCOL\"") }
            let version: UInt32 = load(4), code: UInt32 = load(8), width: UInt32 = load(12)
            let stored: UInt64 = load(16), payload: UInt64 = load(24)
            guard version == ColumnFile.version else { throw bad("format version \(version) is not valid; expected \(ColumnFile.version)") }
            guard code == type.code, width == UInt32(type.width) else {
                throw bad("type code \(code) (width \(width)) is not valid; expected \(type.rawValue) (code \(type.code))")
            }
            guard stored == UInt64(count) else { throw bad("count \(stored) is not valid; expected \(count), as in the manifest") }
            guard payload == UInt64(data.count - ColumnFile.headerSize) else {
                throw bad("payload of \(data.count - ColumnFile.headerSize) bytes does not match the header's \(payload); the file is truncated or damaged")
            }
            if type != .string {
                guard payload == UInt64(count * type.width) else {
                    throw bad("payload of \(payload) bytes is not valid; expected \(count * type.width) (\(count) values of \(type.width) bytes)")
                }
            } else {
                guard payload >= UInt64((count + 1) * 8) else {
                    throw bad("payload of \(payload) bytes is not valid; expected at least \((count + 1) * 8) bytes of offsets")
                }
            }
        }

        func load<T: FixedWidthInteger>(_ offset: Int) -> T {
            data.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
        }

        func integers<T: FixedWidthInteger>(_: T.Type) -> [T] {
            data.withUnsafeBytes { raw in
                (0..<count).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: ColumnFile.headerSize + $0 * MemoryLayout<T>.size, as: T.self)) }
            }
        }

        func floats() -> [Float] { integers(UInt32.self).map(Float.init(bitPattern:)) }

        func strings() throws -> [String] {
            let offsets = integers(UInt64.self) + [load(ColumnFile.headerSize + count * 8)]
            let blobStart = ColumnFile.headerSize + (count + 1) * 8
            let blobSize = UInt64(data.count - blobStart)
            guard offsets.first == 0, offsets.last == blobSize else {
                throw ReviewDataError("\(file): column \(field): string offsets end at \(offsets.last ?? 0) is not valid; expected \(blobSize), the bytes after the offsets")
            }
            var values: [String] = []
            values.reserveCapacity(count)
            for index in 0..<count {
                let low = offsets[index], high = offsets[index + 1]
                guard low <= high else {
                    throw ReviewDataError("\(file): column \(field): offset \(index + 1) (\(high)) is not valid; expected offsets that never decrease")
                }
                let bytes = data[(data.startIndex + blobStart + Int(low))..<(data.startIndex + blobStart + Int(high))]
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    throw ReviewDataError("\(file): column \(field): value \(index) is not valid; expected UTF-8 text")
                }
                values.append(text)
            }
            return values
        }
    }
}
