/// A VADER sentiment analyser (Hutto & Gilbert 2014, "VADER: A Parsimonious Rule-based Model for
/// Sentiment Analysis of Social Media Text"), following the reference Python package `vaderSentiment`
/// (3.3.2, `SentimentIntensityAnalyzer.polarity_scores`) rule for rule, quirks included, so that its
/// scores agree with the package's given the same lexicon:
///
/// - words are the text split on whitespace, with leading and trailing ASCII punctuation stripped unless
///   that leaves two characters or fewer (so emoticons such as ":)" and short words such as "ok." stay);
/// - a word's lexicon valence is negated (x -0.74) by a negation word ("not", "never", any word with
///   "n't", ...) one to three words before it, or by "no" one or two words before (three in "no x or y");
///   a "no" followed by a lexicon word scores nothing itself;
/// - boosters ("very") and dampeners ("barely", "kind of") up to three words before add +-0.293, decaying
///   by distance (x1, x0.95, x0.9); "never so/this" amplifies (x1.25), "without doubt" does not negate,
///   "least" negates unless after "at"/"very"; the reference's `SPECIAL_CASES` phrases ("the bomb",
///   "yeah right", ...) replace the valence (its `SENTIMENT_LADEN_IDIOMS` are never applied there, nor here);
/// - ALL-CAPS words add +-0.733 when the text mixes capitalised and other words;
/// - sentiment before the first "but" is halved and after it is x1.5;
/// - up to four "!" add 0.292 each, and two or more "?" add 0.18 each (0.96 for four or more);
/// - compound = sum / sqrt(sum^2 + 15), and the positive/neutral/negative shares as in the reference's
///   `score_valence` and `_sift_sentiment_scores`.
///
/// Not implemented: the reference replaces every character of its emoji lexicon (emoji, and symbols
/// such as arrows or "‼") by its textual description before scoring; this analyser leaves them as they
/// are (they score only if the lexicon lists them), so texts with emoji can score differently.
/// Non-ASCII words are lowercased with Swift's Unicode lowercasing, which can differ from Python's in
/// rare contexts (final sigma). Scores are not rounded (see `SentimentScores`).
///
/// The analyser works on the text's UTF-8 bytes: words are looked up in a byte-keyed hash table without
/// making a String per word (only words with non-ASCII letters take a slower path), and no regular
/// expressions are used. It is immutable and safe to share between threads.
public struct SentimentAnalyzer: Sendable {
    /// The lexicon the analyser scores with.
    public let lexicon: VADERLexicon
    private let table: VADERWordTable

    /// An analyser over `lexicon` (VADER's full lexicon, or the small `VADERLexicon.builtIn`).
    public init(lexicon: VADERLexicon = .builtIn) {
        self.lexicon = lexicon
        self.table = VADERWordTable(lexicon: lexicon)
    }

    /// VADER's scores for `text`.
    public func scores(_ text: String) -> SentimentScores {
        var text = text
        return text.withUTF8 { scores(utf8: $0) }
    }

