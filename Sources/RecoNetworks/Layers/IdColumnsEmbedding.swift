import RecoTensor

/// A learned bag of the ids in the leading columns of a dense row: the first `idColumns` values of each
/// input row are ids (whole numbers stored as floats, in `0..<vocabulary`: the items of a user's recent
/// history, for example), replaced by the mean of their rows of one shared table (`vocabulary x width`,
/// tensor `weight`, as `Embedding` lays it out); the remaining `restWidth` columns pass through
/// unchanged. The mean, not a concatenation, so what the network learns about an item does not depend
/// on the slot it was seen in: the bag-of-items encoder of sequential recommenders, which generalises
/// from few users; order-aware encoders are separate layer kinds.
///
/// Shapes: input `B x (idColumns + restWidth)`, output `B x (width + restWidth)`, laid out
/// `[mean_c table[id_c], rest]`.
///
/// The backward pass gives the table a sparse gradient like `Embedding`'s (only the rows looked up are
/// touched, each by `1 / idColumns` of the output gradient; those of the previous pass are cleared
/// first), a zero gradient for the id columns (ids are not differentiable) and the rest columns' output
/// gradient unchanged.
///
/// Ids come from outside the network (observations), so they are checked where they enter:
/// `checkInput(_:)` throws `NetworkError.invalidInput` naming the row, column, value and the allowed
/// range, and the policies of RecoRL call it (through `SequentialNetwork.checkInput`) before acting.
/// `forward` itself treats an invalid id as a programming error (a precondition naming it), never
/// rounding or clamping it.
public final class IdColumnsEmbedding: Layer, InputCheckingLayer {
    /// Leading input columns that hold ids.
    public let idColumns: Int
    /// Number of table rows: every id lies in `0..<vocabulary`.
    public let vocabulary: Int
    /// Length of each vector.
    public let width: Int
    /// Input columns after the ids, passed through.
    public let restWidth: Int
    public var inputWidth: Int { idColumns + restWidth }
    public var outputWidth: Int { width + restWidth }
    public var runsInPlace: Bool { false }
    public var parameterShapes: [ParameterShape] { [ParameterShape(name: "weight", shape: [vocabulary, width])] }
    /// Table rows holding a non-zero gradient after the last backward pass (may repeat; after passes
    /// with `accumulate`, the rows of every pass since the last one without).
    public private(set) var touchedRows: [Int32] = []

    private var weight: MatrixView?
    private var weightGradient: MatrixView?

    /// A table of `vocabulary` vectors of `width` for the first `idColumns` of rows of
    /// `idColumns + restWidth`, for batches of up to `maxBatch` rows (the capacity `touchedRows` keeps,
    /// so backward passes do not allocate).
    public init(idColumns: Int, vocabulary: Int, width: Int, restWidth: Int, maxBatch: Int) {
        precondition(idColumns > 0 && vocabulary > 0 && width > 0 && restWidth >= 0,
                     "id-columns embedding needs positive sizes, got \(idColumns) columns, \(vocabulary) x \(width), rest \(restWidth)")
        self.idColumns = idColumns
        self.vocabulary = vocabulary
        self.width = width
        self.restWidth = restWidth
        touchedRows.reserveCapacity(maxBatch * idColumns)
    }

