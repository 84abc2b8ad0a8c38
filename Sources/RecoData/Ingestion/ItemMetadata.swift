import Foundation

/// What an item-metadata file says about one product.
public struct ItemMetadata: Equatable, Sendable {
    /// `asin`.
    public var item: String
    /// The price in dollars, nil when absent or not a price (see `ItemMetadataReader.parsePrice`).
    public var price: Float?
    /// `category`: a list from broad to specific (a single string gives one entry).
    public var categories: [String]
    /// `title` (empty when absent).
    public var title: String
    /// `brand` (empty when absent).
    public var brand: String

    /// Metadata for `item`.
    public init(item: String, price: Float? = nil, categories: [String] = [], title: String = "", brand: String = "") {
        self.item = item
        self.price = price
        self.categories = categories
        self.title = title
        self.brand = brand
    }
}

/// Streams an item-metadata file: JSON lines (`asin`, `price`, `category`, `title`, `brand`; other fields
/// skipped) or CSV with a header naming those columns (`asin` required). Malformed lines are handled as
/// in `ReviewFileReader`.
public enum ItemMetadataReader {
    /// Reads `path`, calling `body` with each item's metadata.
    @discardableResult
    public static func read(_ path: String, options: ReadOptions = ReadOptions(),
                            _ body: (ItemMetadata) throws -> Void) throws -> IngestionReport {
        let reader = BufferedByteReader(try ByteSources.open(path))
        let layout = try TextFileProbe.inspect(reader, path: path, kind: "item-metadata")
        var tracker = MalformedTracker(path: path, options: options, kind: "item-metadata")
        switch layout {
        case .jsonLines:
            try reader.forEachLine { line, number in
                tracker.report.lines = number
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { tracker.report.blankLines += 1; return }
                switch parseJSON(line, number: number) {
                case .success(let item): tracker.accepted(); try body(item)
                case .failure(let problem): try tracker.rejected(problem)
                }
            }
        case .csv:
            let records = CSVRecordReader(reader)
            guard let (_, header) = try records.next(), case .success(let names) = header else {
                throw ReviewDataError("\(path): the CSV header is malformed; expected a header row naming column asin")
            }
            let columns = try CSVColumns(names, required: ["asin"], path: path, kind: "item-metadata")
            while let (line, result) = try records.next() {
                tracker.report.lines = line
                switch result.flatMap({ parseCSV($0, columns: columns, line: line) }) {
                case .success(let item): tracker.accepted(); try body(item)
                case .failure(let problem): try tracker.rejected(problem)
                }
            }
        }
        try tracker.finish()
        tracker.report.bytes = reader.bytesConsumed
        return tracker.report
    }