    /// VADER's scores for UTF-8 bytes (for instance a review field straight from a JSON buffer). The
    /// bytes should be valid UTF-8; invalid sequences inside a word are read as U+FFFD.
    public func scores(utf8 text: UnsafeBufferPointer<UInt8>) -> SentimentScores {
        let maxTokens = text.count / 2 + 1
        return withUnsafeTemporaryAllocation(of: Token.self, capacity: maxTokens) { tokens in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(text.count, 1)) { scratch in
                let count = tokenize(text, into: tokens, scratch: scratch)
                if count == 0 { return .empty }
                return withUnsafeTemporaryAllocation(of: Double.self, capacity: count) { sentiments in
                    score(UnsafeBufferPointer(rebasing: tokens[0..<count]), sentiments: sentiments,
                          emphasis: Self.punctuationEmphasis(text))
                }
            }
        }
    }

    // MARK: - Words

    /// One word of the text with what the rules need to know about it.
    struct Token {
        var valence: Double
        var booster: Double
        var flags: UInt8
        var rule: RuleWord

        static let inLexicon: UInt8 = 1, isBooster: UInt8 = 2, negates: UInt8 = 4, upper: UInt8 = 8, inPhrase: UInt8 = 16

        @inline(__always) var isInLexicon: Bool { flags & Self.inLexicon != 0 }
        @inline(__always) var isBoosterWord: Bool { flags & Self.isBooster != 0 }
        @inline(__always) var isNegation: Bool { flags & Self.negates != 0 }
        @inline(__always) var isUpper: Bool { flags & Self.upper != 0 }
        @inline(__always) var isInPhrase: Bool { flags & Self.inPhrase != 0 }
    }

    /// Splits `text` into tokens as Python's `str.split()` then `_strip_punc_if_word` would, and looks each
    /// up; returns the number of tokens written.
    private func tokenize(_ text: UnsafeBufferPointer<UInt8>, into tokens: UnsafeMutableBufferPointer<Token>,
                          scratch: UnsafeMutableBufferPointer<UInt8>) -> Int {
        let n = text.count
        var count = 0
        var i = 0
        while i < n {
            let space = VADERBytes.whitespaceLength(text, at: i)
            if space > 0 {
                i += space
                continue
            }
            let start = i
            i += 1
            while i < n {
                let byte = text[i]
                // Printable ASCII is never whitespace; only other bytes need the full test.
                if byte > 0x20, byte < 0x7F {
                    i += 1
                } else if VADERBytes.whitespaceLength(text, at: i) == 0 {
                    i += 1
                } else {
                    break
                }
            }
            tokens.baseAddress.unsafelyUnwrapped.advanced(by: count)
                .initialize(to: token(UnsafeBufferPointer(rebasing: text[start..<i]), scratch: scratch))
            count += 1
        }
        return count
    }

    /// The token for one whitespace-delimited word.
    private func token(_ raw: UnsafeBufferPointer<UInt8>, scratch: UnsafeMutableBufferPointer<UInt8>) -> Token {
        var lower = 0, upper = raw.count
        while lower < upper, VADERBytes.isPunctuation(raw[lower]) { lower += 1 }
        while upper > lower, VADERBytes.isPunctuation(raw[upper - 1]) { upper -= 1 }
        // Python keeps the unstripped word when stripping leaves two characters or fewer; two characters
        // take at most 8 UTF-8 bytes, so only stripped lengths 3...8 need counting.
        var keepRaw = upper - lower <= 2
        if !keepRaw, upper - lower <= 8 {
            var characters = 0
            for index in lower..<upper where raw[index] & 0xC0 != 0x80 { characters += 1 }
            keepRaw = characters <= 2
        }
        let word = keepRaw ? raw : UnsafeBufferPointer(rebasing: raw[lower..<upper])

        // Branch-free per byte (word lengths and letters are unpredictable): flags accumulate by OR.
        var nonASCII: UInt8 = 0, upperLetters: UInt8 = 0, lowerLetters: UInt8 = 0, contraction: UInt8 = 0
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var window: UInt32 = 0  // the last three lowered bytes
        var index = 0
        while index < word.count {
            let byte = word[index]
            nonASCII |= byte
            let isUpper: UInt8 = byte &- 0x41 < 26 ? 1 : 0
            upperLetters |= isUpper
            lowerLetters |= byte &- 0x61 < 26 ? 1 : 0
            let lowered = byte | (isUpper << 5)
            scratch[index] = lowered
            hash = (hash ^ UInt64(lowered)) &* 0x0000_0100_0000_01b3
            window = (window << 8 | UInt32(lowered)) & 0xFF_FFFF
            contraction |= window == 0x6E_2774 ? 1 : 0  // "n't"
            index &+= 1
        }
        let hasUpper = upperLetters != 0, hasLower = lowerLetters != 0
        if nonASCII & 0x80 != 0 { return unicodeToken(word) }
        return makeToken(entry: table.lookup(UnsafeBufferPointer(rebasing: scratch[0..<word.count]), hash: hash),
                         upper: hasUpper && !hasLower, contraction: contraction != 0)
    }

    /// The slow path for a word with non-ASCII characters: Unicode lowercasing and case tests.
    private func unicodeToken(_ word: UnsafeBufferPointer<UInt8>) -> Token {
        let string = String(decoding: word, as: UTF8.self)
        // Python's str.isupper: no lowercase or titlecase character, and at least one uppercase one.
        var cased = false, upper = true
        for scalar in string.unicodeScalars {
            let properties = scalar.properties
            if properties.isLowercase || properties.generalCategory == .titlecaseLetter {
                upper = false
                break
            }
            if properties.isUppercase { cased = true }
        }
        let lowered = Array(string.lowercased().utf8)
        return lowered.withUnsafeBufferPointer { bytes in
            var contraction = false
            if bytes.count >= 3 {
                for index in 0...(bytes.count - 3) where bytes[index] == 0x6E && bytes[index + 1] == 0x27 && bytes[index + 2] == 0x74 {
                    contraction = true
                    break
                }
            }
            return makeToken(entry: table.lookup(bytes, hash: VADERWordTable.hash(bytes)),
                             upper: upper && cased, contraction: contraction)
        }
    }

    @inline(__always)
    private func makeToken(entry: Int?, upper: Bool, contraction: Bool) -> Token {
        var token = Token(valence: 0, booster: 0, flags: 0, rule: .other)
        if let entry {
            let info = table.infos[entry]
            token.valence = info.valence
            token.booster = info.booster
            token.rule = info.rule
            if info.inLexicon { token.flags |= Token.inLexicon }
            if info.isBooster { token.flags |= Token.isBooster }
            if info.negates { token.flags |= Token.negates }
            if info.inPhrase { token.flags |= Token.inPhrase }
        }
        if contraction { token.flags |= Token.negates }
        if upper { token.flags |= Token.upper }
        return token
    }

    // MARK: - Rules

    /// Valence per token after every rule, then the scores.
    private func score(_ words: UnsafeBufferPointer<Token>, sentiments: UnsafeMutableBufferPointer<Double>,
                       emphasis: Double) -> SentimentScores {
        let n = words.count
        var capitals = 0
        for word in words where word.isUpper { capitals += 1 }
        let mixedCase = capitals > 0 && capitals < n
        for i in 0..<n {
            let word = words[i]
            var valence = 0.0
            let isKindOf = i < n - 1 && word.rule == .kind && words[i + 1].rule == .of
            if !word.isBoosterWord, !isKindOf, word.isInLexicon {
                valence = wordValence(words, at: i, mixedCase: mixedCase)
            }
            sentiments.baseAddress.unsafelyUnwrapped.advanced(by: i).initialize(to: valence)
        }
        Self.butCheck(words, sentiments)
        return Self.scoreValence(UnsafeBufferPointer(sentiments), emphasis: emphasis)
    }

    /// The reference's `sentiment_valence` for a lexicon word at `i`.
    private func wordValence(_ words: UnsafeBufferPointer<Token>, at i: Int, mixedCase: Bool) -> Double {
        let n = words.count
        let word = words[i]
        @inline(__always) func rule(_ index: Int) -> RuleWord { words[index].rule }
        var valence = word.valence
        // "no" before another lexicon word negates that word instead of scoring itself.
        if word.rule == .no, i != n - 1, words[i + 1].isInLexicon { valence = 0 }
        if (i > 0 && rule(i - 1) == .no) || (i > 1 && rule(i - 2) == .no)
            || (i > 2 && rule(i - 3) == .no && (rule(i - 1) == .or || rule(i - 1) == .nor)) {
            valence = word.valence * VADERRules.negationScalar
        }
        if word.isUpper, mixedCase {
            valence += valence > 0 ? VADERRules.capsIncrement : -VADERRules.capsIncrement
        }
        for distance in 0..<3 where i > distance && !words[i - distance - 1].isInLexicon {
            var scalar = Self.boosterScalar(words[i - distance - 1], valence: valence, mixedCase: mixedCase)
            if distance == 1, scalar != 0 { scalar *= VADERRules.boosterDecayTwoBefore }
            if distance == 2, scalar != 0 { scalar *= VADERRules.boosterDecayThreeBefore }
            valence += scalar
            valence = negationCheck(words, at: i, distance: distance, valence: valence)
            if distance == 2 { valence = specialIdiomsCheck(words, at: i, valence: valence) }
        }
        // "least" negates, except in "at least" and "very least".
        if i > 1, !words[i - 1].isInLexicon, rule(i - 1) == .least {
            if rule(i - 2) != .at, rule(i - 2) != .very { valence *= VADERRules.negationScalar }
        } else if i > 0, !words[i - 1].isInLexicon, rule(i - 1) == .least {
            valence *= VADERRules.negationScalar
        }
        return valence
    }

    /// The reference's `scalar_inc_dec`: a booster's or dampener's push on `valence`.
    @inline(__always)
    private static func boosterScalar(_ word: Token, valence: Double, mixedCase: Bool) -> Double {
        guard word.isBoosterWord else { return 0 }
        var scalar = word.booster
        if valence < 0 { scalar = -scalar }
        if word.isUpper, mixedCase {
            scalar += valence > 0 ? VADERRules.capsIncrement : -VADERRules.capsIncrement
        }
        return scalar
    }

    /// The reference's `_negation_check` for the word `distance + 1` before `i`.
    private func negationCheck(_ words: UnsafeBufferPointer<Token>, at i: Int, distance: Int, valence: Double) -> Double {
        @inline(__always) func rule(_ index: Int) -> RuleWord { words[index].rule }
        switch distance {
        case 0:
            return words[i - 1].isNegation ? valence * VADERRules.negationScalar : valence
        case 1:
            if rule(i - 2) == .never, rule(i - 1) == .so || rule(i - 1) == .this { return valence * 1.25 }
            if rule(i - 2) == .without, rule(i - 1) == .doubt { return valence }
            return words[i - 2].isNegation ? valence * VADERRules.negationScalar : valence
        default:
            // As in the reference, "so"/"this" right before the word amplifies whatever precedes it.
            if (rule(i - 3) == .never && (rule(i - 2) == .so || rule(i - 2) == .this))
                || rule(i - 1) == .so || rule(i - 1) == .this {
                return valence * 1.25
            }
            if rule(i - 3) == .without, rule(i - 2) == .doubt || rule(i - 1) == .doubt { return valence }
            return words[i - 3].isNegation ? valence * VADERRules.negationScalar : valence
        }
    }

    /// The reference's `_special_idioms_check` (only reached for i >= 3).
    private func specialIdiomsCheck(_ words: UnsafeBufferPointer<Token>, at i: Int, valence: Double) -> Double {
        let n = words.count
        // Every phrase below lies within words i-3 ... i+2: without a phrase word there, nothing applies.
        var anyPhraseWord = false
        for index in (i - 3)...min(i + 2, n - 1) where words[index].isInPhrase {
            anyPhraseWord = true
            break
        }
        if !anyPhraseWord { return valence }
        @inline(__always) func key(_ start: Int, _ length: Int) -> UInt32 {
            length == 2 ? VADERRules.phraseKey(words[start].rule, words[start + 1].rule)
                : VADERRules.phraseKey(words[start].rule, words[start + 1].rule, words[start + 2].rule)
        }
        var valence = valence
        // Sequences in the reference's order: (i-1 i), (i-2 i-1 i), (i-2 i-1), (i-3 i-2 i-1), (i-3 i-2);
        // the first special case found wins.
        if let special = VADERRules.specialCaseValence(key(i - 1, 2)) ?? VADERRules.specialCaseValence(key(i - 2, 3))
            ?? VADERRules.specialCaseValence(key(i - 2, 2)) ?? VADERRules.specialCaseValence(key(i - 3, 3))
            ?? VADERRules.specialCaseValence(key(i - 3, 2)) {
            valence = special
        }
        // Then (i i+1) and (i i+1 i+2) override.
        if n - 1 > i, let special = VADERRules.specialCaseValence(key(i, 2)) { valence = special }
        if n - 1 > i + 1, let special = VADERRules.specialCaseValence(key(i, 3)) { valence = special }
        // Two-word dampeners ("kind of") among the three words before; the reference also tries the
        // three-word sequence (i-3 i-2 i-1), which no two-word phrase can match.
        if VADERRules.isBoosterPhrase(key(i - 3, 2)) { valence += VADERRules.boosterDecrement }
        if VADERRules.isBoosterPhrase(key(i - 2, 2)) { valence += VADERRules.boosterDecrement }
        return valence
    }

    /// The reference's `_but_check`, including its use of `list.index`: each value is rescaled at the
    /// first position holding an equal value, which is not always its own.
    private static func butCheck(_ words: UnsafeBufferPointer<Token>, _ sentiments: UnsafeMutableBufferPointer<Double>) {
        guard let but = words.firstIndex(where: { $0.rule == .but }) else { return }
        // Rescaling a zero leaves it zero and a nonzero value never equals zero, so only the nonzero
        // positions take part.
        withUnsafeTemporaryAllocation(of: Int.self, capacity: sentiments.count) { nonzero in
            var count = 0
            for k in 0..<sentiments.count where sentiments[k] != 0 {
                nonzero.baseAddress.unsafelyUnwrapped.advanced(by: count).initialize(to: k)
                count += 1
            }
            for j in 0..<count {
                let value = sentiments[nonzero[j]]
                var p = 0
                while sentiments[nonzero[p]] != value { p += 1 }
                let first = nonzero[p]
                if first < but {
                    sentiments[first] = value * VADERRules.beforeBut
                } else if first > but {
                    sentiments[first] = value * VADERRules.afterBut
                }
            }
        }
    }

    /// Emphasis from "!" (up to four) and "?" (two or more) anywhere in the text.
    private static func punctuationEmphasis(_ text: UnsafeBufferPointer<UInt8>) -> Double {
        var exclamations = 0, questions = 0
        for byte in text {
            exclamations &+= byte == 0x21 ? 1 : 0
            questions &+= byte == 0x3F ? 1 : 0
        }
        var emphasis = Double(min(exclamations, VADERRules.maxExclamations)) * VADERRules.exclamationIncrement
        if questions > 1 {
            emphasis += questions <= 3 ? Double(questions) * VADERRules.questionIncrement : VADERRules.maxQuestionEmphasis
        }
        return emphasis
    }

    /// The reference's `score_valence` with `_sift_sentiment_scores` and `normalize`.
    static func scoreValence(_ sentiments: UnsafeBufferPointer<Double>, emphasis: Double) -> SentimentScores {
        if sentiments.isEmpty { return .empty }
        var sum = 0.0
        for value in sentiments { sum += value }
        if sum > 0 { sum += emphasis } else if sum < 0 { sum -= emphasis }
        let compound = normalize(sum)
        var positive = 0.0, negative = 0.0, neutral = 0
        for value in sentiments {
            // Each sentiment word counts its valence plus the one it would count as a neutral word.
            if value > 0 { positive += value + 1 }
            if value < 0 { negative += value - 1 }
            if value == 0 { neutral += 1 }
        }
        if positive > abs(negative) { positive += emphasis } else if positive < abs(negative) { negative -= emphasis }
        let total = positive + abs(negative) + Double(neutral)
        return SentimentScores(negative: abs(negative / total), neutral: abs(Double(neutral) / total),
                               positive: abs(positive / total), compound: compound)
    }

    /// Maps a summed valence into [-1, 1]: x / sqrt(x^2 + 15).
    public static func normalize(_ score: Double) -> Double {
        let normalized = score / (score * score + VADERRules.normalisationAlpha).squareRoot()
        return min(max(normalized, -1), 1)
    }
}

