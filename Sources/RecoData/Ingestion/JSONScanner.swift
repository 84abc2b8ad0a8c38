/// Where and why a line is not valid JSON.
public struct JSONSyntaxError: Error, Equatable {
    /// Byte offset in the line.
    public var offset: Int
    /// What was expected there.
    public var expected: String
}

/// A number as written: its value, and the integer when it was written as one that fits `Int64`.
struct JSONNumber {
    var value: Double
    var integer: Int64?

    /// The integer, also when written with an exponent ("1E3"); nil for a fraction or beyond 2^53.
    var integral: Int64? {
        if let integer { return integer }
        guard value == value.rounded(), abs(value) < 9_007_199_254_740_992 else { return nil }
        return Int64(value)
    }
}

/// A strict JSON scanner over the UTF-8 bytes of one line (RFC 8259): strings with every escape
/// (including `\uXXXX` and surrogate pairs, checked for pairing), numbers in the JSON grammar, literals,
/// and nested objects and arrays that it can skip (validating them) when a field is not needed. Strings
/// must be valid UTF-8 without raw control characters. Nesting deeper than `maximumDepth` is rejected.
struct JSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    static let maximumDepth = 64

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var atEnd: Bool { position >= bytes.count }

    @inline(__always) func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    func fail(_ expected: String) -> JSONSyntaxError { JSONSyntaxError(offset: position, expected: expected) }

    @inline(__always) mutating func skipWhitespace() {
        while position < bytes.count {
            let byte = bytes[position]
            if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 } else { return }
        }
    }

    @inline(__always) mutating func expect(_ byte: UInt8, _ what: String) throws {
        guard position < bytes.count, bytes[position] == byte else { throw fail(what) }
        position += 1
    }

    /// The text of `range` (for error messages), shortened to 60 characters.
    func excerpt(_ range: Range<Int>) -> String {
        let upper = min(range.upperBound, range.lowerBound + 60)
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[range.lowerBound..<upper]), as: UTF8.self)
        return upper < range.upperBound ? text + "..." : text
    }

    // MARK: Strings

    /// Scans a string at the current `"`; returns its content's byte range and whether it has escapes.
    /// Raw bytes are checked for control characters here; UTF-8 validity when decoded.
    mutating func scanString() throws -> (range: Range<Int>, escaped: Bool) {
        try expect(0x22, "a string")
        let begin = position
        var escaped = false
        while position < bytes.count {
            let byte = bytes[position]
            if byte == 0x22 {
                position += 1
                return (begin..<(position - 1), escaped)
            }
            if byte == 0x5C {
                escaped = true
                position += 1
                guard position < bytes.count else { break }
                let code = bytes[position]
                switch code {
                case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: position += 1
                case 0x75:
                    guard position + 4 < bytes.count else { throw fail("four hex digits after \\u") }
                    for offset in 1...4 where JSONScanner.hexValue(bytes[position + offset]) == nil {
                        position += offset
                        throw fail("a hex digit in \\u escape")
                    }
                    position += 5
                default: throw fail("a valid escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)")
                }
                continue
            }
            if byte < 0x20 { throw fail("no raw control character in a string") }
            position += 1
        }
        throw fail("a closing quote")
    }

    static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x30...0x39: return UInt32(byte - 0x30)
        case 0x41...0x46: return UInt32(byte - 0x41 + 10)
        case 0x61...0x66: return UInt32(byte - 0x61 + 10)
        default: return nil
        }
    }

    /// Reads a string at the current `"` as a Swift string.
    mutating func readString() throws -> String {
        let begin = position
        let (range, escaped) = try scanString()
        return try decode(range, escaped: escaped, at: begin)
    }

    /// Decodes the content bytes `range` of a scanned string (escapes resolved, UTF-8 validated).
    func decode(_ range: Range<Int>, escaped: Bool, at offset: Int) throws -> String {
        let raw = UnsafeBufferPointer(rebasing: bytes[range])
        if !escaped {
            guard let text = String(validating: raw, as: UTF8.self) else {
                throw JSONSyntaxError(offset: offset, expected: "valid UTF-8 in a string")
            }
            return text
        }
        var output: [UInt8] = []
        output.reserveCapacity(range.count)
        var index = range.lowerBound
        func hex4(_ at: Int) -> UInt32 {
            var value: UInt32 = 0
            for k in 0..<4 { value = value << 4 | (JSONScanner.hexValue(bytes[at + k]) ?? 0) }
            return value
        }
        while index < range.upperBound {
            let byte = bytes[index]
            if byte != 0x5C {
                output.append(byte)
                index += 1
                continue
            }
            let code = bytes[index + 1]
            index += 2
            switch code {
            case 0x62: output.append(0x08)
            case 0x66: output.append(0x0C)
            case 0x6E: output.append(0x0A)
            case 0x72: output.append(0x0D)
            case 0x74: output.append(0x09)
            case 0x75:
                var scalar = hex4(index)
                index += 4
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    guard index + 6 <= range.upperBound, bytes[index] == 0x5C, bytes[index + 1] == 0x75 else {
                        throw JSONSyntaxError(offset: index, expected: "a low surrogate \\uDC00-\\uDFFF after a high surrogate")
                    }
                    let low = hex4(index + 2)
                    guard low >= 0xDC00 && low <= 0xDFFF else {
                        throw JSONSyntaxError(offset: index, expected: "a low surrogate \\uDC00-\\uDFFF after a high surrogate")
                    }
                    index += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                    throw JSONSyntaxError(offset: index - 6, expected: "a high surrogate before a low surrogate")
                }
                guard let unicode = Unicode.Scalar(scalar) else {
                    throw JSONSyntaxError(offset: index - 6, expected: "a valid Unicode scalar")
                }
                output.append(contentsOf: UTF8.encode(unicode).map { Array($0) } ?? [])
            default: output.append(code)  // " \ /
            }
        }
        guard let text = String(validating: output, as: UTF8.self) else {
            throw JSONSyntaxError(offset: offset, expected: "valid UTF-8 in a string")
        }
        return text
    }

    /// Whether the content bytes `range` equal `key` (an ASCII key without escapes).
    @inline(__always) func matches(_ range: Range<Int>, _ key: StaticString) -> Bool {
        guard range.count == key.utf8CodeUnitCount else { return false }
        let pointer = key.utf8Start
        for k in 0..<range.count where bytes[range.lowerBound + k] != pointer[k] { return false }
        return true
    }

    // MARK: Numbers and literals

    private static let exactPowers: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// Reads a number in JSON's grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    mutating func readNumber() throws -> JSONNumber {
        let begin = position
        var negative = false
        if peek() == 0x2D { negative = true; position += 1 }
        guard let first = peek(), first >= 0x30 && first <= 0x39 else { throw fail("a digit") }
        var mantissa: UInt64 = 0
        var digits = 0
        if first == 0x30 {
            position += 1
            if let next = peek(), next >= 0x30 && next <= 0x39 { throw fail("no leading zero in a number") }
        } else {
            while let byte = peek(), byte >= 0x30 && byte <= 0x39 {
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(byte - 0x30) }
                digits += 1
                position += 1
            }
        }
        var fraction = 0
        if peek() == 0x2E {
            position += 1
            guard let byte = peek(), byte >= 0x30 && byte <= 0x39 else { throw fail("a digit after the decimal point") }
            while let byte = peek(), byte >= 0x30 && byte <= 0x39 {
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(byte - 0x30) }
                if mantissa != 0 || byte != 0x30 { digits += 1 }
                fraction += 1
                position += 1
            }
        }
        var hasExponent = false
        if let byte = peek(), byte == 0x65 || byte == 0x45 {
            hasExponent = true
            position += 1
            if let sign = peek(), sign == 0x2B || sign == 0x2D { position += 1 }
            guard let digit = peek(), digit >= 0x30 && digit <= 0x39 else { throw fail("a digit in the exponent") }
            while let digit = peek(), digit >= 0x30 && digit <= 0x39 { position += 1 }
        }
        if !hasExponent && digits <= 15 && fraction <= 22 {
            var value = Double(mantissa) / JSONScanner.exactPowers[fraction]
            if negative { value = -value }
            let integer: Int64? = fraction == 0 ? (negative ? -Int64(mantissa) : Int64(mantissa)) : nil
            return JSONNumber(value: value, integer: integer)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[begin..<position]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            position = begin
            throw fail("a finite number")
        }
        var integer: Int64?
        if !hasExponent && fraction == 0 { integer = Int64(text) }
        return JSONNumber(value: value, integer: integer)
    }

    /// Reads `true`, `false` or `null` (the byte at `position` already identifies which).
    mutating func readLiteral(_ literal: StaticString) throws {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw fail("\(literal)") }
        let pointer = literal.utf8Start
        for k in 0..<count where bytes[position + k] != pointer[k] { throw fail("\(literal)") }
        position += count
    }

    // MARK: Skipping

    /// One member of an object `readObject` is reading: its key (the raw bytes between the quotes,
    /// whether they hold escapes, and where the key starts) and where its value starts, with the
    /// value's first byte.
    struct Member {
        let key: Range<Int>
        let escaped: Bool
        let keyStart: Int
        let valueStart: Int
        let first: UInt8?
    }

    /// Reads the object at the current position (after any whitespace), calling `body` once per member
    /// with the scanner at the member's value, which `body` must consume (read or skip). `what` names
    /// the object in the error for a line that does not start one. The one loop over members every
    /// line parser shares.
    mutating func readObject(_ what: String, _ body: (inout JSONScanner, Member) throws -> Void) throws {
        skipWhitespace()
        try expect(0x7B, what)
        skipWhitespace()
        if peek() == 0x7D {
            position += 1
            return
        }
        while true {
            skipWhitespace()
            let keyStart = position
            guard peek() == 0x22 else { throw fail("a key string") }
            let (key, escaped) = try scanString()
            skipWhitespace()
            try expect(0x3A, "':' after a key")
            skipWhitespace()
            try body(&self, Member(key: key, escaped: escaped, keyStart: keyStart, valueStart: position, first: peek()))
            skipWhitespace()
            if peek() == 0x2C { position += 1; continue }
            try expect(0x7D, "',' or '}' in an object")
            return
        }
    }

    /// Reads the scanner's line as one JSON object with nothing but whitespace after it, calling `body`
    /// per member (see `readObject`). Returns nil, or the line's problem: the `MalformedLine` `body`
    /// threw, or one `problem` makes of a JSON syntax error. The frame every JSON-lines parser shares.
    mutating func readLine(_ what: String, problem: (String?, String?, String) -> MalformedLine,
                           _ body: (inout JSONScanner, Member) throws -> Void) -> MalformedLine? {
        do {
            try readObject(what, body)
            skipWhitespace()
            guard atEnd else { throw fail("the end of the line after the object") }
            return nil
        } catch let error as MalformedLine {
            return error
        } catch let error as JSONSyntaxError {
            return problem(nil, nil, "valid JSON: \(error.expected) at byte \(error.offset + 1)")
        } catch {
            return problem(nil, nil, "valid JSON")
        }
    }

    /// Skips one value of any kind, validating it; returns its byte range.
    @discardableResult
    mutating func skipValue(depth: Int = 0) throws -> Range<Int> {
        let begin = position
        guard let byte = peek() else { throw fail("a value") }
        switch byte {
        case 0x22: _ = try scanString()
            // Validate the UTF-8 of skipped strings too, so bad bytes anywhere reject the line.
            let range = (begin + 1)..<(position - 1)
            if !bytes[range].allSatisfy({ $0 < 0x80 }) {
                guard String(validating: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) != nil else {
                    throw JSONSyntaxError(offset: begin, expected: "valid UTF-8 in a string")
                }
            }
        case 0x7B:
            guard depth < JSONScanner.maximumDepth else { throw fail("nesting at most \(JSONScanner.maximumDepth) deep") }
            position += 1
            skipWhitespace()
            if peek() == 0x7D { position += 1; return begin..<position }
            while true {
                skipWhitespace()
                guard peek() == 0x22 else { throw fail("a key string") }
                try skipValue(depth: depth + 1)
                skipWhitespace()
                try expect(0x3A, "':' after a key")
                skipWhitespace()
                try skipValue(depth: depth + 1)
                skipWhitespace()
                if peek() == 0x2C { position += 1; continue }
                try expect(0x7D, "',' or '}' in an object")
                break
            }
        case 0x5B:
            guard depth < JSONScanner.maximumDepth else { throw fail("nesting at most \(JSONScanner.maximumDepth) deep") }
            position += 1
            skipWhitespace()
            if peek() == 0x5D { position += 1; return begin..<position }
            while true {
                skipWhitespace()
                try skipValue(depth: depth + 1)
                skipWhitespace()
                if peek() == 0x2C { position += 1; continue }
                try expect(0x5D, "',' or ']' in an array")
                break
            }
        case 0x74: try readLiteral("true")
        case 0x66: try readLiteral("false")
        case 0x6E: try readLiteral("null")
        case 0x2D, 0x30...0x39: _ = try readNumber()
        default: throw fail("a value (string, number, object, array, true, false or null)")
        }
        return begin..<position
    }
}
