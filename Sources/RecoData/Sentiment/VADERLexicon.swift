import Foundation

/// A VADER sentiment lexicon: words (and emoticons) with their mean valence, from about -4 (most
/// negative) to +4 (most positive), as the VADER raters scored them.
///
/// The text format is VADER's own `vader_lexicon.txt`: one entry a line,
/// `word<TAB>mean<TAB>sd<TAB>[ratings]`. As in the reference implementation only the first two fields
/// are used (the rest may be absent), surrounding whitespace is ignored, empty lines are skipped, and a
/// word listed twice keeps its last valence. Lookups by the analyser lowercase the text's word, so an
/// entry spelled with capitals (such as `:D`) can never match, exactly as in the reference.
public struct VADERLexicon: Sendable, Equatable {
    /// Valence by word, as spelled in the lexicon text.
    public let valences: [String: Double]

    /// Number of distinct words.
    public var count: Int { valences.count }

    /// The mean valence of `word` as spelled in the lexicon, nil when it is not listed.
    public func valence(of word: String) -> Double? { valences[word] }

    /// A lexicon from explicit valences (for tests and custom word lists).
    public init(valences: [String: Double]) {
        self.valences = valences
    }

    /// Parses lexicon text in VADER's format; throws `VADERLexiconError.malformedLine` naming the first
    /// line that lacks a word and a finite numeric mean.
    public init(text: String) throws {
        var valences: [String: Double] = [:]
        var lineNumber = 0
        // Split on the byte "\n": as Characters, "\r\n" is one grapheme and would not split (VADER's own
        // file has CRLF line ends).
        for lineBytes in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            let rawLine = String(decoding: lineBytes, as: UTF8.self)
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            let fields = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count >= 2 else {
                throw VADERLexiconError.malformedLine(
                    number: lineNumber, line: String(rawLine), reason: "expected word<TAB>mean valence")
            }
            let word = String(fields[0])
            let meanText = fields[1].trimmingCharacters(in: .whitespaces)
            guard let mean = Double(meanText), mean.isFinite else {
                throw VADERLexiconError.malformedLine(
                    number: lineNumber, line: String(rawLine), reason: "mean valence '\(meanText)' is not a finite number")
            }
            valences[word] = mean
        }
        self.valences = valences
    }

    /// Reads and parses a lexicon file in VADER's format (UTF-8), such as the full `vader_lexicon.txt`
    /// that `make vader-lexicon` places in `lexicons/`.
    public init(contentsOf url: URL) throws {
        let data = try Data(contentsOf: url)
        guard let text = String(data: data, encoding: .utf8) else {
            throw VADERLexiconError.notUTF8(url)
        }
        try self.init(text: text)
    }
}

/// Why a VADER lexicon could not be read.
public enum VADERLexiconError: Error, Equatable, CustomStringConvertible {
    /// Line `number` (1-based) is not `word<TAB>mean...` with a finite mean.
    case malformedLine(number: Int, line: String, reason: String)
    /// The file is not valid UTF-8.
    case notUTF8(URL)

    public var description: String {
        switch self {
        case let .malformedLine(number, line, reason):
            return "VADER lexicon line \(number) is malformed (\(reason)): \(line.debugDescription)"
        case let .notUTF8(url):
            return "VADER lexicon \(url.path) is not UTF-8 text"
        }
    }
}
