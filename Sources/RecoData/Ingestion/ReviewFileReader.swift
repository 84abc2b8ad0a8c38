import Foundation

/// Streams the reviews of one file (plain or gzip; JSON lines in the 2018 or 2014 layout, or CSV with a
/// header naming the same columns) to a closure, one at a time, never holding the file whole.
///
/// Malformed lines are counted and the first ones reported with their line numbers, then skipped; in
/// strict mode the first one throws. A file that is empty, binary, or whose first lines are all
/// malformed is rejected with one error.
public enum ReviewFileReader {
    /// CSV columns that must be present.
    public static let requiredColumns = ["reviewerID", "asin", "overall", "unixReviewTime"]
    /// CSV columns that are read when present.
    public static let optionalColumns = ["reviewText", "summary", "vote", "helpful", "verified"]

    /// Reads `path`, calling `body` with each review; returns the counts.
    @discardableResult
    public static func read(_ path: String, options: ReadOptions = ReadOptions(),
                            _ body: (Review) throws -> Void) throws -> IngestionReport {
        let clock = ContinuousClock.now
        let reader = BufferedByteReader(try ByteSources.open(path))
        let layout = try TextFileProbe.inspect(reader, path: path, kind: "review")
        var tracker = MalformedTracker(path: path, options: options, kind: "review")
        switch layout {
        case .jsonLines:
            let parser = ReviewJSONParser()
            try reader.forEachLine { line, number in
                tracker.report.lines = number
                tracker.report.textBytes += line.count + 1
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { tracker.report.blankLines += 1; return }
                switch parser.parse(line, number: number) {
                case .success(let review):
                    tracker.accepted()
                    try body(review)
                case .failure(let problem):
                    try tracker.rejected(problem)
                }
            }
        case .csv:
            let records = CSVRecordReader(reader)
            guard let (_, header) = try records.next(), case .success(let names) = header else {
                throw ReviewDataError("\(path): the CSV header is malformed; expected a header row naming columns \(requiredColumns.joined(separator: ", "))")
            }
            let columns = try CSVColumns(names, required: requiredColumns, path: path, kind: "review")
            while let (line, result) = try records.next() {
                tracker.report.lines = line
                switch result.flatMap({ ReviewCSVRow.parse($0, columns: columns, line: line) }) {
                case .success(let review):
                    tracker.accepted()
                    try body(review)
                case .failure(let problem):
                    try tracker.rejected(problem)
                }
            }
            tracker.report.textBytes = reader.bytesConsumed
        }
        try tracker.finish()
        tracker.report.bytes = reader.bytesConsumed
        let elapsed = ContinuousClock.now - clock
        tracker.report.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return tracker.report
    }
}

/// Counts records and malformed lines, throws in strict mode, and rejects files whose first lines are
/// all malformed.
struct MalformedTracker {
    let path: String
    let options: ReadOptions
    let kind: String
    var report = IngestionReport()
    private var probing = true
    private var probed = 0
    private var sawRequired = false
    private var firstProblem: MalformedLine?

    init(path: String, options: ReadOptions, kind: String) {
        self.path = path
        self.options = options
        self.kind = kind
    }

    mutating func accepted() {
        report.records += 1
        probing = false
    }

    mutating func rejected(_ problem: MalformedLine) throws {
        if options.strict { throw ReviewDataError("\(path): \(problem) (strict mode)") }
        report.malformedCount += 1
        if report.malformed.count < options.maximumReported { report.malformed.append(problem) }
        if probing {
            probed += 1
            sawRequired = sawRequired || problem.sawRequiredField
            if firstProblem == nil { firstProblem = problem }
            if probed >= options.probeLines { try reject() }
        }
    }

    /// At the end: a file with only malformed lines is rejected too.
    mutating func finish() throws {
        if probing && probed > 0 { try reject() }
    }

