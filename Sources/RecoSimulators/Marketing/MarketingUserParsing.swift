import Foundation

extension MarketingUser {
    /// Reads a user from comma-separated `name=value` pairs naming every feature once, for example
    /// `recency=15,frequency=3,monetary_value=200,engagement_score=0.78,discount_sensitive=1,`
    /// `free_shipping_preferred=0,email_opens=0.87,sms_response=0.12,push_response=0.05,last_purchase_days=8`
    /// (what `description` writes). Names are matched ignoring case, with spaces or hyphens read as
    /// underscores; whitespace around names and values is ignored. Values are decimal numbers only
    /// (`15`, `0.78`, `-1.5e2`): no hexadecimal; `nan` and `inf` read as numbers outside every range.
    ///
    /// - Throws: `MarketingUserError` for a piece that is not `name=value`, an unknown, repeated or
    ///   missing feature, a value that is not a number, or one outside the feature's range (flags take
    ///   0 or 1).
    public static func parse(_ text: String) throws -> MarketingUser {
        var user = MarketingUser(recency: 0, frequency: 0, monetaryValue: 0, engagementScore: 0, discountSensitive: false,
                                 freeShippingPreferred: false, emailOpens: 0, smsResponse: 0, pushResponse: 0,
                                 lastPurchaseDays: 0)
        var given = [Bool](repeating: false, count: featureCount)
        for piece in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pair = piece.trimmingCharacters(in: .whitespacesAndNewlines)
            if pair.isEmpty { continue }
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw MarketingUserError.malformedPair(text: pair) }
            let name = canonicalName(parts[0].trimmingCharacters(in: .whitespacesAndNewlines))
            let valueText = parts[1].trimmingCharacters(in: .whitespacesAndNewlines)
            guard let index = featureNames.firstIndex(of: name) else {
                throw MarketingUserError.unknownFeature(name: name, value: valueText)
            }
            guard !given[index] else { throw MarketingUserError.duplicateFeature(name: name, value: valueText) }
            let nonFinite = ["nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"].contains(valueText.lowercased())
            guard isDecimalNumber(valueText) || nonFinite, let value = Float(valueText) else {
                throw MarketingUserError.notANumber(name: name, value: valueText, expected: expectedValue(index))
            }
            let valid = isFlag(index) ? (value == 0 || value == 1) : featureRanges[index].contains(value)
            guard valid else { throw MarketingUserError.outOfRange(name: name, value: valueText, expected: expectedValue(index)) }
            user[feature: index] = value
            given[index] = true
        }
        if let missing = given.firstIndex(of: false) {
            throw MarketingUserError.missingFeature(name: featureNames[missing], expected: expectedValue(missing))
        }
        return user
    }

    /// Whether `text` is a decimal number: an optional sign, digits with an optional fraction (at least
    /// one digit in all), and an optional exponent `e` or `E` with an optional sign and digits.
    static func isDecimalNumber(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var i = 0
        func digits() -> Int {
            let start = i
            while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 }
            return i - start
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
        var mantissa = digits()
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            mantissa += digits()
        }
        guard mantissa > 0 else { return false }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { return false }
        }
        return i == bytes.count
    }

    /// What feature `index` accepts, in words ("0 or 1", "a number from 0 to 90").
    static func expectedValue(_ index: Int) -> String {
        if isFlag(index) { return "0 or 1" }
        let range = featureRanges[index]
        return "a number from \(plain(range.lowerBound)) to \(plain(range.upperBound))"
    }

    /// `value` without a trailing ".0" when it is a whole number.
    private static func plain(_ value: Float) -> String {
        value == value.rounded() ? String(Int(value)) : "\(value)"
    }

    /// `name` lower-cased with spaces and hyphens as underscores (`Free shipping-preferred` reads as
    /// `free_shipping_preferred`).
    private static func canonicalName(_ name: String) -> String {
        String(name.lowercased().map { $0 == " " || $0 == "-" ? "_" : $0 })
    }
}