    public func bind(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {
        weight = MatrixView(base: parameters, rows: vocabulary, columns: width)
        weightGradient = MatrixView(base: gradients, rows: vocabulary, columns: width)
    }

    /// Draws the table from a standard normal, like `Embedding`.
    public func initializeParameters(using generator: inout RandomGenerator) throws {
        generator.fillNormal(bound(weight).flat)
    }

    /// The table as a matrix view (`vocabulary x width`).
    public var table: MatrixView { bound(weight) }

    @inline(__always)
    private func row(of value: Float) -> Int? { IdColumns.row(of: value, vocabulary: vocabulary) }

    /// Throws `NetworkError.invalidInput` unless every id column of `x` holds a whole number in
    /// `0..<vocabulary` (the first offending row and column are named).
    public func checkInput(_ x: MatrixView) throws {
        try IdColumns.check(x, idColumns: idColumns, vocabulary: vocabulary)
    }

    public func forward(_ x: MatrixView, into y: MatrixView) {
        precondition(x.columns == inputWidth && y.columns == outputWidth && y.rows == x.rows,
                     "id-columns embedding maps \(inputWidth) to \(outputWidth) columns, got \(x.rows)x\(x.columns) -> \(y.rows)x\(y.columns)")
        let table = bound(weight)
        let share = 1 / Float(idColumns)
        for r in 0..<x.rows {
            let xp = x.rowPointer(r), yp = y.rowPointer(r)
            yp.update(repeating: 0, count: width)
            for c in 0..<idColumns {
                guard let id = row(of: xp[c]) else {
                    preconditionFailure("id \(xp[c]) in row \(r), column \(c) outside 0..<\(vocabulary) (check inputs with checkInput first)")
                }
                let vector = table.rowPointer(id)
                for j in 0..<width { yp[j] += share * vector[j] }
            }
            if restWidth > 0 { (yp + width).update(from: xp + idColumns, count: restWidth) }
        }
    }

    public func backward(input x: MatrixView, output y: MatrixView, outputGradient dy: MatrixView,
                         inputGradient dx: MatrixView?, accumulate: Bool) {
        let gradient = bound(weightGradient)
        if !accumulate {
            for id in touchedRows { gradient.rowPointer(Int(id)).update(repeating: 0, count: width) }
            touchedRows.removeAll(keepingCapacity: true)
        }
        let share = 1 / Float(idColumns)
        for r in 0..<x.rows {
            let xp = x.rowPointer(r), dyp = dy.rowPointer(r)
            for c in 0..<idColumns {
                guard let id = row(of: xp[c]) else {
                    preconditionFailure("id \(xp[c]) in row \(r), column \(c) outside 0..<\(vocabulary)")
                }
                let target = gradient.rowPointer(id)
                for j in 0..<width { target[j] += share * dyp[j] }
                touchedRows.append(Int32(id))
            }
            guard let dx else { continue }
            let dxp = dx.rowPointer(r)
            dxp.update(repeating: 0, count: idColumns)
            if restWidth > 0 { (dxp + idColumns).update(from: dyp + width, count: restWidth) }
        }
    }
}

/// A layer that can tell whether a batch from outside the network is valid input (ids in range, for
/// example) before a forward pass, whose preconditions would otherwise stop the process.
public protocol InputCheckingLayer: Layer {
    /// Throws `NetworkError.invalidInput` naming the first invalid value of `x`.
    func checkInput(_ x: MatrixView) throws
}

/// The `id-columns-embedding` layer kind: an `IdColumnsEmbedding` of `vocabulary` rows of `width` for
/// the first `idColumns` of dense rows of `idColumns + restWidth`.
public struct IdColumnsEmbeddingKind: LayerKind {
    public static let name = "id-columns-embedding"
    /// Largest vocabulary: every id below it is a float exactly (2^24).
    public static let maximumVocabulary = 1 << 24
    /// Leading input columns that hold ids.
    public var idColumns: Int
    /// Table rows (ids lie in `0..<vocabulary`).
    public var vocabulary: Int
    /// Length of each vector.
    public var width: Int
    /// Input columns after the ids, passed through.
    public var restWidth: Int

    /// Vectors of `width` from a table of `vocabulary` rows for the first `idColumns` of rows of
    /// `idColumns + restWidth`.
    public init(idColumns: Int, vocabulary: Int, width: Int, restWidth: Int) {
        self.idColumns = idColumns
        self.vocabulary = vocabulary
        self.width = width
        self.restWidth = restWidth
    }

    /// Columns of the output: `width + restWidth`.
    public var outputWidth: Int { width + restWidth }

    public var impliedInput: InputShape? { .dense(width: idColumns + restWidth) }

    public func makeLayer(input: InputShape, maxBatch: Int) throws -> (layer: any NetworkLayer, output: InputShape) {
        guard idColumns > 0, width > 0, restWidth >= 0, (1...Self.maximumVocabulary).contains(vocabulary) else {
            throw NetworkError.invalidArchitecture(
                "id-columns embedding needs idColumns and width positive, restWidth >= 0 and vocabulary in 1...\(Self.maximumVocabulary); "
                + "got \(idColumns), \(width), \(restWidth), \(vocabulary)")
        }
        guard case .dense = input else {
            throw NetworkError.invalidArchitecture("id-columns embedding reads dense rows, but its input is \(input)")
        }
        try requireWidth(idColumns + restWidth, of: input, for: Self.name)
        let layer = IdColumnsEmbedding(idColumns: idColumns, vocabulary: vocabulary, width: width, restWidth: restWidth,
                                       maxBatch: maxBatch)
        return (layer, .dense(width: outputWidth))
    }
}

extension LayerSpec {
    /// Learned vectors of `width` for the first `idColumns` (ids in `0..<vocabulary`) of dense rows of
    /// `idColumns + restWidth`; the rest pass through.
    public static func idColumnsEmbedding(idColumns: Int, vocabulary: Int, width: Int, restWidth: Int) -> LayerSpec {
        LayerSpec(IdColumnsEmbeddingKind(idColumns: idColumns, vocabulary: vocabulary, width: width, restWidth: restWidth))
    }
}

/// The id columns' rule, shared by the layers that read them (`IdColumnsEmbedding`, `IdColumnsSequence`):
/// an id is a whole number in `0..<vocabulary`, stored as a float.
enum IdColumns {
    /// The table row of `value`, or nil unless it is a whole number in `0..<vocabulary`.
    @inline(__always)
    static func row(of value: Float, vocabulary: Int) -> Int? {
        guard value >= 0, value < Float(vocabulary), value == value.rounded(.towardZero) else { return nil }
        return Int(value)
    }

    /// Throws `NetworkError.invalidInput` naming the first row and column of `x` among its leading
    /// `idColumns` whose value is not an id.
    static func check(_ x: MatrixView, idColumns: Int, vocabulary: Int) throws {
        for r in 0..<x.rows {
            let xp = x.rowPointer(r)
            for c in 0..<idColumns where row(of: xp[c], vocabulary: vocabulary) == nil {
                throw NetworkError.invalidInput(field: "row \(r), id column \(c)", value: "\(xp[c])",
                                                expected: "a whole number in 0..<\(vocabulary)")
            }
        }
    }
}
