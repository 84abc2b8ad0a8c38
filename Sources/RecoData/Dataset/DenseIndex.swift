/// Dense ids for strings: 0, 1, 2, ... in order of first `encode`, with the way back.
public struct DenseIndex: Equatable, Sendable {
    /// The original strings, by id.
    public private(set) var names: [String] = []
    private var ids: [String: UInt32] = [:]

    /// An empty index.
    public init() {}

    /// An index over `names` (ids 0..<count in that order); nil when a name repeats.
    public init?(names: [String]) {
        for name in names {
            guard ids[name] == nil else { return nil }
            ids[name] = UInt32(ids.count)
        }
        self.names = names
    }

    /// How many strings have ids.
    public var count: Int { names.count }

    /// The id of `name`, assigning the next one when it is new.
    public mutating func encode(_ name: String) -> UInt32 {
        if let id = ids[name] { return id }
        let id = UInt32(names.count)
        ids[name] = id
        names.append(name)
        return id
    }

    /// The id of `name`, nil when it has none.
    public func id(of name: String) -> UInt32? { ids[name] }

    /// The string of `id`, nil when out of range.
    public func name(of id: UInt32) -> String? { Int(id) < names.count ? names[Int(id)] : nil }
}
