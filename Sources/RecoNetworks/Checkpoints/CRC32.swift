/// CRC-32 (the IEEE polynomial used by zip and PNG), to detect damaged checkpoint data.
struct CRC32 {
    private static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    private var state: UInt32 = 0xFFFF_FFFF

    /// Adds `bytes` to the checksum.
    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var crc = state
        CRC32.table.withUnsafeBufferPointer { t in
            for byte in bytes { crc = t[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        state = crc
    }

    /// The checksum so far as eight lowercase hexadecimal digits.
    var hex: String {
        let value = String(state ^ 0xFFFF_FFFF, radix: 16)
        return String(repeating: "0", count: 8 - value.count) + value
    }

    /// The checksum of `bytes` as eight lowercase hexadecimal digits.
    static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
        var crc = CRC32()
        crc.update(bytes)
        return crc.hex
    }
}
