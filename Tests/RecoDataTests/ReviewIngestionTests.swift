import Foundation
@testable import RecoData
import Testing

@Suite struct ReviewIngestionTests {
    func readAll(_ path: String, strict: Bool = false) throws -> ([Review], IngestionReport) {
        var reviews: [Review] = []
        let report = try ReviewFileReader.read(path, options: ReadOptions(strict: strict)) { reviews.append($0) }
        return (reviews, report)
    }

    func parse(_ line: String) -> Result<Review, MalformedLine> {
        let bytes = Array(line.utf8)
        return bytes.withUnsafeBufferPointer { ReviewJSONParser().parse($0, number: 1) }
    }

    @Test func layout2018WithVotesStyleAndEscapes() throws {
        let line = #"{"overall": 4.0, "verified": false, "reviewTime": "09 4, 2015", "reviewerID": "A1", "asin": "B1", "style": {"Size:": " Big", "nested": [1, {"x": null}]}, "reviewerName": "T", "reviewText": "caf\u00e9 \ud83d\ude00 \"q\"\n\/ ok", "summary": "Four", "unixReviewTime": 1441324800, "vote": "1,234", "image": ["http://x"]}"#
        let review = try parse(line).get()
        #expect(review == Review(user: "A1", item: "B1", rating: 4, text: "café 😀 \"q\"\n/ ok", summary: "Four",
                                 time: 1_441_324_800, helpfulVotes: 1234, verified: false))
    }

    @Test func layout2014WithHelpfulPair() throws {
        let line = #"{"reviewerID": "A2", "asin": "0000031852", "reviewerName": "x", "helpful": [2, 3], "reviewText": "t", "overall": 5.0, "summary": "s", "unixReviewTime": 1393545600, "reviewTime": "02 28, 2014"}"#
        let review = try parse(line).get()
        #expect(review.helpfulVotes == 2 && review.totalVotes == 3 && review.rating == 5 && review.time == 1_393_545_600)
        #expect(review.verified == nil)
    }

    @Test func absentAndNullTextAreEmpty() throws {
        let review = try parse(#"{"reviewerID":"A","asin":"B","overall":1,"unixReviewTime":0,"summary":null}"#).get()
        #expect(review.text.isEmpty && review.summary.isEmpty && review.helpfulVotes == nil)
    }

    @Test func validJSONInLessCommonFormsIsAccepted() throws {
        let lines = [
            #"{"re\u0076iewerID":"A","asin":"B","overall":5e0,"unixReviewTime":1E3}"#,
            " \t{ \"reviewerID\" : \"A\" , \"asin\":\"B\",\"overall\":-0.0,\"unixReviewTime\":0 } ",
            #"{"reviewerID":"A","asin":"B","overall":4.5,"unixReviewTime":7,"x":{"y":[[],{},[1.5e-3,-2,true,false,null,"\u0000"]]}}"#,
            #"{"reviewerID":"A","asin":"B","overall":2,"unixReviewTime":7,"reviewText":"\u00e9\u4e2d\ud834\udd1e"}"#,
        ]
        let reviews = try lines.map { try parse($0).get() }
        #expect(reviews[0].user == "A" && reviews[0].rating == 5 && reviews[0].time == 1000)
        #expect(reviews[1].rating == 0 && reviews[2].rating == 4.5)
        #expect(reviews[3].text == "é中𝄞")
    }

    /// Each kind of malformed line, with the field it must name (nil: not valid JSON).
    static let malformed: [(String, String?)] = [
        (#"{"reviewerID": "A", "asin": "B", "overall": 5.0, "unixReviewTime": 1"#, nil),            // unclosed
        (#"{"reviewerID": "A", "asin": "B", "overall": 5.0, "unixReviewTime": 1} x"#, nil),         // trailing text
        (#"{"reviewerID": "A", "asin": "B", "overall": 5.0, "unixReviewTime": 1,}"#, nil),          // trailing comma
        (#"{'reviewerID': 'A'}"#, nil),                                                             // single quotes
        (#"{"asin": "B", "overall": 5.0, "unixReviewTime": 1}"#, "reviewerID"),                    // missing field
        (#"{"reviewerID": "A", "overall": 5.0, "unixReviewTime": 1}"#, "asin"),
        (#"{"reviewerID": "A", "asin": "B", "unixReviewTime": 1}"#, "overall"),
        (#"{"reviewerID": "A", "asin": "B", "overall": 5.0}"#, "unixReviewTime"),
        (#"{"reviewerID": "A", "asin": "B", "overall": null, "unixReviewTime": 1}"#, "overall"),   // null rating
        (#"{"reviewerID": "A", "asin": "B", "overall": "five", "unixReviewTime": 1}"#, "overall"), // wrong type
        (#"{"reviewerID": "A", "asin": "B", "overall": 7, "unixReviewTime": 1}"#, "overall"),      // out of range
        (#"{"reviewerID": 12, "asin": "B", "overall": 5, "unixReviewTime": 1}"#, "reviewerID"),
        (#"{"reviewerID": "", "asin": "B", "overall": 5, "unixReviewTime": 1}"#, "reviewerID"),
        (#"{"reviewerID": "A", "asin": "B", "overall": 5, "unixReviewTime": 1.5}"#, "unixReviewTime"),
        (#"{"reviewerID": "A", "asin": "B", "overall": 5, "unixReviewTime": "1"}"#, "unixReviewTime"),
        (#"{"reviewerID": "A", "asin": "B", "overall": 5, "unixReviewTime": 1, "vote": "12a"}"#, "vote"),
        (#"{"reviewerID": "A", "asin": "B", "overall": 5, "unixReviewTime": 1, "vote": "1,23"}"#, "vote"),
        (#"{"reviewerID": "A", "asin": "B", "overall": 5, "unixReviewTime": 1, "helpful": [3, 2]}"#, "helpful"),
        (#"{"reviewerID": "A", "asin": "B", "overall": 5, "unixReviewTime": 1, "helpful": "2/3"}"#, "helpful"),
        (#"{"reviewerID": "A", "asin": "B", "overall": 5, "unixReviewTime": 1, "verified": "yes"}"#, "verified"),
        (#"{"reviewerID": "A", "asin": "B", "overall": 5, "unixReviewTime": 1, "style": "M"}"#, "style"),
        (#"{"reviewerID": "A", "asin": "B", "overall": 5, "unixReviewTime": 1, "reviewText": 3}"#, "reviewText"),
        (#"{"reviewerID": "A\ud83d", "asin": "B", "overall": 5, "unixReviewTime": 1}"#, nil),       // lone high surrogate
        (#"{"reviewerID": "A\ude00", "asin": "B", "overall": 5, "unixReviewTime": 1}"#, nil),       // lone low surrogate
        (#"{"reviewerID": "A\x", "asin": "B", "overall": 5, "unixReviewTime": 1}"#, nil),           // bad escape
        (#"{"reviewerID": "A\u12G4", "asin": "B", "overall": 5, "unixReviewTime": 1}"#, nil),       // bad hex
        ("{\"reviewerID\": \"A\tB\", \"asin\": \"B\", \"overall\": 5, \"unixReviewTime\": 1}", nil), // raw control
        (#"{"reviewerID": "A", "asin": "B", "overall": 05, "unixReviewTime": 1}"#, nil),             // leading zero
        (#"{"reviewerID": "A", "asin": "B", "overall": 5., "unixReviewTime": 1}"#, nil),             // bare point
        (#"{"reviewerID": "A", "asin": "B", "overall": 5, "unixReviewTime": 1, "x": [1, 2}"#, nil),  // bad nesting
        (#"{"reviewerID": "A", "asin": "B", "overall": 5, "unixReviewTime": 1, "x": tru}"#, nil),    // bad literal
        (#"[1, 2]"#, nil),                                                                           // not an object
    ]

    @Test func everyKindOfMalformedLineIsCountedWithItsLineAndSkipped() throws {
        let directory = try TestDirectory()
        var lines = [line2018("U1", "I1"), line2018("U2", "I2", rating: "3", time: 7)]
        lines += Self.malformed.map(\.0)
        lines.append(line2018("U3", "I3"))
        var data = Data(lines.joined(separator: "\n").utf8)
        data.append(contentsOf: Array("\n{\"reviewerID\": \"A\u{FFFD}\", \"asin\": \"B\", \"overall\": 5, \"unixReviewTime\": 1}".utf8))
        data.append(contentsOf: Array("\n{\"reviewerID\": \"A".utf8) + [0xC3, 0x28] + Array("\", \"asin\": \"B\", \"overall\": 5, \"unixReviewTime\": 1}\n\n".utf8))
        let path = try directory.write("reviews.json", data)
        let (reviews, report) = try readAll(path)
        #expect(reviews.map(\.user) == ["U1", "U2", "U3", "A\u{FFFD}"])
        #expect(report.malformedCount == Self.malformed.count + 1)
        #expect(report.blankLines == 1)
        for (offset, expected) in Self.malformed.enumerated() {
            let problem = try #require(report.malformed.first { $0.line == offset + 3 }, "line \(offset + 3) not reported")
            #expect(problem.field == expected.1, "line \(offset + 3): \(problem)")
        }
        let invalidUTF8 = try #require(report.malformed.last)
        #expect(invalidUTF8.line == lines.count + 2 && invalidUTF8.expected.contains("UTF-8"))
    }

    @Test func strictModeThrowsNamingLineFieldValueAndExpectation() throws {
        let directory = try TestDirectory()
        let path = try directory.write("reviews.json", [line2018("U1", "I1"), line2018("U1", "I2", rating: "null")].joined(separator: "\n"))
        #expect(throws: ReviewDataError("\(path): line 2: field overall: null is not valid; expected a number in 0...5 (the star rating) (strict mode)")) {
            _ = try readAll(path, strict: true)
        }
        #expect(try readAll(path).1.malformedCount == 1)
    }

    @Test func gzipIsDetectedByMagicBytesNotExtension() throws {
        let directory = try TestDirectory()
        let lines = (0..<500).map { line2018("U\($0 % 7)", "I\($0 % 11)", time: $0) }.joined(separator: "\n") + "\n"
        let gzip = try directory.writeGzip("reviews.data", lines)
        let plain = try directory.write("reviews.json.gz", lines)  // plain despite its name
        let (fromGzip, gzipReport) = try readAll(gzip)
        let (fromPlain, _) = try readAll(plain)
        #expect(fromGzip.count == 500 && fromGzip == fromPlain)
        #expect(gzipReport.bytes < gzipReport.textBytes)
        // A damaged gzip stream is one clear error.
        var damaged = try Data(contentsOf: URL(fileURLWithPath: gzip))
        damaged = damaged.prefix(damaged.count / 2)
        let cut = try directory.write("cut.gz", damaged)
        #expect(throws: ReviewDataError.self) { _ = try readAll(cut) }
    }

    @Test func lineReaderHandlesChunkBoundariesCRLFAndNoFinalNewline() throws {
        let directory = try TestDirectory()
        let long = String(repeating: "x", count: 100)
        let path = try directory.write("lines.txt", "a\r\n\(long)\nbc\n\nlast")
        let reader = BufferedByteReader(try ByteSources.open(path), chunkSize: 16)
        var lines: [String] = []
        var numbers: [Int] = []
        try reader.forEachLine { line, number in
            lines.append(String(decoding: line, as: UTF8.self))
            numbers.append(number)
        }
        #expect(lines == ["a", long, "bc", "", "last"] && numbers == [1, 2, 3, 4, 5])
    }

    @Test func csvQuotingCommasNewlinesAndDoubledQuotes() throws {
        let directory = try TestDirectory()
        let csv = "reviewerID,asin,overall,unixReviewTime,reviewText,summary,vote,helpful,verified\r\n" +
            "U1,I1,5,100,\"fits, well\",ok,\"1,234\",,true\r\n" +
            "U2,I2,4.0,200,\"two\nlines \"\"quoted\"\"\",\"\",,\"[1, 2]\",false\n" +
            "\n" +
            "U3,I3,3,300,bad \"quote,s,,,\n" +
            "U4,I4,3,300,\"closed\"x,s,,,\n" +
            "U5,I5,2,400,short\n" +
            "U6,I6,2,500,last,s,3,,"
        let path = try directory.write("reviews.csv", csv)
        let (reviews, report) = try readAll(path)
        #expect(reviews.map(\.user) == ["U1", "U2", "U6"])
        #expect(reviews[0].text == "fits, well" && reviews[0].helpfulVotes == 1234 && reviews[0].verified == true)
        #expect(reviews[1].text == "two\nlines \"quoted\"" && reviews[1].summary.isEmpty)
        #expect(reviews[1].helpfulVotes == 1 && reviews[1].totalVotes == 2 && reviews[1].verified == false)
        #expect(reviews[2].helpfulVotes == 3 && reviews[2].time == 500)
        #expect(report.malformed.map(\.line) == [6, 7, 8])
        #expect(report.malformed[2].expected.contains("9 fields"))
        // An unclosed quote at the end of the file.
        let unclosed = try directory.write("unclosed.csv", "reviewerID,asin,overall,unixReviewTime\nU1,I1,5,1\nU2,I2,5,\"2\n")
        let (kept, unclosedReport) = try readAll(unclosed)
        #expect(kept.count == 1 && unclosedReport.malformed.first?.expected.contains("closing quote") == true)
    }

    @Test func byteOrderMarksAreSkipped() throws {
        let directory = try TestDirectory()
        let bom = "\u{FEFF}"
        let json = try directory.write("bom.json", bom + line2018("U1", "I1") + "\n")
        let csv = try directory.write("bom.csv", bom + "reviewerID,asin,overall,unixReviewTime\nU1,I1,4,9\n")
        #expect(try readAll(json).0.map(\.user) == ["U1"])
        #expect(try readAll(csv).0.map(\.time) == [9])
        let unterminated = try directory.write("bom-one-line.json", bom + line2018("U2", "I1"))
        #expect(try readAll(unterminated).0.map(\.user) == ["U2"])
    }

    @Test func csvWithoutTheNeededColumnsIsOneError() throws {
        let directory = try TestDirectory()
        let path = try directory.write("reviews.csv", "user,item,stars\nU1,I1,5\n")
        #expect(throws: ReviewDataError("\(path): the CSV header lacks column(s) reviewerID, asin, overall, unixReviewTime (found: user, item, stars); expected review columns reviewerID, asin, overall, unixReviewTime")) {
            _ = try readAll(path)
        }
    }

    @Test func emptyBinaryAndNonReviewFilesAreOneErrorEach() throws {
        let directory = try TestDirectory()
        let empty = try directory.write("empty.json", "\n  \n")
        let binary = try directory.write("binary.bin", Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }))
        let other = try directory.write("other.json", String(repeating: "{\"a\": 1, \"b\": [true]}\n", count: 30))
        let bad = try directory.write("bad.json", String(repeating: line2018("U", "I", rating: "null") + "\n", count: 30))
        func message(_ path: String) -> String {
            do { _ = try readAll(path); return "" } catch { return "\(error)" }
        }
        #expect(message(empty) == "\(empty): is empty; expected review data as JSON lines or CSV with a header")
        #expect(message(binary) == "\(binary): is binary, not UTF-8 text; expected review data as JSON lines or CSV")
        #expect(message(other).hasPrefix("\(other): is not review data: none of its first 20 lines holds a review record"))
        #expect(message(bad).hasPrefix("\(bad): the first 20 lines are all malformed (first: line 1: field overall"))
        let short = try directory.write("short.json", "{\"a\": 1}\n")
        #expect(message(short).hasPrefix("\(short): is not review data"))
    }

    @Test func votesAndPrices() {
        #expect(ReviewJSONParser.parseVotes("1,234") == 1234 && ReviewJSONParser.parseVotes("12") == 12)
        #expect(ReviewJSONParser.parseVotes("1,234,567") == 1_234_567)
        for bad in ["", ",123", "1,23", "12a", "1234,567", "-1"] { #expect(ReviewJSONParser.parseVotes(bad) == nil, "\(bad)") }
        #expect(ItemMetadataReader.parsePrice("$12.99") == 12.99)
        #expect(ItemMetadataReader.parsePrice("$10.00 - $20.00") == 10)
        #expect(ItemMetadataReader.parsePrice("$1,299.00") == 1299)
        #expect(ItemMetadataReader.parsePrice("7") == 7)
        for bad in ["", "<span>", "$", "free", "-$3"] { #expect(ItemMetadataReader.parsePrice(bad) == nil, "\(bad)") }
    }

    @Test func metadataAsJSONLinesAndCSV() throws {
        let directory = try TestDirectory()
        let json = try directory.write("meta.json", """
            {"asin": "I1", "title": "Shirt", "brand": "B", "price": "$12.99", "category": ["Clothing", "Shirts"], "also_buy": ["I2"]}
            {"asin": "I2", "price": "$10.00 - $20.00", "category": "Shoes"}
            {"asin": "I3", "price": "<div>", "title": null}
            {"title": "no asin"}
            """)
        var items: [ItemMetadata] = []
        let report = try ItemMetadataReader.read(json) { items.append($0) }
        #expect(items == [ItemMetadata(item: "I1", price: 12.99, categories: ["Clothing", "Shirts"], title: "Shirt", brand: "B"),
                          ItemMetadata(item: "I2", price: 10, categories: ["Shoes"]), ItemMetadata(item: "I3")])
        #expect(report.malformed.map(\.line) == [4] && report.malformed.first?.field == "asin")
        let csv = try directory.write("meta.csv", "asin,price,category,title,brand\nI1,$5.00,Hats,\"Hat, red\",Acme\nI2,,,,\n")
        items = []
        try ItemMetadataReader.read(csv) { items.append($0) }
        #expect(items == [ItemMetadata(item: "I1", price: 5, categories: ["Hats"], title: "Hat, red", brand: "Acme"),
                          ItemMetadata(item: "I2")])
    }

    /// Parse speed on the Fashion file repeated to about 40 MB (in the temp directory, never the repo).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: ReviewDatasetTests.fashionPath),
                   "needs /work/shared/data/AMAZON_FASHION_5.json"))
    func parseSpeedOnRealReviews() throws {
        let directory = try TestDirectory()
        let original = try Data(contentsOf: URL(fileURLWithPath: ReviewDatasetTests.fashionPath))
        var big = Data()
        for _ in 0..<28 { big.append(original) }
        let path = try directory.write("big.json", big)
        var count = 0
        let report = try ReviewFileReader.read(path) { _ in count += 1 }
        print("review JSON parse: \(Int(report.megabytesPerSecond)) MB/s, \(Int(report.recordsPerSecond)) reviews/s (\(count) reviews, \(big.count) bytes)")
        #expect(count == 3175 * 28 && report.malformedCount == 28)
        try? FileManager.default.removeItem(at: directory.url)
    }
}
