import ArgumentParser
import Foundation
import RecoData

/// `recorl data synth`: writes review data with known structure in the published 2018 layout, so the
/// pipeline can be tried without a download.
struct DataSynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Write synthetic Amazon-style review data (JSON lines, 2018 layout) with known tastes, categories and sentiment.")

    @Option(help: "Kind of data (only reviews).") var kind = "reviews"
    @Option(parsing: .unconditional, help: "Users.") var users = SyntheticReviewSettings().userCount
    @Option(parsing: .unconditional, help: "Items.") var items = SyntheticReviewSettings().itemCount
    @Option(parsing: .unconditional, help: "Seed of the generator.") var seed = SyntheticReviewSettings().seed
    @Option(help: "Review file to write (JSON lines).") var out: String
    @Option(help: "Item-metadata file to write too (JSON lines: asin, price, category, title, brand).") var meta: String?

    /// The most users or items: 10,000,000.
    static let maximumCount = 10_000_000

    mutating func validate() throws {
        guard kind == "reviews" else { throw ValidationError("--kind: \"\(kind)\" is not valid; expected reviews") }
        try Bounds.requirePositive(users, atMost: Self.maximumCount, flag: "--users")
        try Bounds.requirePositive(items, atMost: Self.maximumCount, flag: "--items")
        try Bounds.requirePath(out, flag: "--out")
        if let meta { try Bounds.requirePath(meta, flag: "--meta") }
    }

    func run() throws {
        var settings = SyntheticReviewSettings()
        settings.userCount = users
        settings.itemCount = items
        settings.seed = seed
        let generator: SyntheticReviewGenerator
        do { generator = try SyntheticReviewGenerator(settings: settings) } catch { throw ValidationError("\(error)") }
        let lines = try generator.writeReviews(to: URL(fileURLWithPath: out))
        print("wrote \(out): \(lines) reviews of \(users) users and \(items) items (seed \(seed))")
        if let meta {
            let metaLines = try generator.writeMetadata(to: URL(fileURLWithPath: meta))
            print("wrote \(meta): \(metaLines) items")
        }
    }
}
