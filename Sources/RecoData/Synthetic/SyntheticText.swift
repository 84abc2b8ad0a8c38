import RecoTensor

/// Review texts and summaries whose sentiment words follow the rating.
struct SyntheticTextWriter {
    let settings: SyntheticReviewSettings

    /// A positive or a negative word, positive with the rating's probability.
    func sentimentWord(rating: Int, random: inout RandomGenerator) -> String {
        let positive = random.bernoulli(settings.positiveProbabilityByRating[rating - 1])
        let words = positive ? settings.positiveWords : settings.negativeWords
        return words[random.index(below: words.count)]
    }

    /// Sentences of filler and sentiment words, at least one sentiment word.
    func text(rating: Int, random: inout RandomGenerator) -> String {
        let range = settings.textWordRange
        let count = range.lowerBound + random.index(below: range.count)
        let forced = random.index(below: count)
        var text = ""
        for position in 0..<count {
            var word: String
            if position == forced || random.bernoulli(settings.sentimentWordProbability) {
                word = sentimentWord(rating: rating, random: &random)
            } else {
                word = settings.fillerWords[random.index(below: settings.fillerWords.count)]
            }
            let sentencePosition = position % settings.wordsPerSentence
            if sentencePosition == 0 {
                word = SyntheticTextWriter.capitalized(word)
                if position > 0 { text += ". " }
            } else {
                text += " "
            }
            text += word
        }
        return text + "."
    }

    /// "Five Stars" and the like, or a sentiment word and a noun ("Great dress").
    func summary(rating: Int, random: inout RandomGenerator) -> String {
        if random.bernoulli(settings.starSummaryProbability) {
            return ["One Star", "Two Stars", "Three Stars", "Four Stars", "Five Stars"][rating - 1]
        }
        let noun = settings.summaryNouns[random.index(below: settings.summaryNouns.count)]
        return SyntheticTextWriter.capitalized(sentimentWord(rating: rating, random: &random)) + " " + noun
    }

    static func capitalized(_ word: String) -> String {
        guard let first = word.first else { return word }
        return first.uppercased() + word.dropFirst()
    }
}

/// Text forms of numbers and dates as the published files write them.
public enum SyntheticFormat {
    /// Decimal digits with a comma every three ("1,234"; "999"; "-1,000").
    public static func thousands(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = value < 0 ? "-" : ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return out
    }

    /// A price in cents as the metadata writes it: "$12.99", "$1,299.00".
    public static func price(cents: Int) -> String {
        let fraction = cents % 100
        return "$" + thousands(cents / 100) + "." + (fraction < 10 ? "0" : "") + String(fraction)
    }

    /// The 2018 `reviewTime` of a UTC time: zero-padded month, unpadded day, year ("03 5, 2016").
    public static func reviewTime(_ unixTime: Int64) -> String {
        let (year, month, day) = civilDate(daysSince1970: unixTime >= 0 ? unixTime / 86_400 : (unixTime - 86_399) / 86_400)
        return (month < 10 ? "0" : "") + "\(month) \(day), \(year)"
    }

    /// Year, month (1...12) and day (1...31) of a day count since 1970-01-01 (Howard Hinnant's algorithm).
    static func civilDate(daysSince1970 days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
