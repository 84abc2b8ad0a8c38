/// Reads a configuration object field by field so a JSON file may name only the fields it changes:
/// missing fields keep their defaults, unknown fields are errors (a misspelt field would otherwise be
/// silently ignored), and a value of the wrong type names its field.
struct PartialConfigurationDecoder<Key: CodingKey & CaseIterable> {
    private let values: KeyedDecodingContainer<Key>

    /// Checks every key of the object against `Key` before anything is read.
    init(_ decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        let known = Set(Key.allCases.map(\.stringValue))
        if let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !known.contains($0) }) {
            throw ConfigurationError(field: unknown, value: nil, expected: "one of \(known.sorted().joined(separator: ", "))")
        }
        values = try decoder.container(keyedBy: Key.self)
    }

    /// The value of `key`, or `current` when the object does not name it.
    func field<T: Decodable>(_ key: Key, _ current: T) throws -> T {
        do {
            return try values.decodeIfPresent(T.self, forKey: key) ?? current
        } catch {
            throw ConfigurationError(field: key.stringValue, value: "of the wrong type", expected: "a value of type \(T.self)")
        }
    }

    /// An optional field: an explicit `null` turns it off, absence keeps `current`.
    func optionalField<T: Decodable>(_ key: Key, _ current: T?) throws -> T? {
        if values.contains(key), (try? values.decodeNil(forKey: key)) == true { return nil }
        return try field(key, current)
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
