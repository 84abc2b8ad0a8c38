import ArgumentParser
import Foundation
import RecoData
import RecoExperiments

/// `recorl data`: review data sets.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Prepare review data sets for training.",
        subcommands: [DataPrepareCommand.self, DataSynthCommand.self])
}

/// `recorl data prepare`: reads an Amazon review file (JSON lines, 2014 or 2018 layout, or CSV; plain or
/// gzip) and optional item metadata, and writes a prepared columnar dataset.
struct DataPrepareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare",
        abstract: "Filter, encode, scale and split a review file into a binary columnar dataset directory.")

    @Option(help: "Review file: JSON lines (Amazon 2014 or 2018 layout) or CSV with a header; plain or gzip.") var reviews: String
    @Option(help: "Item metadata: JSON lines or CSV (asin, price, category, title, brand).") var meta: String?
    @Option(parsing: .unconditional, help: "Keep users with at least this many reviews (one pass, not a k-core).") var minReviews = 10
    @Option(help: "Shares of each user's reviews, in time order, for train,validation,test.") var split = "0.8,0.1,0.1"
    @Option(help: "Items without a price: \(MissingPricePolicy.allCases.map(\.rawValue).joined(separator: ", ")).") var missingPrice = "median"
    @Option(help: "Reviews without text: \(MissingTextPolicy.allCases.map(\.rawValue).joined(separator: ", ")).") var missingText = "empty"
    @Flag(help: "Stop at the first malformed line instead of skipping it.") var strict = false
    @Option(help: "VADER lexicon file (VADER's own format, e.g. lexicons/vader_lexicon.txt from `make vader-lexicon`; default: the small built-in one).")
    var lexicon: String?
    @Option(help: "Directory to write the dataset into.") var out: String

    mutating func validate() throws {
        try Bounds.requirePath(reviews, flag: "--reviews")
        try Bounds.requirePath(out, flag: "--out")
        if let meta { try Bounds.requirePath(meta, flag: "--meta") }
        if let lexicon { try Bounds.requirePath(lexicon, flag: "--lexicon") }
        try Bounds.requirePositive(minReviews, atMost: 1_000_000, flag: "--min-reviews")
        _ = try shares()
        guard MissingPricePolicy(rawValue: missingPrice) != nil else {
            throw ValidationError("--missing-price: \"\(missingPrice)\" is not valid; expected one of \(MissingPricePolicy.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard MissingTextPolicy(rawValue: missingText) != nil else {
            throw ValidationError("--missing-text: \"\(missingText)\" is not valid; expected one of \(MissingTextPolicy.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func shares() throws -> SplitShares {
        let parts = split.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 3, let train = parts[0], let validation = parts[1], let test = parts[2] else {
            throw ValidationError("--split: \"\(split)\" is not valid; expected three shares train,validation,test such as 0.8,0.1,0.1")
        }
        let shares = SplitShares(train: train, validation: validation, test: test)
        do { try shares.validate() } catch { throw ValidationError("--split: \"\(split)\" is not valid; expected shares in [0, 1] summing to 1 with a positive train share") }
        return shares
    }

    func run() throws {
        var options = PreparationOptions()
        options.minReviewsPerUser = minReviews
        options.split = try shares()
        options.missingPrice = MissingPricePolicy(rawValue: missingPrice) ?? .median
        options.missingText = MissingTextPolicy(rawValue: missingText) ?? .empty
        options.read = ReadOptions(strict: strict)
        let analyzer: SentimentAnalyzer
        if let lexicon {
            do { analyzer = SentimentAnalyzer(lexicon: try VADERLexicon(contentsOf: URL(fileURLWithPath: lexicon))) } catch {
                throw ExperimentError("--lexicon \(lexicon): \(error)")
            }
        } else {
            analyzer = SentimentAnalyzer()
        }
        options.sentiment = { Float(analyzer.scores($0).compound) }
        let dataset: ReviewDataset
        do {
            dataset = try ReviewDataset.prepare(reviews: reviews, metadata: meta, options: options)
            try dataset.write(to: out)
            try dataset.summary.writeCSV(to: out)
        } catch let error as ReviewDataError {
            // Name the flag whose file is at fault.
            var message = error.description
            if message.hasPrefix(reviews + ":") { message = "--reviews " + message }
            else if let meta, message.hasPrefix(meta + ":") { message = "--meta " + message }
            throw ExperimentError(message)
        }
        print(dataset.summary.text())
        for example in dataset.summary.malformedExamples.prefix(5) { print("  skipped \(example)") }
        print("wrote \(out)")
    }
}
