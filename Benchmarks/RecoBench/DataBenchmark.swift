import Foundation
import RecoData

/// The review-data figures: synthetic review JSON (the published 2018 layout) read, parsed, filtered
/// and, with the built-in VADER lexicon, scored for sentiment, on one core (`ReviewDataset.prepare`
/// reads and scores on the calling thread). For reference on this kind of machine: Python's
/// `vaderSentiment` scores about 3,600 reviews (0.56 MB of text) per second and `json.loads` parses
/// about 80,000 review lines per second; the aim is 50 MB/s of review JSON parsed and scored.
struct DataBenchmarkResult: Codable {
    let fileBytes: Int
    let reviews: Int
    /// Parsing only (sentiment 0): MB/s of file and reviews/s.
    let parseMegabytesPerSecond: Double
    let parseReviewsPerSecond: Double
    /// Parsing and VADER scoring of every review's text.
    let scoredMegabytesPerSecond: Double
    let scoredReviewsPerSecond: Double

    static func measure() throws -> DataBenchmarkResult {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recorl-bench-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("reviews.json")
        var settings = SyntheticReviewSettings()
        settings.userCount = 10_000
        settings.itemCount = 2_000
        _ = try SyntheticReviewGenerator(settings: settings).writeReviews(to: file)
        let bytes = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        var options = PreparationOptions()
        options.minReviewsPerUser = 1
        let parsed = try ReviewDataset.prepare(reviews: file.path, options: options).summary
        let analyzer = SentimentAnalyzer()
        options.sentiment = { Float(analyzer.scores($0).compound) }
        let scored = try ReviewDataset.prepare(reviews: file.path, options: options).summary
        return DataBenchmarkResult(fileBytes: bytes, reviews: scored.reviewsRead,
                                   parseMegabytesPerSecond: parsed.megabytesPerSecond, parseReviewsPerSecond: parsed.reviewsPerSecond,
                                   scoredMegabytesPerSecond: scored.megabytesPerSecond, scoredReviewsPerSecond: scored.reviewsPerSecond)
    }

    var text: String {
        String(format: "Review data (%.1f MB of synthetic review JSON, %d reviews, one core)\n", Double(fileBytes) / 1e6, reviews)
            + String(format: "  parsed:            %6.1f MB/s, %8.0f reviews/s\n", parseMegabytesPerSecond, parseReviewsPerSecond)
            + String(format: "  parsed and scored: %6.1f MB/s, %8.0f reviews/s (VADER, built-in lexicon)", scoredMegabytesPerSecond, scoredReviewsPerSecond)
    }
}