    /// A price written as text: "$12.99" gives 12.99, "$1,299.00" 1299, and a range "$10.00 - $20.00"
    /// its low end, 10. Nil when the text is not a non-negative price (the 2018 files hold HTML and
    /// blanks in this field): such items count as having no price.
    public static func parsePrice(_ text: String) -> Float? {
        var low = Substring(text.trimmingCharacters(in: .whitespaces))
        if let dash = low.firstIndex(of: "-"), dash != low.startIndex { low = low[..<dash] }
        let cleaned = low.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: "")
        let digits = cleaned.hasPrefix("$") ? String(cleaned.dropFirst()) : cleaned
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let value = Float(digits), value.isFinite, value >= 0 else { return nil }
        return value
    }

    static func parseJSON(_ line: UnsafeBufferPointer<UInt8>, number: Int) -> Result<ItemMetadata, MalformedLine> {
        var scanner = JSONScanner(line)
        var item: String?
        var metadata = ItemMetadata(item: "")
        var sawRequired = false
        func problem(_ field: String?, _ value: String?, _ expected: String) -> MalformedLine {
            MalformedLine(line: number, field: field, value: value, expected: expected, sawRequiredField: sawRequired)
        }
        let failure = scanner.readLine("a JSON object '{' (one item per line)", problem: problem) { scanner, member in
            let (key, escaped, keyStart, valueStart, first) = (member.key, member.escaped, member.keyStart,
                                                               member.valueStart, member.first)
            if escaped {
                _ = try scanner.decode(key, escaped: true, at: keyStart)
                try scanner.skipValue()
            } else if scanner.matches(key, "asin") {
                sawRequired = true
                guard first == 0x22 else {
                    throw problem("asin", scanner.excerpt(try scanner.skipValue()), "a non-empty string")
                }
                let value = try scanner.readString()
                if value.isEmpty { throw problem("asin", "\"\"", "a non-empty string") }
                item = value
            } else if scanner.matches(key, "price") {
                if first == 0x22 { metadata.price = parsePrice(try scanner.readString()) }
                else if let first, first == 0x2D || (first >= 0x30 && first <= 0x39) {
                    let value = try scanner.readNumber().value
                    guard value >= 0 else { throw problem("price", scanner.excerpt(valueStart..<scanner.position), "a non-negative price") }
                    metadata.price = Float(value)
                } else if first == 0x6E { try scanner.readLiteral("null") }
                else { throw problem("price", scanner.excerpt(try scanner.skipValue()), "a price such as \"$12.99\"") }
            } else if scanner.matches(key, "category") || scanner.matches(key, "categories") {
                if first == 0x22 { metadata.categories = [try scanner.readString()] }
                else if first == 0x6E { try scanner.readLiteral("null") }
                else if first == 0x5B {
                    scanner.position += 1
                    scanner.skipWhitespace()
                    if scanner.peek() == 0x5D { scanner.position += 1 } else {
                        while true {
                            scanner.skipWhitespace()
                            guard scanner.peek() == 0x22 else {
                                scanner.position = valueStart
                                throw problem("category", scanner.excerpt(try scanner.skipValue()), "a list of strings or a string")
                            }
                            metadata.categories.append(try scanner.readString())
                            scanner.skipWhitespace()
                            if scanner.peek() == 0x2C { scanner.position += 1; continue }
                            try scanner.expect(0x5D, "',' or ']' in an array")
                            break
                        }
                    }
                } else { throw problem("category", scanner.excerpt(try scanner.skipValue()), "a list of strings or a string") }
            } else if scanner.matches(key, "title") || scanner.matches(key, "brand") {
                let isTitle = key.count == 5 && scanner.matches(key, "title")
                if first == 0x22 {
                    let value = try scanner.readString()
                    if isTitle { metadata.title = value } else { metadata.brand = value }
                } else if first == 0x6E { try scanner.readLiteral("null") }
                else { throw problem(isTitle ? "title" : "brand", scanner.excerpt(try scanner.skipValue()), "a string") }
            } else {
                try scanner.skipValue()
            }
        }
        if let failure { return .failure(failure) }
        guard let item else { return .failure(problem("asin", nil, "a non-empty string (the product)")) }
        metadata.item = item
        return .success(metadata)
    }

    static func parseCSV(_ fields: [String], columns: CSVColumns, line: Int) -> Result<ItemMetadata, MalformedLine> {
        guard fields.count == columns.count else {
            return .failure(MalformedLine(line: line, field: nil, value: "\(fields.count) fields",
                                          expected: "\(columns.count) fields, as in the header"))
        }
        let item = columns.value(fields, "asin") ?? ""
        guard !item.isEmpty else {
            return .failure(MalformedLine(line: line, field: "asin", value: nil, expected: "a non-empty string (the product)",
                                          sawRequiredField: true))
        }
        var metadata = ItemMetadata(item: item, title: columns.value(fields, "title") ?? "",
                                    brand: columns.value(fields, "brand") ?? "")
        if let price = columns.value(fields, "price") { metadata.price = parsePrice(price) }
        if let category = columns.value(fields, "category") ?? columns.value(fields, "categories"), !category.isEmpty {
            metadata.categories = [category]
        }
        return .success(metadata)
    }
}
