import Foundation

/// The layer kinds a `LayerSpec` can be decoded into, by name.
///
/// `shared` starts with every kind this module defines; other modules add theirs with
/// `register(_:)` before reading checkpoints that use them. Registration and lookup are thread-safe.
public final class LayerRegistry: @unchecked Sendable {
    /// The registry `LayerSpec` decoding uses.
    public static let shared = LayerRegistry(kinds: [
        LinearKind.self, ReLUKind.self, TanhKind.self, SigmoidKind.self, LayerNormKind.self, SoftmaxKind.self,
        LogSoftmaxKind.self, DuelingKind.self, EmbeddingKind.self, MeanPoolingKind.self, IdColumnsEmbeddingKind.self,
        GRUKind.self, SelfAttentionKind.self, LastStepKind.self, IdColumnsSequenceKind.self,
    ])

    private let lock = NSLock()
    private var kinds: [String: any LayerKind.Type] = [:]

    /// A registry holding `kinds`.
    public init(kinds: [any LayerKind.Type]) {
        for kind in kinds { register(kind) }
    }

    /// Makes `kind` decodable under `kind.name`. Registering the same type again does nothing; another
    /// type under a name already taken is a programming error.
    public func register(_ kind: any LayerKind.Type) {
        lock.lock()
        defer { lock.unlock() }
        if let existing = kinds[kind.name] {
            precondition(ObjectIdentifier(existing) == ObjectIdentifier(kind),
                         "layer kind name \(kind.name) is already registered by \(existing)")
            return
        }
        kinds[kind.name] = kind
    }

    /// The kind registered as `name`, if any.
    public func kind(named name: String) -> (any LayerKind.Type)? {
        lock.lock()
        defer { lock.unlock() }
        return kinds[name]
    }

    /// Every registered name, sorted (for error messages).
    public var names: [String] {
        lock.lock()
        defer { lock.unlock() }
        return kinds.keys.sorted()
    }
}
