import Foundation
@testable import RecoData
import Testing

/// `sentiment.csv` and `ratings.csv`: the summary's histogram and star counts, row for row.
@Suite struct DatasetSummaryCSVTests {
    @Test func filesHoldTheSummarysBinsAndCounts() throws {
        let dataset = try ReviewDataset.prepare(ReviewDatasetTests.reviews, metadata: ReviewDatasetTests.metadata,
                                                options: ReviewDatasetTests.options())
        let summary = dataset.summary
        let directory = try TestDirectory()
        defer { try? FileManager.default.removeItem(at: directory.url) }
        try summary.writeCSV(to: directory.url.path)

        let sentiment = try String(contentsOf: directory.url.appendingPathComponent(DatasetSummary.sentimentFile), encoding: .utf8)
        #expect(sentiment == "bin_lower,bin_upper,count\n-1.0,-0.5,2\n-0.5,0.0,0\n0.0,0.5,3\n0.5,1.0,2\n")
        let bins = sentiment.split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
        #expect(bins.map { Int($0[2]) ?? -1 } == summary.sentimentCounts)
        for (bin, row) in bins.enumerated() {
            #expect(Double(row[0]) == -1 + 2 * Double(bin) / Double(summary.sentimentCounts.count))
            #expect(Double(row[1]) == -1 + 2 * Double(bin + 1) / Double(summary.sentimentCounts.count))
        }

        let ratings = try String(contentsOf: directory.url.appendingPathComponent(DatasetSummary.ratingsFile), encoding: .utf8)
        #expect(ratings == "rating,count\n0,0\n1,1\n2,1\n3,1\n4,2\n5,2\n")
        #expect(ratings.split(separator: "\n").dropFirst().map { Int($0.split(separator: ",")[1]) ?? -1 } == summary.ratingCounts)
    }

    @Test func anUnwritableDirectoryNamesTheFile() {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("absent-\(UUID().uuidString)/deeper").path
        #expect { try DatasetSummary().writeCSV(to: missing) } throws: { error in
            "\(error)".hasPrefix("\(missing)/sentiment.csv: cannot be written") && "\(error)".contains("expected a writable directory")
        }
    }
}
