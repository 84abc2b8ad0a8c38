import Foundation

/// The manifest of a prepared dataset directory (`manifest.json`).
public struct DatasetManifest: Codable, Equatable, Sendable {
    /// One column file.
    public struct Column: Codable, Equatable, Sendable {
        /// The field, e.g. "reviews.rating".
        public var name: String
        /// The file in the directory.
        public var file: String
        /// The element type.
        public var type: ColumnType
        /// Elements.
        public var count: Int
    }

    /// Always "recorl-reviews".
    public var format = "recorl-reviews"
    /// The layout version (1).
    public var version = 1
    /// Counts.
    public var users: Int, items: Int, reviews: Int, categories: Int
    /// Reviews per split part.
    public var train: Int, validation: Int, test: Int
    /// How users were filtered, for readers of the directory.
    public var filtering: String
    /// Whether prices came from metadata.
    public var hasPrice: Bool
    /// The raw ranges the scaled columns came from.
    public var priceRange: [Float], helpfulnessRange: [Float]
    /// The columns.
    public var columns: [Column]
    /// The preparation's figures.
    public var summary: DatasetSummary
}

extension ReviewDataset {
    /// The manifest's file name.
    public static let manifestFile = "manifest.json"

    private var columnList: [(name: String, type: ColumnType, count: Int)] {
        let rows = count, itemCount = items.count
        return [
            ("reviews.user", .uint32, rows), ("reviews.item", .uint32, rows), ("reviews.rating", .float32, rows),
            ("reviews.time", .int64, rows), ("reviews.helpfulness", .float32, rows), ("reviews.price", .float32, rows),
            ("reviews.sentiment", .float32, rows), ("reviews.split", .uint8, rows),
            ("users.id", .string, users.count), ("items.id", .string, itemCount), ("items.price", .float32, itemCount),
            ("items.category", .uint32, itemCount), ("items.title", .string, itemCount), ("items.brand", .string, itemCount),
            ("categories.name", .string, categories.count),
        ]
    }

