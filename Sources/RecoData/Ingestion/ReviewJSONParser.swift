/// Parses one review per line in both published Amazon layouts:
/// - 2018: `reviewerID`, `asin`, `overall`, `reviewText`, `summary`, `unixReviewTime`, `vote` (a string
///   with thousands separators, "1,234"), `style` (an object, skipped), `verified` (a boolean);
/// - 2014: the same without `vote`/`verified`/`style`, with `helpful` as `[up, total]`.
///
/// Required: `reviewerID` and `asin` (non-empty strings), `overall` (a number in 0...5, not null) and
/// `unixReviewTime` (a non-negative integer). `reviewText` and `summary` may be absent or null (empty).
/// Any other field is skipped, but must still be valid JSON.
public struct ReviewJSONParser {
    /// A parser (stateless).
    public init() {}

    /// The review on `line`, or the problem with it (numbered `number`).
    public func parse(_ line: UnsafeBufferPointer<UInt8>, number: Int) -> Result<Review, MalformedLine> {
        var scanner = JSONScanner(line)
        var user: String?, item: String?, rating: Float?, time: Int64?
        var text = "", summary = ""
        var votes: Int?, total: Int?, verified: Bool?
        var sawRequired = false
        func problem(_ field: String?, _ value: String?, _ expected: String) -> MalformedLine {
            MalformedLine(line: number, field: field, value: value, expected: expected, sawRequiredField: sawRequired)
        }
        let failure = scanner.readLine("a JSON object '{' (one review per line)", problem: problem) { scanner, member in
            let (key, escaped, keyStart, valueStart, first) = (member.key, member.escaped, member.keyStart,
                                                               member.valueStart, member.first)
            let name = try ReviewJSONParser.field(of: key, escaped: escaped, in: scanner, at: keyStart)
            if name == .user || name == .item {
                let isUser = name == .user
                sawRequired = true
                guard first == 0x22 else {
                    let range = try scanner.skipValue()
                    throw problem(isUser ? "reviewerID" : "asin", scanner.excerpt(range), "a non-empty string")
                }
                let value = try scanner.readString()
                if value.isEmpty { throw problem(isUser ? "reviewerID" : "asin", "\"\"", "a non-empty string") }
                if isUser { user = value } else { item = value }
            } else if name == .rating {
                sawRequired = true
                guard let first, first == 0x2D || (first >= 0x30 && first <= 0x39) else {
                    let range = try scanner.skipValue()
                    throw problem("overall", scanner.excerpt(range), "a number in 0...5 (the star rating)")
                }
                let number = try scanner.readNumber()
                guard number.value >= 0 && number.value <= 5 else {
                    throw problem("overall", scanner.excerpt(valueStart..<scanner.position), "a number in 0...5 (the star rating)")
                }
                rating = Float(number.value)
            } else if name == .time {
                sawRequired = true
                var parsed: Int64?
                if let first, first == 0x2D || (first >= 0x30 && first <= 0x39) {
                    parsed = try scanner.readNumber().integral
                } else {
                    try scanner.skipValue()
                }
                guard let parsed, parsed >= 0 else {
                    throw problem("unixReviewTime", scanner.excerpt(valueStart..<scanner.position),
                                  "a non-negative integer (seconds since 1970)")
                }
                time = parsed
            } else if name == .text || name == .summary {
                let isText = name == .text
                if first == 0x6E {
                    try scanner.readLiteral("null")
                } else {
                    guard first == 0x22 else {
                        let range = try scanner.skipValue()
                        throw problem(isText ? "reviewText" : "summary", scanner.excerpt(range), "a string")
                    }
                    let value = try scanner.readString()
                    if isText { text = value } else { summary = value }
                }
            } else if name == .vote {
                if first == 0x6E {
                    try scanner.readLiteral("null")
                } else if first == 0x22 {
                    let value = try scanner.readString()
                    guard let parsed = ReviewJSONParser.parseVotes(value) else {
                        throw problem("vote", "\"\(value)\"", "a count such as \"12\" or \"1,234\"")
                    }
                    votes = parsed
                } else {
                    var parsed: Int64?
                    if let first, first >= 0x30 && first <= 0x39 { parsed = try scanner.readNumber().integer } else { try scanner.skipValue() }
                    guard let parsed, parsed >= 0, parsed <= Int64(Int32.max) else {
                        throw problem("vote", scanner.excerpt(valueStart..<scanner.position), "a count such as \"12\" or \"1,234\"")
                    }
                    votes = Int(parsed)
                }
            } else if name == .helpful {
                let pair = try ReviewJSONParser.readHelpful(&scanner)
                guard let pair else {
                    throw problem("helpful", scanner.excerpt(valueStart..<scanner.position),
                                  "[helpful, total] with 0 <= helpful <= total")
                }
                votes = pair.0
                total = pair.1
            } else if name == .verified {
                if first == 0x74 { try scanner.readLiteral("true"); verified = true }
                else if first == 0x66 { try scanner.readLiteral("false"); verified = false }
                else if first == 0x6E { try scanner.readLiteral("null") }
                else {
                    let range = try scanner.skipValue()
                    throw problem("verified", scanner.excerpt(range), "true or false")
                }
            } else if name == .style {
                let range = try scanner.skipValue()
                if first != 0x7B && first != 0x6E { throw problem("style", scanner.excerpt(range), "an object") }
            } else {
                try scanner.skipValue()
            }
        }
        if let failure { return .failure(failure) }
        guard let user else { return .failure(problem("reviewerID", nil, "a non-empty string (the reviewer)")) }
        guard let item else { return .failure(problem("asin", nil, "a non-empty string (the product)")) }
        guard let rating else { return .failure(problem("overall", nil, "a number in 0...5 (the star rating)")) }
        guard let time else { return .failure(problem("unixReviewTime", nil, "a non-negative integer (seconds since 1970)")) }
        return .success(Review(user: user, item: item, rating: rating, text: text, summary: summary, time: time,
                               helpfulVotes: votes, totalVotes: total, verified: verified))
    }

