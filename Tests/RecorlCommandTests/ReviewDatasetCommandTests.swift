import Foundation
import Testing

/// `recorl data prepare` on bad input: each a non-zero exit and one line naming the flag, the file and
/// what was expected; and one good run on a small synthetic file.
@Suite struct ReviewDatasetCommandTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("recorl-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func file(_ name: String, _ data: Data) throws -> String {
        let url = directory.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    func reviewLines(users: Int, perUser: Int) -> String {
        (0..<(users * perUser)).map { index in
            "{\"reviewerID\": \"U\(index % users)\", \"asin\": \"I\(index % 5)\", \"overall\": \(1 + index % 5).0, \"unixReviewTime\": \(1_500_000_000 + index), \"reviewText\": \"text \(index)\", \"vote\": \"\(index % 3)\"}"
        }.joined(separator: "\n") + "\n"
    }

    func prepare(_ arguments: [String]) throws -> RecorlCommandTests.Outcome {
        try RecorlCommandTests().run(["data", "prepare"] + arguments + ["--out", directory.appendingPathComponent("out").path])
    }

    @Test func badInputsAreOneLineErrors() throws {
        let noColumns = try file("reviews.csv", Data("user,item,stars\nU1,I1,5\n".utf8))
        let binary = try file("reviews.bin", Data((0..<2048).map { UInt8(truncatingIfNeeded: $0 &* 31) }))
        let empty = try file("empty.json", Data())
        let reviews = try file("reviews.json", Data(reviewLines(users: 3, perUser: 10).utf8))
        let meta = try file("meta.json", Data("{\"asin\": \"Z9\", \"price\": \"$3.00\"}\n".utf8))
        let cases: [([String], String)] = [
            (["--reviews", noColumns], "--reviews \(noColumns): the CSV header lacks column(s) reviewerID, asin, overall, unixReviewTime"),
            (["--reviews", binary], "--reviews \(binary): is binary, not UTF-8 text"),
            (["--reviews", empty], "--reviews \(empty): is empty"),
            (["--reviews", reviews, "--meta", meta], "--meta \(meta): none of its 1 items' asins matches an item of \(reviews)"),
            (["--reviews", reviews, "--min-reviews", "0"], "--min-reviews: 0 is not valid; expected a positive integer"),
            (["--reviews", reviews, "--min-reviews", "11"], "min reviews per user: 11 leaves no review"),
            (["--reviews", reviews, "--split", "0.9,0.2,0.1"], "--split: \"0.9,0.2,0.1\" is not valid"),
        ]
        for (arguments, expected) in cases {
            let outcome = try prepare(arguments)
            #expect(outcome.status != 0, "\(arguments)")
            #expect(outcome.firstErrorLine.contains(expected), "\(arguments): \(outcome.firstErrorLine)")
            #expect(outcome.error.split(separator: "\n").count == 1, "\(arguments): \(outcome.error)")
        }
    }

    @Test func preparesASyntheticFileAndPrintsTheSummary() throws {
        var text = reviewLines(users: 3, perUser: 10)
        text += "{\"reviewerID\": \"U0\", \"asin\": \"I1\", \"overall\": null, \"unixReviewTime\": 1}\n"
        let reviews = try file("reviews.json", Data(text.utf8))
        let outcome = try prepare(["--reviews", reviews])
        #expect(outcome.status == 0, "\(outcome.error)")
        #expect(outcome.output.contains("users 3, items 5, reviews 30 (train 24, validation 3, test 3)"))
        #expect(outcome.output.contains("1 malformed lines skipped"))
        #expect(outcome.output.contains("line 31: field overall: null is not valid"))
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("out/manifest.json").path))
        let ratings = try String(contentsOf: directory.appendingPathComponent("out/ratings.csv"), encoding: .utf8)
        #expect(ratings.hasPrefix("rating,count\n") && ratings.split(separator: "\n").count == 7)
        let sentiment = try String(contentsOf: directory.appendingPathComponent("out/sentiment.csv"), encoding: .utf8)
        #expect(sentiment.hasPrefix("bin_lower,bin_upper,count\n-1.0,"))
        let strict = try prepare(["--reviews", reviews, "--strict"])
        #expect(strict.status != 0 && strict.firstErrorLine.contains("line 31: field overall: null is not valid; expected a number in 0...5"))
    }
}
