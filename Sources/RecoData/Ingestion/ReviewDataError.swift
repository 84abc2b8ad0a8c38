/// A problem with review input or a prepared data directory, as one line naming the file (or flag), the
/// field or line, the value found and what was expected.
public struct ReviewDataError: Error, CustomStringConvertible, Equatable {
    /// The one-line message.
    public let description: String

    /// An error with the message `description`.
    public init(_ description: String) { self.description = description }
}

extension ReviewDataError {
    /// Throws "`owner` setting `field`: `value` is not valid; expected `expected`" unless `ok`: the one
    /// form of every settings check in RecoData.
    static func requireSetting(_ ok: Bool, _ owner: String, _ field: String, _ value: Any, _ expected: String) throws {
        if !ok { throw ReviewDataError("\(owner) setting \(field): \(value) is not valid; expected \(expected)") }
    }
}