    /// Writes the columns (one `<name>.col` file each) and `manifest.json` into `directory`, creating it.
    public func write(to directory: String) throws {
        let url = URL(fileURLWithPath: directory)
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw ReviewDataError("\(directory): cannot be created (\(error.localizedDescription)); expected a writable directory")
        }
        var columns: [DatasetManifest.Column] = []
        for column in columnList {
            let data: Data
            switch column.name {
            case "reviews.user": data = ColumnFile.encode(user, type: .uint32)
            case "reviews.item": data = ColumnFile.encode(item, type: .uint32)
            case "reviews.rating": data = ColumnFile.encode(rating)
            case "reviews.time": data = ColumnFile.encode(time, type: .int64)
            case "reviews.helpfulness": data = ColumnFile.encode(helpfulness)
            case "reviews.price": data = ColumnFile.encode(price)
            case "reviews.sentiment": data = ColumnFile.encode(sentiment)
            case "reviews.split": data = ColumnFile.encode(split.map(\.rawValue), type: .uint8)
            case "users.id": data = ColumnFile.encode(users.names)
            case "items.id": data = ColumnFile.encode(items.names)
            case "items.price": data = ColumnFile.encode(itemPrice)
            case "items.category": data = ColumnFile.encode(itemCategory, type: .uint32)
            case "items.title": data = ColumnFile.encode(itemTitle)
            case "items.brand": data = ColumnFile.encode(itemBrand)
            default: data = ColumnFile.encode(categories.names)
            }
            let file = column.name + ".col"
            try writeFile(data, url.appendingPathComponent(file))
            columns.append(DatasetManifest.Column(name: column.name, file: file, type: column.type, count: column.count))
        }
        let manifest = DatasetManifest(
            users: users.count, items: items.count, reviews: count, categories: categories.count,
            train: summary.train, validation: summary.validation, test: summary.test,
            filtering: "users with fewer than the minimum reviews removed in one pass (not a k-core)",
            hasPrice: hasPrice, priceRange: priceRange, helpfulnessRange: helpfulnessRange, columns: columns, summary: summary)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeFile(try encoder.encode(manifest), url.appendingPathComponent(ReviewDataset.manifestFile))
    }

    private func writeFile(_ data: Data, _ url: URL) throws {
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw ReviewDataError("\(url.path): cannot be written (\(error.localizedDescription)); expected a writable directory")
        }
    }

    /// Reads a directory written by `write(to:)`, checking every file's header, size and values against
    /// the manifest; damaged files throw an error naming the file and the field.
    public static func load(from directory: String) throws -> ReviewDataset {
        let url = URL(fileURLWithPath: directory)
        let manifestURL = url.appendingPathComponent(manifestFile)
        guard let manifestData = try? Data(contentsOf: manifestURL) else {
            throw ReviewDataError("\(manifestURL.path): cannot be read; expected the manifest of a prepared dataset (recorl data prepare)")
        }
        let manifest: DatasetManifest
        do {
            manifest = try JSONDecoder().decode(DatasetManifest.self, from: manifestData)
        } catch {
            throw ReviewDataError("\(manifestURL.path): is not valid (\(error)); expected a recorl-reviews manifest")
        }
        guard manifest.format == "recorl-reviews", manifest.version == 1 else {
            throw ReviewDataError("\(manifestURL.path): format \(manifest.format) version \(manifest.version) is not valid; expected recorl-reviews version 1")
        }
        let expected: [String: (ColumnType, Int)] = [
            "reviews.user": (.uint32, manifest.reviews), "reviews.item": (.uint32, manifest.reviews),
            "reviews.rating": (.float32, manifest.reviews), "reviews.time": (.int64, manifest.reviews),
            "reviews.helpfulness": (.float32, manifest.reviews), "reviews.price": (.float32, manifest.reviews),
            "reviews.sentiment": (.float32, manifest.reviews), "reviews.split": (.uint8, manifest.reviews),
            "users.id": (.string, manifest.users), "items.id": (.string, manifest.items),
            "items.price": (.float32, manifest.items), "items.category": (.uint32, manifest.items),
            "items.title": (.string, manifest.items), "items.brand": (.string, manifest.items),
            "categories.name": (.string, manifest.categories),
        ]
        var readers: [String: ColumnFile.Reader] = [:]
        for (name, (type, count)) in expected {
            guard let column = manifest.columns.first(where: { $0.name == name }) else {
                throw ReviewDataError("\(manifestURL.path): column \(name) is missing; expected it in the column list")
            }
            guard column.type == type, column.count == count, !column.file.contains("/") else {
                throw ReviewDataError("\(manifestURL.path): column \(name) (\(column.type.rawValue), \(column.count)) is not valid; expected \(type.rawValue) with \(count) values")
            }
            readers[name] = try ColumnFile.Reader(directory: url, file: column.file, field: name, type: type, count: count)
        }
        func reader(_ name: String) throws -> ColumnFile.Reader {
            guard let reader = readers[name] else { throw ReviewDataError("\(directory): column \(name) is missing") }
            return reader
        }
        func ids(_ name: String, below limit: Int, allowing sentinel: UInt32? = nil) throws -> [UInt32] {
            let column = try reader(name)
            let values = column.integers(UInt32.self)
            if let bad = values.firstIndex(where: { Int($0) >= limit && $0 != sentinel }) {
                throw ReviewDataError("\(column.file): column \(name): value \(values[bad]) at row \(bad) is not valid; expected an id below \(limit)")
            }
            return values
        }
        func index(_ name: String) throws -> DenseIndex {
            let column = try reader(name)
            guard let index = DenseIndex(names: try column.strings()) else {
                throw ReviewDataError("\(column.file): column \(name): repeated value is not valid; expected distinct ids")
            }
            return index
        }
        let splitColumn = try reader("reviews.split")
        let splitBytes = splitColumn.integers(UInt8.self)
        var split: [SplitPart] = []
        split.reserveCapacity(splitBytes.count)
        for (row, byte) in splitBytes.enumerated() {
            guard let part = SplitPart(rawValue: byte) else {
                throw ReviewDataError("\(splitColumn.file): column reviews.split: value \(byte) at row \(row) is not valid; expected 0 (train), 1 (validation) or 2 (test)")
            }
            split.append(part)
        }
        return ReviewDataset(
            users: try index("users.id"), items: try index("items.id"),
            user: try ids("reviews.user", below: manifest.users), item: try ids("reviews.item", below: manifest.items),
            rating: try reader("reviews.rating").floats(), time: try reader("reviews.time").integers(Int64.self),
            helpfulness: try reader("reviews.helpfulness").floats(), price: try reader("reviews.price").floats(),
            sentiment: try reader("reviews.sentiment").floats(), split: split,
            itemPrice: try reader("items.price").floats(),
            itemCategory: try ids("items.category", below: manifest.categories, allowing: UInt32.max),
            itemTitle: try reader("items.title").strings(), itemBrand: try reader("items.brand").strings(),
            categories: try index("categories.name"), hasPrice: manifest.hasPrice, priceRange: manifest.priceRange,
            helpfulnessRange: manifest.helpfulnessRange, summary: manifest.summary)
    }
}
