/// VADER's constants and word lists (Hutto & Gilbert 2014, as the `vaderSentiment` package defines them).
enum VADERRules {
    /// Added to (or, for negative valence, subtracted from) a word's valence per preceding booster word.
    static let boosterIncrement = 0.293
    /// The same for dampeners ("barely", "kind of").
    static let boosterDecrement = -0.293
    /// Extra emphasis of an ALL-CAPS word when the text also has words that are not.
    static let capsIncrement = 0.733
    /// Factor applied to a negated word's valence.
    static let negationScalar = -0.74
    /// A booster's effect two and three words before the word it modifies (one word before: x1).
    static let boosterDecayTwoBefore = 0.95, boosterDecayThreeBefore = 0.9
    /// Weights of sentiment before and after the first "but".
    static let beforeBut = 0.5, afterBut = 1.5
    /// Compound normalisation: x / sqrt(x^2 + alpha).
    static let normalisationAlpha = 15.0
    /// Per exclamation mark (counted up to four).
    static let exclamationIncrement = 0.292
    static let maxExclamations = 4
    /// Per question mark when there are two or three; four or more give `maxQuestionEmphasis`.
    static let questionIncrement = 0.18
    static let maxQuestionEmphasis = 0.96

    /// Negation words (a word containing "n't" negates too).
    static let negations: [String] = [
        "aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt",
        "ain't", "aren't", "can't", "couldn't", "daren't", "didn't", "doesn't",
        "dont", "hadnt", "hasnt", "havent", "isnt", "mightnt", "mustnt", "neither",
        "don't", "hadn't", "hasn't", "haven't", "isn't", "mightn't", "mustn't",
        "neednt", "needn't", "never", "none", "nope", "nor", "not", "nothing", "nowhere",
        "oughtnt", "shant", "shouldnt", "uhuh", "wasnt", "werent",
        "oughtn't", "shan't", "shouldn't", "uh-uh", "wasn't", "weren't",
        "without", "wont", "wouldnt", "won't", "wouldn't", "rarely", "seldom", "despite",
    ]

    /// Single-word boosters (positive increment) and dampeners (negative).
    static let boosters: [String: Double] = {
        let up = ["absolutely", "amazingly", "awfully", "completely", "considerable", "considerably",
                  "decidedly", "deeply", "effing", "enormous", "enormously", "entirely", "especially",
                  "exceptional", "exceptionally", "extreme", "extremely", "fabulously", "flipping", "flippin",
                  "frackin", "fracking", "fricking", "frickin", "frigging", "friggin", "fully", "fuckin",
                  "fucking", "fuggin", "fugging", "greatly", "hella", "highly", "hugely", "incredible",
                  "incredibly", "intensely", "major", "majorly", "more", "most", "particularly", "purely",
                  "quite", "really", "remarkably", "so", "substantially", "thoroughly", "total", "totally",
                  "tremendous", "tremendously", "uber", "unbelievably", "unusually", "utter", "utterly", "very"]
        let down = ["almost", "barely", "hardly", "kinda", "kindof", "kind-of", "less", "little", "marginal",
                    "marginally", "occasional", "occasionally", "partly", "scarce", "scarcely", "slight",
                    "slightly", "somewhat", "sorta", "sortof", "sort-of"]
        var table: [String: Double] = [:]
        for word in up { table[word] = boosterIncrement }
        for word in down { table[word] = boosterDecrement }
        return table
    }()

    /// A phrase of two or three rule words packed into one integer (a byte per word, the first lowest),
    /// so that phrase tests are integer comparisons. `.other` is 0 and in no phrase, so a sequence
    /// containing any other word never matches.
    @inline(__always)
    static func phraseKey(_ first: RuleWord, _ second: RuleWord, _ third: RuleWord = .other) -> UInt32 {
        UInt32(first.rawValue) | UInt32(second.rawValue) << 8 | UInt32(third.rawValue) << 16
    }

    /// The reference's two-word dampeners "just enough", "kind of", "sort of" (its `BOOSTER_DICT` entries
    /// with a space), matched on the words before a sentiment word.
    @inline(__always)
    static func isBoosterPhrase(_ key: UInt32) -> Bool {
        key == phraseKey(.just, .enough) || key == phraseKey(.kind, .of) || key == phraseKey(.sort, .of)
    }

    /// The reference's `SPECIAL_CASES`: phrases whose valence replaces the word's own. Its one-word entry
    /// "badass" can never match (the reference compares only two- and three-word sequences).
    @inline(__always)
    static func specialCaseValence(_ key: UInt32) -> Double? {
        switch key {
        case phraseKey(.the, .shit): return 3  // "the shit"
        case phraseKey(.the, .bomb): return 3  // "the bomb"
        case phraseKey(.bad, .ass): return 1.5  // "bad ass"
        case phraseKey(.bus, .stop): return 0  // "bus stop"
        case phraseKey(.yeah, .right): return -2  // "yeah right"
        case phraseKey(.kiss, .of, .death): return -1.5  // "kiss of death"
        case phraseKey(.to, .die, .for): return 3  // "to die for"
        case phraseKey(.beating, .heart): return 3.5  // "beating heart"
        default: return nil
        }
    }

    /// Words that occur in a special case or booster phrase.
    static let phraseWords: [RuleWord] = [.the, .shit, .bomb, .bad, .ass, .bus, .stop, .yeah, .right, .kiss, .of,
                                          .death, .to, .die, .for, .beating, .heart, .just, .enough, .kind, .sort]

    // The reference's SENTIMENT_LADEN_IDIOMS ("cut the mustard", "under the weather", ...) are defined
    // there but never applied (its `_sentiment_laden_idioms_check` is unused, marked future work), and its
    // "least" clause inside `negated` is commented out; neither is applied here either.
}

/// Words the rules test by spelling (after lowercasing); 0 is any other word.
enum RuleWord: UInt8 {
    case other = 0
    case no, or, nor, least, at, very, never, so, this, without, doubt, kind, of, but
    case the, shit, bomb, bad, ass, bus, stop, yeah, right, kiss, death, to, die, `for`, beating, heart
    case just, enough, sort

    /// Every rule word by spelling.
    static let bySpelling: [String: RuleWord] = {
        let all: [RuleWord] = [.no, .or, .nor, .least, .at, .very, .never, .so, .this, .without, .doubt, .kind,
                               .of, .but, .the, .shit, .bomb, .bad, .ass, .bus, .stop, .yeah, .right, .kiss,
                               .death, .to, .die, .for, .beating, .heart, .just, .enough, .sort]
        var table: [String: RuleWord] = [:]
        for word in all { table[String(describing: word)] = word }
        return table
    }()
}
