import RecoTensor

/// One named parameter tensor inside a flat parameter buffer.
public struct ParameterTensor: Equatable, Sendable {
    /// Full name, PyTorch style (`"0.weight"`, `"2.bias"`).
    public let name: String
    /// Dimensions, outermost first.
    public let shape: [Int]
    /// First element in the flat buffer.
    public let offset: Int
    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }
}

/// All of a network's parameters in one flat Float32 buffer, and their gradients in a second buffer
/// with the same layout.
///
/// Keeping parameters flat makes whole-network operations single passes: an optimiser step is one
/// loop, a hard target-network copy is one `memcpy`, a Polyak average is one `axpby`, a checkpoint is
/// one write. Layers see windows into these buffers.
public final class ParameterStore {
    /// Number of parameters.
    public let count: Int
    /// The named tensors, in buffer order.
    public let tensors: [ParameterTensor]
    private let valueStorage: Matrix
    private let gradientStorage: Matrix

    /// A zeroed store laid out for `tensors` (offsets must tile `0..<count` in order).
    init(tensors: [ParameterTensor]) {
        self.tensors = tensors
        count = tensors.reduce(0) { $0 + $1.count }
        valueStorage = Matrix(rows: 1, columns: count)
        gradientStorage = Matrix(rows: 1, columns: count)
    }

    /// A zeroed store holding one tensor called `name` of `shape`: for parameters trained outside a
    /// network, such as Soft Actor-Critic's log-temperature.
    public convenience init(name: String, shape: [Int]) {
        self.init(tensors: [ParameterTensor(name: name, shape: shape, offset: 0)])
    }

    /// A zeroed store holding `shapes` one after another: for a group of tensors trained outside a
    /// network.
    public convenience init(shapes: [ParameterShape]) {
        var offset = 0
        var tensors: [ParameterTensor] = []
        for shape in shapes {
            tensors.append(ParameterTensor(name: shape.name, shape: shape.shape, offset: offset))
            offset += shape.count
        }
        self.init(tensors: tensors)
    }

    /// The parameters.
    public var values: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: valueStorage.view.base, count: count)
    }

    /// The gradients, same layout as `values`.
    public var gradients: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: gradientStorage.view.base, count: count)
    }

    /// Sets every gradient to zero.
    public func zeroGradients() { gradients.update(repeating: 0) }

    /// Copies every parameter of `source` (same layout) into this store: a hard target-network update.
    public func copy(from source: ParameterStore) {
        checkSameLayout(source)
        values.baseAddress!.update(from: source.values.baseAddress!, count: count)
    }

    /// `self = tau * source + (1 - tau) * self`: a Polyak (soft) target-network update.
    public func polyakAverage(from source: ParameterStore, tau: Float) {
        checkSameLayout(source)
        BLAS.axpby(count: count, alpha: tau, source.values.baseAddress!, beta: 1 - tau, values.baseAddress!)
    }

    /// The tensor called `name`, if any.
    public func tensor(named name: String) -> ParameterTensor? { tensors.first { $0.name == name } }

    private func checkSameLayout(_ other: ParameterStore) {
        precondition(other.tensors == tensors, "parameter stores have different layouts")
    }
}
