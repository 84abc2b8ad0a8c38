/// A RecoGym setting out of range: the field (RecoGym's name), the value given and what was expected.
public struct RecoGymConfigurationError: Error, Equatable, CustomStringConvertible, Sendable {
    public var field: String
    public var value: String
    public var expected: String
    public init(field: String, value: String, expected: String) {
        self.field = field
        self.value = value
        self.expected = expected
    }
    public var description: String { "recogym setting \(field) = \(value): expected \(expected)" }
}
