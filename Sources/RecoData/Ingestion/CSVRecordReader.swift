/// Reads RFC 4180 CSV records from a byte stream: fields separated by commas, records by `\n` or
/// `\r\n`, fields optionally in double quotes, inside which commas, newlines and doubled quotes (`""`)
/// are literal. A quote inside an unquoted field, text after a closing quote, or an unclosed quote makes
/// the record malformed; reading then resumes on the next line. Blank lines are skipped.
public final class CSVRecordReader {
    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted, closedCR }

    private let reader: BufferedByteReader
    private var line = 1
    private var field: [UInt8] = []

    /// A reader over `reader`'s bytes.
    public init(_ reader: BufferedByteReader) { self.reader = reader }

    /// The next record and the line it starts on; nil at the end.
    public func next() throws -> (line: Int, result: Result<[String], MalformedLine>)? {
        while true {
            let startLine = line
            var fields: [String] = []
            var state = State.fieldStart
            var any = false
            field.removeAll(keepingCapacity: true)

            func finishField() -> Bool {
                if state == .unquoted, field.last == 0x0D { field.removeLast() }
                guard let text = String(validating: field, as: UTF8.self) else { return false }
                fields.append(text)
                field.removeAll(keepingCapacity: true)
                return true
            }
            func malformed(_ expected: String, resynchronise: Bool = true) throws -> (line: Int, result: Result<[String], MalformedLine>) {
                if resynchronise {
                    while let byte = try reader.nextByte() {
                        if byte == 0x0A { line += 1; break }
                    }
                }
                return (startLine, .failure(MalformedLine(line: startLine, field: nil, value: nil, expected: expected)))
            }

            reading: while true {
                guard let byte = try reader.nextByte() else {
                    if state == .quoted { return try malformed("a closing quote before the end of the file", resynchronise: false) }
                    if !any { return nil }
                    guard finishField() else { return try malformed("valid UTF-8 text", resynchronise: false) }
                    return (startLine, .success(fields))
                }
                any = true
                switch state {
                case .quoted:
                    if byte == 0x22 { state = .quoteInQuoted } else {
                        if byte == 0x0A { line += 1 }
                        field.append(byte)
                    }
                    continue reading
                case .quoteInQuoted:
                    if byte == 0x22 { field.append(0x22); state = .quoted; continue reading }
                    if byte == 0x0D { state = .closedCR; continue reading }
                    guard byte == 0x2C || byte == 0x0A else { return try malformed("',' or a line end after a closing quote") }
                case .closedCR:
                    guard byte == 0x0A else { return try malformed("a line end after a closing quote and '\\r'") }
                case .fieldStart, .unquoted:
                    break
                }
                switch byte {
                case 0x2C:
                    guard finishField() else { return try malformed("valid UTF-8 text") }
                    state = .fieldStart
                case 0x0A:
                    line += 1
                    let wasBlank = fields.isEmpty && state == .fieldStart || (fields.isEmpty && state == .unquoted && field == [0x0D])
                    guard finishField() else { return try malformed("valid UTF-8 text", resynchronise: false) }
                    if wasBlank { break reading }  // a blank line: read the next record
                    return (startLine, .success(fields))
                case 0x22:
                    guard state == .fieldStart else {
                        return try malformed("a quote only at the start of a quoted field (RFC 4180)")
                    }
                    state = .quoted
                default:
                    field.append(byte)
                    state = .unquoted
                }
            }
        }
    }
}
