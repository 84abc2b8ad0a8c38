import Foundation
@testable import RecoData
import Testing

/// The repository root, found from this file's path (Tests/RecoDataTests/SentimentTests.swift).
private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
private let fullLexiconURL = repositoryRoot.appendingPathComponent("lexicons/vader_lexicon.txt")

private struct VADERFixture: Decodable {
    var sentences: [String]
    var builtIn: [SentimentScores]
    var full: [SentimentScores]

    static func load() throws -> VADERFixture {
        let data = try Data(contentsOf: repositoryRoot.appendingPathComponent("Fixtures/vader_reference.json"))
        return try JSONDecoder().decode(VADERFixture.self, from: data)
    }
}

@Suite struct SentimentTests {
    let analyzer = SentimentAnalyzer(lexicon: .builtIn)

    func compound(_ text: String) -> Double { analyzer.scores(text).compound }

    // MARK: Rules, one or more sentences each

    @Test func negationFlipsTheSign() {
        #expect(compound("The fit is good.") > 0)
        #expect(compound("The fit is not good.") < 0)
        #expect(compound("The fit isn't good.") < 0)  // "n't"
        #expect(compound("The fit is not bad.") > 0)
        #expect(compound("Never good.") < 0)
        #expect(compound("Not really very good.") < 0)  // three words before
        #expect(compound("No good.") < 0)
        // Negation scales by -0.74: "not good" is 0.74 times as strong as "good", with the opposite sign.
        let good = analyzer.scores("good").compound, notGood = analyzer.scores("not good").compound
        #expect(abs(notGood - SentimentAnalyzer.normalize(-0.74 * 1.9)) < 1e-12)
        #expect(abs(good - SentimentAnalyzer.normalize(1.9)) < 1e-12)
    }

    @Test func boostersRaiseAndDampenersLower() {
        let plain = compound("The seller was helpful.")
        #expect(compound("The seller was very helpful.") > plain)
        #expect(compound("The seller was extremely very helpful.") > compound("The seller was very helpful."))
        #expect(compound("The seller was barely helpful.") < plain)
        #expect(compound("The seller was barely helpful.") > 0)
        #expect(compound("The case is very bad.") < compound("The case is bad."))  // boosters push away from zero
        // Decay by distance: a booster two words before counts 0.95 of one right before.
        let near = analyzer.scores("very good").compound
        let far = analyzer.scores("very x good").compound
        #expect(abs(near - SentimentAnalyzer.normalize(1.9 + 0.293)) < 1e-12)
        #expect(abs(far - SentimentAnalyzer.normalize(1.9 + 0.293 * 0.95)) < 1e-12)
    }

    @Test func butShiftsTheWeightToWhatFollows() {
        // Before "but" x0.5, after x1.5: the second clause dominates.
        #expect(compound("The color is great but the strap is broken.") < 0)
        #expect(compound("The strap is broken but the color is great.") > 0)
        #expect(compound("good but") < compound("good"))
        #expect(compound("but good") > compound("good"))
        #expect(abs(compound("but good") - SentimentAnalyzer.normalize(1.9 * 1.5)) < 1e-12)
    }

    @Test func capitalsAndExclamationsEmphasise() {
        #expect(compound("The screen is GREAT.") > compound("The screen is great."))
        #expect(compound("The screen is TERRIBLE.") < compound("The screen is terrible."))
        // All words in capitals: no differential, no emphasis.
        #expect(abs(compound("GREAT SCREEN") - compound("great screen")) < 1e-12)
        #expect(compound("Great screen!") > compound("Great screen."))
        #expect(compound("Great screen!!!!") > compound("Great screen!"))
        // At most four exclamation marks count.
        #expect(abs(compound("Great screen!!!!!!!!") - compound("Great screen!!!!")) < 1e-12)
        #expect(compound("Terrible screen!!") < compound("Terrible screen"))
        #expect(compound("Good screen??") > compound("Good screen"))
    }

    @Test func kindOfLeastAndNeverSo() {
        #expect(compound("The chair is kind of comfortable.") < compound("The chair is comfortable."))
        #expect(compound("The chair is kind of comfortable.") > 0)
        #expect(compound("This is the least comfortable chair.") < 0)
        #expect(compound("At least it is comfortable.") > 0)
        #expect(compound("It was never so good.") > compound("It was good."))
        #expect(compound("It was never this good.") > compound("It was good."))
        #expect(compound("Without doubt excellent.") > 0)
        // "yeah right" (a special case) is negative although "yeah" is positive.
        #expect(compound("Oh and then, yeah right.") < 0)
    }

