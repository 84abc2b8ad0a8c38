import Foundation

/// JSON-lines text of synthetic reviews and items in the published 2018 layout.
public enum SyntheticJSONLines {
    /// `value` as a JSON string literal: quotes, backslashes and control characters escaped, the rest UTF-8.
    public static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// One review line (no newline), fields in the 2018 files' order: `overall` ("5.0"), `vote` (text with
    /// thousands separators, only when present), `verified`, `reviewTime` (when the settings ask), `reviewerID`,
    /// `asin`, `style` (when present), `reviewText`, `summary`, `unixReviewTime`.
    public static func line(_ synthetic: SyntheticReview, writesReviewTime: Bool = true) -> String {
        let review = synthetic.review
        var fields: [String] = []
        fields.append("\"overall\": \(Int(review.rating)).0")
        if let votes = review.helpfulVotes { fields.append("\"vote\": " + quoted(SyntheticFormat.thousands(votes))) }
        if let verified = review.verified { fields.append("\"verified\": \(verified)") }
        if writesReviewTime { fields.append("\"reviewTime\": " + quoted(SyntheticFormat.reviewTime(review.time))) }
        fields.append("\"reviewerID\": " + quoted(review.user))
        fields.append("\"asin\": " + quoted(review.item))
        if let style = synthetic.style {
            fields.append("\"style\": {\"Size:\": " + quoted(" " + style.size) + ", \"Color:\": " + quoted(" " + style.color) + "}")
        }
        fields.append("\"reviewText\": " + quoted(review.text))
        fields.append("\"summary\": " + quoted(review.summary))
        fields.append("\"unixReviewTime\": \(review.time)")
        return "{" + fields.joined(separator: ", ") + "}"
    }

    /// One metadata line (no newline): `category` (root and the item's category), `title`, `brand`,
    /// `price` ("$12.99", or "" when the item has none, as in the published files), `asin`.
    public static func metadataLine(_ item: SyntheticItem, categories: [String], rootCategory: String) -> String {
        let category = "[" + quoted(rootCategory) + ", " + quoted(categories[item.category]) + "]"
        let price = item.priceCents.map(SyntheticFormat.price(cents:)) ?? ""
        return "{\"category\": \(category), \"title\": \(quoted(item.title)), \"brand\": \(quoted(item.brand)), "
            + "\"price\": \(quoted(price)), \"asin\": \(quoted(item.asin))}"
    }
}

/// Writes lines to a file through a fixed-size buffer (never the whole file in memory).
final class JSONLinesFileWriter {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private let capacity = 1 << 16

    init(url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw SyntheticReviewError.cannotCreateFile(url.path)
        }
        handle = try FileHandle(forWritingTo: url)
        buffer.reserveCapacity(capacity)
    }

    func write(line: String) throws {
        buffer.append(contentsOf: line.utf8)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= capacity { try flush() }
    }

    private func flush() throws {
        if buffer.isEmpty { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        try flush()
        try handle.close()
    }
}

extension SyntheticReviewGenerator {
    /// Writes every review as one JSON line to `url` (replacing the file), streaming; returns the line count.
    @discardableResult
    public func writeReviews(to url: URL) throws -> Int {
        let writer = try JSONLinesFileWriter(url: url)
        var count = 0
        do {
            try forEachReview { review in
                try writer.write(line: SyntheticJSONLines.line(review, writesReviewTime: settings.writesReviewTime))
                count += 1
            }
        } catch {
            try? writer.close()
            throw error
        }
        try writer.close()
        return count
    }

    /// Writes every item's metadata as one JSON line to `url` (replacing the file); returns the line count.
    @discardableResult
    public func writeMetadata(to url: URL) throws -> Int {
        let writer = try JSONLinesFileWriter(url: url)
        do {
            for item in catalog.items {
                try writer.write(line: SyntheticJSONLines.metadataLine(item, categories: catalog.categories,
                                                                      rootCategory: settings.rootCategory))
            }
        } catch {
            try? writer.close()
            throw error
        }
        try writer.close()
        return catalog.items.count
    }
}
