/// The checks made on a file's first bytes before any line is parsed.
enum TextFileProbe {
    /// How the file's records are laid out.
    enum Layout { case jsonLines, csv }

    /// Rejects an empty or binary file; returns its layout (JSON lines when the first non-blank byte is
    /// `{`, CSV otherwise). `kind` names the data in messages ("review", "item-metadata").
    static func inspect(_ reader: BufferedByteReader, path: String, kind: String) throws -> Layout {
        let head = try reader.peek(atLeast: 1 << 16)
        var start = 0
        if head.count >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF { start = 3 }
        guard let first = head[start...].first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else {
            throw ReviewDataError("\(path): is empty; expected \(kind) data as JSON lines or CSV with a header")
        }
        // Binary: a NUL byte, control bytes other than tab and line ends in more than 1% of the sample,
        // or most of its lines not UTF-8 (one bad line is a malformed line, not a binary file). A
        // character cut at the sample's end is ignored.
        var probed = head.count
        if probed == 1 << 16, let lastNewline = head.lastIndex(of: 0x0A) { probed = lastNewline }
        let sample = UnsafeBufferPointer(rebasing: head[0..<probed])
        let controls = sample.reduce(0) { $0 + (($1 < 0x20 && $1 != 0x09 && $1 != 0x0A && $1 != 0x0D) || $1 == 0x7F ? 1 : 0) }
        let lines = sample.split(separator: 0x0A)
        let invalid = lines.reduce(0) { $0 + (String(validating: $1, as: UTF8.self) == nil ? 1 : 0) }
        if sample.contains(0) || controls * 100 > sample.count || invalid * 2 > lines.count {
            throw ReviewDataError("\(path): is binary, not UTF-8 text; expected \(kind) data as JSON lines or CSV")
        }
        return first == 0x7B ? .jsonLines : .csv
    }
}
