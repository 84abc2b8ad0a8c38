/// Why one line (or CSV record) of an input file was not a usable record.
public struct MalformedLine: Error, Equatable, Sendable, CustomStringConvertible {
    /// 1-based line number (for CSV, the line where the record starts).
    public var line: Int
    /// The field at fault, nil when the line is not valid JSON or CSV at all.
    public var field: String?
    /// The value found (shortened), nil when absent.
    public var value: String?
    /// What was expected.
    public var expected: String
    /// Whether the line held at least one of the record's required fields (a review-like line).
    public var sawRequiredField: Bool

    /// A problem at `line`.
    public init(line: Int, field: String?, value: String?, expected: String, sawRequiredField: Bool = false) {
        self.line = line
        self.field = field
        self.value = value
        self.expected = expected
        self.sawRequiredField = sawRequiredField
    }

    /// "line 2: field overall: null is not valid; expected a number (the star rating)".
    public var description: String {
        var text = "line \(line): "
        if let field { text += "field \(field): " }
        if let value { text += "\(value) is not valid; " } else if field != nil { text += "missing; " }
        return text + "expected \(expected)"
    }
}

/// What reading one file gave: counts, the first malformed lines, and the time taken.
public struct IngestionReport: Sendable, Equatable {
    /// Lines (or CSV records) seen, blank ones included.
    public var lines = 0
    /// Blank lines skipped silently.
    public var blankLines = 0
    /// Records delivered.
    public var records = 0
    /// Malformed lines skipped.
    public var malformedCount = 0
    /// The first `ReadOptions.maximumReported` malformed lines.
    public var malformed: [MalformedLine] = []
    /// Bytes read from the file (compressed bytes for gzip).
    public var bytes = 0
    /// Uncompressed bytes parsed.
    public var textBytes = 0
    /// Wall-clock seconds of reading and parsing (including the caller's per-record work).
    public var seconds = 0.0

    /// An empty report.
    public init() {}

    /// Records per second.
    public var recordsPerSecond: Double { seconds > 0 ? Double(records) / seconds : 0 }
    /// Megabytes (10^6 bytes) of uncompressed text per second.
    public var megabytesPerSecond: Double { seconds > 0 ? Double(textBytes) / seconds / 1e6 : 0 }
}

/// How strictly a file is read.
public struct ReadOptions: Sendable {
    /// Throw at the first malformed line instead of counting and skipping it.
    public var strict = false
    /// How many malformed lines are kept in the report with their details.
    public var maximumReported = 100
    /// When none of the first `probeLines` non-blank lines is a record, and none even holds a required
    /// field, the file is rejected as not being this kind of data.
    public var probeLines = 20

    /// Options: lenient unless `strict`.
    public init(strict: Bool = false) { self.strict = strict }
}
