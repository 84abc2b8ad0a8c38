/// A problem with review input or a prepared data directory, as one line naming the file (or flag), the
/// field or line, the value found and what was expected.
public struct ReviewDataError: Error, CustomStringConvertible, Equatable {
    /// The one-line message.
    public let description: String

    /// An error with the message `description`.
    public init(_ description: String) { self.description = description }
}