    /// The fields read; `other` is skipped.
    enum Field { case user, item, rating, time, text, summary, vote, helpful, verified, style, other }

    /// The field a key names: compared as raw bytes, or decoded first when it holds escapes
    /// (`"re\u0076iewerID"` is `reviewerID`).
    static func field(of key: Range<Int>, escaped: Bool, in scanner: JSONScanner, at offset: Int) throws -> Field {
        if escaped {
            switch try scanner.decode(key, escaped: true, at: offset) {
            case "reviewerID": return .user
            case "asin": return .item
            case "overall": return .rating
            case "unixReviewTime": return .time
            case "reviewText": return .text
            case "summary": return .summary
            case "vote": return .vote
            case "helpful": return .helpful
            case "verified": return .verified
            case "style": return .style
            default: return .other
            }
        }
        switch key.count {
        case 4: return scanner.matches(key, "asin") ? .item : (scanner.matches(key, "vote") ? .vote : .other)
        case 5: return scanner.matches(key, "style") ? .style : .other
        case 7:
            if scanner.matches(key, "overall") { return .rating }
            if scanner.matches(key, "summary") { return .summary }
            return scanner.matches(key, "helpful") ? .helpful : .other
        case 8: return scanner.matches(key, "verified") ? .verified : .other
        case 10:
            if scanner.matches(key, "reviewerID") { return .user }
            return scanner.matches(key, "reviewText") ? .text : .other
        case 14: return scanner.matches(key, "unixReviewTime") ? .time : .other
        default: return .other
        }
    }

    /// "1,234" (thousands separators optional, in groups of three) or "12" as a count; nil otherwise.
    public static func parseVotes(_ text: String) -> Int? {
        let groups = text.utf8.split(separator: 0x2C, omittingEmptySubsequences: false)
        guard let head = groups.first, !head.isEmpty, head.count <= (groups.count > 1 ? 3 : 9) else { return nil }
        var value = 0
        for (index, group) in groups.enumerated() {
            if index > 0 && group.count != 3 { return nil }
            for byte in group {
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            if value > Int(Int32.max) { return nil }
        }
        return value
    }

    /// Reads `[up, total]` (or null, giving nil pair absent); returns nil for the wrong shape.
    static func readHelpful(_ scanner: inout JSONScanner) throws -> (Int?, Int?)? {
        if scanner.peek() == 0x6E { try scanner.readLiteral("null"); return (nil, nil) }
        guard scanner.peek() == 0x5B else { try scanner.skipValue(); return nil }
        let begin = scanner.position
        scanner.position += 1
        var values: [Int64] = []
        scanner.skipWhitespace()
        if scanner.peek() != 0x5D {
            while true {
                scanner.skipWhitespace()
                guard let first = scanner.peek(), first >= 0x30 && first <= 0x39 else {
                    scanner.position = begin
                    try scanner.skipValue()
                    return nil
                }
                guard let value = try scanner.readNumber().integer else {
                    scanner.position = begin
                    try scanner.skipValue()
                    return nil
                }
                values.append(value)
                scanner.skipWhitespace()
                if scanner.peek() == 0x2C { scanner.position += 1; continue }
                try scanner.expect(0x5D, "',' or ']' in an array")
                break
            }
        } else {
            scanner.position += 1
        }
        guard values.count == 2, values[0] <= values[1], values[1] <= Int64(Int32.max) else { return nil }
        return (Int(values[0]), Int(values[1]))
    }
}