    @Test func normalisationByHand() {
        // "Great product!": great 3.1, plus 0.292 for "!", normalised by sqrt(x^2 + 15).
        let sum = 3.1 + 0.292
        let expected = sum / (sum * sum + 15).squareRoot()
        let scores = analyzer.scores("Great product!")
        #expect(abs(scores.compound - expected) < 1e-12)
        // Shares: positive mass (3.1 + 1 + 0.292) against one neutral word.
        #expect(abs(scores.positive - 4.392 / 5.392) < 1e-12)
        #expect(abs(scores.neutral - 1 / 5.392) < 1e-12)
        #expect(scores.negative == 0)
        #expect(analyzer.scores("") == .empty)
        #expect(analyzer.scores("the box arrived").neutral == 1)
    }

    @Test func bytesAndStringAgree() {
        let text = "Excellent seller, but the case is BROKEN!! Not happy."
        let fromBytes = Array(text.utf8).withUnsafeBufferPointer { analyzer.scores(utf8: $0) }
        #expect(fromBytes == analyzer.scores(text))
    }

    // MARK: Agreement with the Python package

    @Test func builtInLexiconAgreesWithPython() throws {
        let fixture = try VADERFixture.load()
        #expect(fixture.sentences.count == fixture.builtIn.count)
        var worst = 0.0
        for (sentence, expected) in zip(fixture.sentences, fixture.builtIn) {
            let got = analyzer.scores(sentence)
            let difference = Self.maxDifference(got, expected)
            worst = max(worst, difference)
            #expect(difference < 1e-4, "\(sentence): \(got) vs Python \(expected)")
        }
        #expect(worst < 1e-4)
        if ProcessInfo.processInfo.environment["VADER_BENCH"] != nil { print("VADER built-in lexicon: max |Swift - Python| = \(worst)") }
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: fullLexiconURL.path),
                   "lexicons/vader_lexicon.txt is absent (make vader-lexicon); full-lexicon comparison skipped"))
    func fullLexiconAgreesWithPython() throws {
        let fixture = try VADERFixture.load()
        let full = SentimentAnalyzer(lexicon: try VADERLexicon(contentsOf: fullLexiconURL))
        var worst = 0.0
        for (sentence, expected) in zip(fixture.sentences, fixture.full) {
            let got = full.scores(sentence)
            worst = max(worst, Self.maxDifference(got, expected))
            #expect(Self.maxDifference(got, expected) < 1e-4, "\(sentence): \(got) vs Python \(expected)")
        }
        if ProcessInfo.processInfo.environment["VADER_BENCH"] != nil { print("VADER full lexicon: max |Swift - Python| = \(worst)") }
    }

    /// Opt-in: `VADER_COMPARE=<file>` compares against a larger fixture in the same JSON layout (for
    /// instance thousands of random sentences scored by the Python package).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["VADER_COMPARE"] != nil, "set VADER_COMPARE=<json> to run"))
    func largerFixtureAgreesWithPython() throws {
        let path = ProcessInfo.processInfo.environment["VADER_COMPARE"] ?? ""
        let fixture = try JSONDecoder().decode(VADERFixture.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        var analyzers = [("built-in", analyzer, fixture.builtIn)]
        if FileManager.default.fileExists(atPath: fullLexiconURL.path) {
            analyzers.append(("full", SentimentAnalyzer(lexicon: try VADERLexicon(contentsOf: fullLexiconURL)), fixture.full))
        }
        for (name, analyzer, expected) in analyzers {
            var worst = 0.0, failures = 0
            for (sentence, reference) in zip(fixture.sentences, expected) {
                let got = analyzer.scores(sentence)
                let difference = Self.maxDifference(got, reference)
                worst = max(worst, difference)
                if difference >= 1e-4 {
                    failures += 1
                    if failures <= 5 { Issue.record("\(name) \(sentence.debugDescription): \(got) vs Python \(reference)") }
                }
            }
            print("VADER \(name) lexicon, \(fixture.sentences.count) sentences: max |Swift - Python| = \(worst), \(failures) over 1e-4")
        }
    }

    static func maxDifference(_ a: SentimentScores, _ b: SentimentScores) -> Double {
        max(abs(a.negative - b.negative), abs(a.neutral - b.neutral), abs(a.positive - b.positive),
            abs(a.compound - b.compound))
    }

    // MARK: Lexicon

    @Test func builtInLexiconHoldsTheGeneratorsWords() {
        let words = "great good love excellent perfect nice comfortable happy beautiful best bad terrible poor awful hate worst disappointed useless broken ugly"
        for word in words.split(separator: " ") {
            #expect(VADERLexicon.builtIn.valence(of: String(word)) != nil, "\(word)")
        }
        #expect(VADERLexicon.builtIn.valence(of: "great") == 3.1)
        #expect(VADERLexicon.builtIn.count > 250)
    }

    @Test func lexiconParsesVADERLinesAndSkipsBlankOnes() throws {
        let lexicon = try VADERLexicon(text: "good\t1.9\t0.9434\t[2, 1]\n\nbad\t-2.5\n  \ngood\t2.0\t0\t[]\r\n")
        #expect(lexicon.count == 2)
        #expect(lexicon.valence(of: "good") == 2.0)  // the last line wins, as in the reference
        #expect(lexicon.valence(of: "bad") == -2.5)
        // CRLF line ends (as in VADER's own file) split like LF ones, and line numbers count them.
        let crlf = try VADERLexicon(text: "good\t1.9\t0.9\t[]\r\nbad\t-2.5\t0.5\t[]\r\n")
        #expect(crlf.valence(of: "good") == 1.9 && crlf.valence(of: "bad") == -2.5)
        #expect(throws: VADERLexiconError.malformedLine(number: 2, line: "bad -2.5\r", reason: "expected word<TAB>mean valence")) {
            try VADERLexicon(text: "good\t1.9\r\nbad -2.5\r\n")
        }
    }

    @Test(arguments: [
        ("good\t1.9\nbad -2.5", 2),  // no tab
        ("good\t1.9\nbad\tworse\t0.5\t[]", 2),  // mean is not a number
        ("good\t1.9\nfine\t1\nbad\tnan", 3),  // not finite
        ("good\t\t1.9", 1),  // empty mean
        ("lonely", 1),
    ])
    func malformedLexiconLinesAreNamed(text: String, line: Int) {
        do {
            _ = try VADERLexicon(text: text)
            Issue.record("parsed malformed lexicon \(text.debugDescription)")
        } catch let VADERLexiconError.malformedLine(number, _, _) {
            #expect(number == line)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}

/// Scoring throughput on review-like text, opt in with `VADER_BENCH=1` (prints MB/s on one core).
@Suite struct SentimentThroughputTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["VADER_BENCH"] != nil, "set VADER_BENCH=1 to measure"))
    func scoringThroughput() throws {
        let vocabulary = ("the this product is was and but not very really it I a to of for my with great good love "
            + "excellent perfect nice comfortable happy beautiful best bad terrible poor awful hate worst disappointed "
            + "cheap broken ugly price quality size fits arrived after two days kind of never so without doubt least "
            + "would buy again recommend returned it, fine. ok! GREAT! isn't don't works").split(separator: " ")
        var generator = SystemRandomNumberGenerator()
        var reviews: [String] = []
        var bytes = 0
        while bytes < 20_000_000 {
            let length = Int.random(in: 20...160, using: &generator)
            let review = (0..<length).map { _ in vocabulary.randomElement(using: &generator) ?? "the" }.joined(separator: " ")
            bytes += review.utf8.count
            reviews.append(review)
        }
        let analyzer = SentimentAnalyzer(lexicon: .builtIn)
        var checksum = 0.0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for review in reviews { checksum += analyzer.scores(review).compound }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        print("VADER scoring: \(bytes) bytes in \(reviews.count) reviews, \(seconds) s, "
            + "\(Double(bytes) / seconds / 1e6) MB/s (checksum \(checksum))")
        // VADER_BENCH_TEXT=<file>: the same on its paragraphs (prose rather than review-word soup).
        if let path = ProcessInfo.processInfo.environment["VADER_BENCH_TEXT"] {
            let paragraphs = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n\n")
                .filter { !$0.isEmpty }
            var prose: [String] = []
            var proseBytes = 0
            while proseBytes < 20_000_000, !paragraphs.isEmpty {
                for paragraph in paragraphs {
                    prose.append(paragraph)
                    proseBytes += paragraph.utf8.count
                }
            }
            let proseElapsed = clock.measure {
                for paragraph in prose { checksum += analyzer.scores(paragraph).compound }
            }
            let proseSeconds = Double(proseElapsed.components.seconds) + Double(proseElapsed.components.attoseconds) * 1e-18
            print("VADER scoring, \(path): \(Double(proseBytes) / proseSeconds / 1e6) MB/s (checksum \(checksum))")
        }
        if FileManager.default.fileExists(atPath: fullLexiconURL.path) {
            let full = SentimentAnalyzer(lexicon: try VADERLexicon(contentsOf: fullLexiconURL))
            let fullElapsed = clock.measure {
                for review in reviews { checksum += full.scores(review).compound }
            }
            let fullSeconds = Double(fullElapsed.components.seconds) + Double(fullElapsed.components.attoseconds) * 1e-18
            print("VADER scoring, full lexicon: \(Double(bytes) / fullSeconds / 1e6) MB/s (checksum \(checksum))")
        }
    }
}