/// Byte classes for the tokenizer.
enum VADERBytes {
    /// Python's `string.punctuation`: printable ASCII that is neither a letter, a digit nor a space.
    @inline(__always) static func isPunctuation(_ byte: UInt8) -> Bool {
        guard byte > 0x20, byte < 0x7F else { return false }
        let letter = (byte | 0x20) &- 0x61 < 26
        let digit = byte &- 0x30 < 10
        return !letter && !digit
    }

    /// Byte length of the whitespace character at `index` as Python's `str.split()` sees whitespace
    /// (ASCII \t \n \v \f \r, \x1c-\x1f, space, and U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028,
    /// U+2029, U+202F, U+205F, U+3000), 0 when it is not whitespace.
    @inline(__always)
    static func whitespaceLength(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let byte = text[index]
        if byte < 0x80 {
            return byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) || (byte >= 0x1C && byte <= 0x1F) ? 1 : 0
        }
        if byte < 0xC2 || byte > 0xE3 { return 0 }
        let remaining = text.count - index
        switch byte {
        case 0xC2:
            return remaining >= 2 && (text[index + 1] == 0x85 || text[index + 1] == 0xA0) ? 2 : 0
        case 0xE1:
            return remaining >= 3 && text[index + 1] == 0x9A && text[index + 2] == 0x80 ? 3 : 0
        case 0xE2:
            guard remaining >= 3 else { return 0 }
            let second = text[index + 1], third = text[index + 2]
            if second == 0x80 { return (third >= 0x80 && third <= 0x8A) || third == 0xA8 || third == 0xA9 || third == 0xAF ? 3 : 0 }
            return second == 0x81 && third == 0x9F ? 3 : 0
        case 0xE3:
            return remaining >= 3 && text[index + 1] == 0x80 && text[index + 2] == 0x80 ? 3 : 0
        default:
            return 0
        }
    }
}
