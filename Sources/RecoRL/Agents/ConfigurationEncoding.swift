/// Writes every stored property of a configuration under its own name, including `null` for an optional
/// that is off. Synthesised encoding leaves such fields out, and the partial decoder would then restore
/// their defaults (turning, say, "no gradient clipping" back into clipping when a saved file is read).
enum ConfigurationEncoding {
    static func encodeAll<C>(_ configuration: C, to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: NameKey.self)
        for child in Mirror(reflecting: configuration).children {
            guard let name = child.label, let value = child.value as? Encodable else {
                preconditionFailure("configuration property \(child.label ?? "?") is not encodable")
            }
            try value.encode(to: container.superEncoder(forKey: NameKey(stringValue: name)))
        }
    }

    private struct NameKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