    private func reject() throws {
        let first = firstProblem.map { " (first: \($0))" } ?? ""
        if sawRequired {
            throw ReviewDataError("\(path): the first \(probed) lines are all malformed\(first); expected \(kind) data")
        }
        throw ReviewDataError("\(path): is not \(kind) data: none of its first \(probed) lines holds a \(kind) record\(first)")
    }
}

/// A CSV header's column positions.
struct CSVColumns {
    let count: Int
    let index: [String: Int]

    init(_ names: [String], required: [String], path: String, kind: String) throws {
        var index: [String: Int] = [:]
        for (position, name) in names.enumerated() {
            let trimmed = name.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\u{FEFF}")))
            index[trimmed] = index[trimmed] ?? position
        }
        let missing = required.filter { index[$0] == nil }
        if !missing.isEmpty {
            let found = names.prefix(8).joined(separator: ", ")
            throw ReviewDataError("\(path): the CSV header lacks column(s) \(missing.joined(separator: ", ")) (found: \(found)); expected \(kind) columns \(required.joined(separator: ", "))")
        }
        count = names.count
        self.index = index
    }

    func value(_ fields: [String], _ name: String) -> String? { index[name].map { fields[$0] } }
}

/// One CSV review row.
enum ReviewCSVRow {
    static func parse(_ fields: [String], columns: CSVColumns, line: Int) -> Result<Review, MalformedLine> {
        func problem(_ field: String?, _ value: String?, _ expected: String) -> Result<Review, MalformedLine> {
            .failure(MalformedLine(line: line, field: field, value: value, expected: expected, sawRequiredField: true))
        }
        guard fields.count == columns.count else {
            return .failure(MalformedLine(line: line, field: nil, value: "\(fields.count) fields",
                                          expected: "\(columns.count) fields, as in the header"))
        }
        let user = columns.value(fields, "reviewerID") ?? ""
        guard !user.isEmpty else { return problem("reviewerID", nil, "a non-empty string (the reviewer)") }
        let item = columns.value(fields, "asin") ?? ""
        guard !item.isEmpty else { return problem("asin", nil, "a non-empty string (the product)") }
        let ratingText = columns.value(fields, "overall") ?? ""
        guard !ratingText.isEmpty else { return problem("overall", nil, "a number in 0...5 (the star rating)") }
        guard let rating = Float(ratingText), rating >= 0, rating <= 5 else {
            return problem("overall", "\"\(ratingText)\"", "a number in 0...5 (the star rating)")
        }
        let timeText = columns.value(fields, "unixReviewTime") ?? ""
        guard !timeText.isEmpty else { return problem("unixReviewTime", nil, "a non-negative integer (seconds since 1970)") }
        guard let time = Int64(timeText), time >= 0 else {
            return problem("unixReviewTime", "\"\(timeText)\"", "a non-negative integer (seconds since 1970)")
        }
        var review = Review(user: user, item: item, rating: rating, text: columns.value(fields, "reviewText") ?? "",
                            summary: columns.value(fields, "summary") ?? "", time: time)
        if let vote = columns.value(fields, "vote"), !vote.isEmpty {
            guard let votes = ReviewJSONParser.parseVotes(vote) else {
                return problem("vote", "\"\(vote)\"", "a count such as \"12\" or \"1,234\"")
            }
            review.helpfulVotes = votes
        }
        if let helpful = columns.value(fields, "helpful"), !helpful.isEmpty {
            let parts = helpful.trimmingCharacters(in: CharacterSet(charactersIn: "[] ")).split(separator: ",")
                .map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, let up = parts[0], let total = parts[1], up >= 0, up <= total else {
                return problem("helpful", "\"\(helpful)\"", "[helpful, total] with 0 <= helpful <= total")
            }
            review.helpfulVotes = up
            review.totalVotes = total
        }
        if let verified = columns.value(fields, "verified"), !verified.isEmpty {
            switch verified.lowercased() {
            case "true", "1": review.verified = true
            case "false", "0": review.verified = false
            default: return problem("verified", "\"\(verified)\"", "true or false")
            }
        }
        return .success(review)
    }
}
