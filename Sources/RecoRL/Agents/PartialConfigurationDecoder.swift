import Foundation
import RecoEnvironments

/// Reads a configuration object field by field so a JSON file may name only the fields it changes:
/// missing fields keep their defaults, unknown fields are errors (a misspelt field would otherwise be
/// silently ignored), and a value of the wrong type names its field.
struct PartialConfigurationDecoder<Key: CodingKey & CaseIterable> {
    private let values: KeyedDecodingContainer<Key>

    /// Checks every key of the object against `known` (all of `Key` by default) before anything is read.
    init(_ decoder: Decoder, known: [Key] = Array(Key.allCases)) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        let known = Set(known.map(\.stringValue))
        if let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !known.contains($0) }) {
            throw ConfigurationError(field: unknown, value: nil,
                                     expected: known.isEmpty ? "no fields (the algorithm has no hyper-parameters)"
                                         : "one of \(known.sorted().joined(separator: ", "))")
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

/// The bounds on every size and count a configuration holds, and on its estimated memory: each
/// field's doc comment names its bound, and an error names the field, its value and the bound.
///
/// Sizes are checked one by one first (so no arithmetic on them can overflow), then together: the
/// memory a configuration would take (parameters with their gradients and Adam moments, the
/// networks' workspaces `rows x widest layer x 4 bytes x layers`, replay `capacity x width x 8 bytes`,
/// a rollout `rolloutSteps x copies x width`) is estimated before anything is allocated and must stay
/// within `memoryBytes`.
public enum ConfigurationLimits {
    /// The estimated memory a configuration may take: 4 GiB.
    public static let memoryBytes: Double = 4 * 1_073_741_824
    /// Hidden layers of a network: at most 16.
    public static let maximumHiddenLayers = 16
    /// Width of a hidden layer: at most 65,536.
    public static let maximumLayerWidth = 65_536
    /// Transitions per gradient step: at most 65,536.
    public static let maximumBatchSize = 65_536
    /// Transitions kept in replay: at most 100,000,000 (and within the memory limit).
    public static let maximumBufferCapacity = 100_000_000
    /// Environment-step counters (learning starts, train frequency, target update interval): at most 10^12.
    public static let maximumSteps = 1_000_000_000_000
    /// Gradient steps per round of updates: at most 10,000.
    public static let maximumGradientSteps = 10_000
    /// Steps per return (n-step returns): at most 1,000.
    public static let maximumNSteps = 1_000
    /// Vector steps per rollout: at most 1,000,000 (and within the memory limit).
    public static let maximumRolloutSteps = 1_000_000
    /// PPO passes over a rollout: at most 10,000.
    public static let maximumEpochs = 10_000
    /// PPO minibatches per pass: at most 1,000,000 (and at most the rollout's samples).
    public static let maximumMinibatches = 1_000_000
    /// Width of an item embedding (`itemEmbeddingWidth`): at most 1,024.
    public static let maximumItemEmbeddingWidth = 1_024
    /// A configuration file: at most 1 MiB.
    public static let maximumFileBytes = 1 << 20
    /// Any list in a configuration file: at most 1,024 values (hidden layers: `maximumHiddenLayers`).
    public static let maximumListLength = 1_024
    /// Nesting of objects and lists in a configuration file: at most 32 levels.
    public static let maximumNesting = 32

    /// Throws unless `value` is in `range`, naming `field` and the range.
    static func require(_ value: Int, in range: ClosedRange<Int>, _ field: String, _ noun: String = "an integer") throws {
        if !range.contains(value) {
            throw ConfigurationError(field: field, value: "\(value)",
                                     expected: "\(noun) from \(range.lowerBound) to \(range.upperBound)")
        }
    }

    /// Checks a list of hidden-layer widths: 1...16 layers, each 1...65,536 wide.
    static func requireHiddenLayers(_ layers: [Int], _ field: String = "hiddenLayers") throws {
        let expected = "a list of 1 to \(maximumHiddenLayers) widths, each from 1 to \(maximumLayerWidth)"
        guard (1...maximumHiddenLayers).contains(layers.count),
              layers.allSatisfy({ (1...maximumLayerWidth).contains($0) }) else {
            let shown = layers.count > maximumHiddenLayers ? "a list of \(layers.count) widths" : "\(layers)"
            throw ConfigurationError(field: field, value: shown, expected: expected)
        }
    }

    /// Parameters of a fully connected network `inputs -> hidden... -> outputs` (weights and biases).
    static func parameters(inputs: Int, hidden: [Int], outputs: Int) -> Double {
        var total = 0.0
        var previous = Double(inputs)
        for width in hidden + [outputs] {
            total += (previous + 1) * Double(width)
            previous = Double(width)
        }
        return total
    }

    /// What the first hidden layer of an agent's networks reads, and the parameters of the embedding
    /// table in front of it (0 without one), for observations of `observationWidth` with `ids`
    /// (as `ObservationInput` builds them).
    static func networkInput(observationWidth: Int, ids: ObservationIds?, itemEmbeddingWidth: Int)
        -> (inputs: Int, tableParameters: Double) {
        guard let ids, itemEmbeddingWidth > 0 else { return (observationWidth, 0) }
        return (itemEmbeddingWidth + observationWidth - ids.columns,
                Double(ids.vocabulary) * Double(itemEmbeddingWidth))
    }

    /// The memory of the embedding tables of `networks` networks (`bytesPerParameter` each: 4 for a
    /// target, 16 for a trained network with its gradient and Adam moments), charged to `itemEmbeddingWidth`.
    static func embeddingUse(itemEmbeddingWidth: Int, tableParameters: Double, bytes: Double, networks: String) -> MemoryUse {
        MemoryUse(field: "itemEmbeddingWidth", value: "\(itemEmbeddingWidth)", bytes: tableParameters * bytes,
                  formula: "the embedding tables of \(networks) (vocabulary x itemEmbeddingWidth x 4 bytes x \(Int(bytes / 4)))")
    }

    /// Bytes of one network's parameters with their gradients and two Adam moments (4 floats each).
    static func trainedParameterBytes(inputs: Int, hidden: [Int], outputs: Int) -> Double {
        parameters(inputs: inputs, hidden: hidden, outputs: outputs) * 4 * 4
    }

    /// Bytes of one network's forward and backward workspaces for `rows` rows:
    /// `rows x widest layer x 4 bytes x layers`, for outputs and gradients of every layer.
    static func workspaceBytes(rows: Double, inputs: Int, hidden: [Int], outputs: Int) -> Double {
        let widest = Double(Swift.max(inputs, outputs, hidden.max() ?? 0))
        let layers = Double(2 * (hidden.count + 1))
        return rows * widest * 4 * layers * 2
    }

    /// `rolloutSteps x copies`, refusing a product that overflows or is not positive.
    static func rolloutSamples(rolloutSteps: Int, copies: Int) throws -> Int {
        let (samples, overflow) = rolloutSteps.multipliedReportingOverflow(by: copies)
        guard !overflow, samples >= 1 else {
            throw ConfigurationError(field: "rolloutSteps", value: "\(rolloutSteps)",
                                     expected: "a rollout of rolloutSteps x copies (\(copies)) samples that is positive and fits an integer")
        }
        return samples
    }

    /// The memory check shared by the actor-critic agents: actor and critic (or one shared network) with
    /// workspaces of `batchRows` rows, the policy step's `batchRows x actions` tables, and the rollout of
    /// `rolloutSteps x copies` samples (`rolloutCopies` of it).
    static func requireActorCriticMemory(hiddenLayers: [Int], itemEmbeddingWidth: Int, sharedNetwork: Bool, rolloutSteps: Int,
                                         copies: Int, batchRows: Double, observationWidth: Int, observationIds: ObservationIds?,
                                         actions: Int, rolloutCopies: Double = 1) throws {
        let heads = sharedNetwork ? [actions + 1] : [actions, 1]
        let input = networkInput(observationWidth: observationWidth, ids: observationIds, itemEmbeddingWidth: itemEmbeddingWidth)
        var parameters = 0.0, workspaces = 0.0
        for outputs in heads {
            parameters += trainedParameterBytes(inputs: input.inputs, hidden: hiddenLayers, outputs: outputs)
            workspaces += workspaceBytes(rows: batchRows, inputs: input.inputs, hidden: hiddenLayers, outputs: outputs)
        }
        workspaces += batchRows * Double(actions) * 4 * 4
        let samples = Double(rolloutSteps) * Double(Swift.max(1, copies))
        let rollout = samples * (Double(observationWidth) + 8) * 4 * rolloutCopies
        try requireMemory([
            .init(field: "hiddenLayers", value: "\(hiddenLayers)", bytes: parameters,
                  formula: "the actor and critic (parameters x 4 bytes x 4)"),
            .init(field: "rolloutSteps", value: "\(rolloutSteps)", bytes: workspaces + rollout,
                  formula: "the rollout and the workspaces it sizes (rolloutSteps x copies (\(copies)) x "
                      + "(observation width \(observationWidth) + 8 + widest layer x layers) x 4 bytes)"),
            embeddingUse(itemEmbeddingWidth: itemEmbeddingWidth, tableParameters: input.tableParameters * Double(heads.count),
                         bytes: 16, networks: sharedNetwork ? "the shared network" : "the actor and critic"),
        ])
    }

    /// One part of a configuration's estimated memory, charged to the field that sizes it.
    struct MemoryUse {
        let field: String
        let value: String
        let bytes: Double
        /// How the bytes come about, in words.
        let formula: String
    }

    /// Throws, naming the field of the largest part, when the parts together exceed `memoryBytes`.
    static func requireMemory(_ parts: [MemoryUse]) throws {
        let total = parts.reduce(0) { $0 + $1.bytes }
        guard !(total <= memoryBytes), let largest = parts.max(by: { $0.bytes < $1.bytes }) else { return }
        throw ConfigurationError(
            field: largest.field, value: largest.value,
            expected: "a value whose memory fits the limit: \(largest.formula) takes an estimated "
                + "\(format(largest.bytes)) (\(format(total)) in all), more than the limit of \(format(memoryBytes))")
    }

    /// `bytes` in GiB or MiB, for messages.
    static func format(_ bytes: Double) -> String {
        if !bytes.isFinite { return "more than 10^300 bytes" }
        if bytes >= 1_073_741_824 { return String(format: "%.1f GiB", bytes / 1_073_741_824) }
        return String(format: "%.1f MiB", bytes / 1_048_576)
    }
}

/// A configuration that can estimate the memory it would take for an environment, so a run is refused
/// before anything is allocated (`ConfigurationLimits.memoryBytes`).
public protocol MemoryBoundedConfiguration {
    /// Throws a `ConfigurationError` naming the field whose memory exceeds the limit for `copies`
    /// environment copies with observations of `observationWidth` values (whose leading
    /// `observationIds` columns, when given, hold ids an agent may embed) and `actions` actions.
    func validateMemory(copies: Int, observationWidth: Int, actions: Int, observationIds: ObservationIds?) throws
}

extension MemoryBoundedConfiguration {
    /// `validateMemory` for observations without id columns.
    public func validateMemory(copies: Int, observationWidth: Int, actions: Int) throws {
        try validateMemory(copies: copies, observationWidth: observationWidth, actions: actions, observationIds: nil)
    }
}

/// Checks a configuration file's text before it is decoded: at most `ConfigurationLimits.maximumFileBytes`,
/// no key named twice in one object (JSON decoders keep one of them silently), no list longer than
/// `ConfigurationLimits.maximumListLength` and no nesting deeper than `ConfigurationLimits.maximumNesting`
/// (so a huge list is refused before it is decoded). Malformed JSON is left to the decoder to report.
public enum ConfigurationText {
    public static func check(_ data: Data) throws {
        if data.count > ConfigurationLimits.maximumFileBytes {
            throw ConfigurationError(field: "(file)", value: "\(data.count) bytes",
                                     expected: "a file of at most \(ConfigurationLimits.maximumFileBytes) bytes")
        }
        try data.withUnsafeBytes { raw in
            var scanner = Scanner(bytes: raw.bindMemory(to: UInt8.self))
            try scanner.scan()
        }
    }

    private struct Frame {
        let isObject: Bool
        let path: String
        var keys: Set<String> = []
        var count = 0
        var expectingKey = true
        var key: String?
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        var stack: [Frame] = []

        /// The field a value at the current position belongs to ("exploration.start", "hiddenLayers").
        var currentPath: String {
            guard let top = stack.last else { return "(top level)" }
            guard top.isObject, let key = top.key else { return top.path }
            return top.path.isEmpty ? key : top.path + "." + key
        }

        /// Counts a value starting here in the enclosing list, refusing one too many.
        mutating func valueStarts() throws {
            guard var top = stack.last, !top.isObject else { return }
            top.count += 1
            stack[stack.count - 1] = top
            if top.count > ConfigurationLimits.maximumListLength {
                throw ConfigurationError(field: top.path.isEmpty ? "(top level)" : top.path,
                                         value: "a list of more than \(ConfigurationLimits.maximumListLength) values",
                                         expected: "a list of at most \(ConfigurationLimits.maximumListLength) values")
            }
        }

        mutating func push(object: Bool) throws {
            let path = stack.isEmpty ? "" : currentPath
            if stack.count >= ConfigurationLimits.maximumNesting {
                throw ConfigurationError(field: path.isEmpty ? "(top level)" : path,
                                         value: "nested more than \(ConfigurationLimits.maximumNesting) levels deep",
                                         expected: "at most \(ConfigurationLimits.maximumNesting) levels of objects and lists")
            }
            stack.append(Frame(isObject: object, path: path))
        }

        /// Reads a string starting at the opening quote; returns its text (escapes
        /// resolved), or nil when it does not end.
        mutating func string() -> String? {
            var text: [UInt8] = []
            index += 1
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return String(decoding: text, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { return nil }
                    let escaped = bytes[index]
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "n"): text.append(10)
                    case UInt8(ascii: "t"): text.append(9)
                    case UInt8(ascii: "r"): text.append(13)
                    case UInt8(ascii: "b"): text.append(8)
                    case UInt8(ascii: "f"): text.append(12)
                    case UInt8(ascii: "u"):
                        guard var scalar = hex4() else { return nil }
                        // A surrogate pair spells one scalar in two escapes.
                        if (0xD800..<0xDC00).contains(scalar), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                           bytes[index + 1] == UInt8(ascii: "u") {
                            index += 2
                            guard let low = hex4() else { return nil }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + ((low &- 0xDC00) & 0x3FF)
                        }
                        text += Array(String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8)
                    default: text.append(escaped)
                    }
                default:
                    text.append(byte)
                }
            }
            return nil
        }

        /// Four hexadecimal digits after `\u`, or nil.
        mutating func hex4() -> UInt32? {
            guard index + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let digit = hexDigit(bytes[index]) else { return nil }
                value = value << 4 | digit
                index += 1
            }
            return value
        }

        func hexDigit(_ byte: UInt8) -> UInt32? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
        }

        mutating func scan() throws {
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    try valueStarts()
                    try push(object: byte == UInt8(ascii: "{"))
                    index += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    guard !stack.isEmpty else { return }
                    stack.removeLast()
                    index += 1
                case UInt8(ascii: ","):
                    if var top = stack.last, top.isObject {
                        top.expectingKey = true
                        top.key = nil
                        stack[stack.count - 1] = top
                    }
                    index += 1
                case UInt8(ascii: "\""):
                    if var top = stack.last, top.isObject, top.expectingKey {
                        guard let key = string() else { return }
                        let field = top.path.isEmpty ? key : top.path + "." + key
                        if top.keys.contains(key) {
                            throw ConfigurationError(field: field, value: "named twice",
                                                     expected: "each field named once in its object")
                        }
                        top.keys.insert(key)
                        top.key = key
                        top.expectingKey = false
                        stack[stack.count - 1] = top
                    } else {
                        try valueStarts()
                        guard string() != nil else { return }
                    }
                case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"), UInt8(ascii: ":"):
                    index += 1
                default:
                    // A number or literal: one value, up to the next delimiter.
                    try valueStarts()
                    while index < bytes.count {
                        let next = bytes[index]
                        if next == UInt8(ascii: ",") || next == UInt8(ascii: "}") || next == UInt8(ascii: "]")
                            || next == UInt8(ascii: " ") || next == UInt8(ascii: "\n") || next == UInt8(ascii: "\r")
                            || next == UInt8(ascii: "\t") || next == UInt8(ascii: "\"") || next == UInt8(ascii: "{")
                            || next == UInt8(ascii: "[") || next == UInt8(ascii: ":") { break }
                        index += 1
                    }
                }
            }
        }
    }
}
