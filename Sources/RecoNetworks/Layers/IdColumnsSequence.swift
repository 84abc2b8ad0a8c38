import RecoTensor

/// The ids in the leading columns of a dense row as a sequence of learned vectors, for an order-aware
/// encoder (`gru`, `self-attention`) after it: the first `idColumns` values of each input row are ids
/// (a window of the user's recent items, oldest first, whole numbers stored as floats in
/// `0..<vocabulary`, as `ObservationIds` declares them), and step `t` of the output is the table row of
/// id `t` followed by the row's remaining `restWidth` columns (the same at every step, so an encoder
/// sees the context with every item).
///
/// Shapes: input `B x (T + R)` with `T = idColumns`, `R = restWidth`; output the sequence
/// `B·T x (width + R)`, rows `b*T ..< (b+1)*T` for sample `b`, laid out `[table[id_t], rest]`.
///
/// The table (`vocabulary x width`, tensor `weight`) gets a sparse gradient like `Embedding`'s (only the
/// rows looked up; those of the previous pass cleared first); the id columns get a zero gradient and
/// the rest columns the sum over steps of their output gradient. Ids are checked where they enter
/// (`checkInput`, which `SequentialNetwork.checkInput` calls), as for `IdColumnsEmbedding`.
public final class IdColumnsSequence: Layer, InputCheckingLayer {
    /// Leading input columns that hold ids: the steps `T` of the output.
    public let idColumns: Int
    /// Number of table rows: every id lies in `0..<vocabulary`.
    public let vocabulary: Int
    /// Length of each item vector.
    public let width: Int
    /// Input columns after the ids, repeated at every step.
    public let restWidth: Int
    public var inputWidth: Int { idColumns + restWidth }
    public var outputWidth: Int { width + restWidth }
    public var runsInPlace: Bool { false }
    public var parameterShapes: [ParameterShape] { [ParameterShape(name: "weight", shape: [vocabulary, width])] }
    /// Table rows holding a non-zero gradient after the last backward pass (may repeat).
    public private(set) var touchedRows: [Int32] = []

    private var weight: MatrixView?
    private var weightGradient: MatrixView?

    /// A table of `vocabulary` vectors of `width` for the first `idColumns` of rows of
    /// `idColumns + restWidth`, for batches of up to `maxBatch` rows.
    public init(idColumns: Int, vocabulary: Int, width: Int, restWidth: Int, maxBatch: Int) {
        precondition(idColumns > 0 && vocabulary > 0 && width > 0 && restWidth >= 0,
                     "id-columns sequence needs positive sizes, got \(idColumns) columns, \(vocabulary) x \(width), rest \(restWidth)")
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
        precondition(x.columns == inputWidth && y.columns == outputWidth && y.rows == x.rows * idColumns,
                     "id-columns sequence maps rows of \(inputWidth) to \(idColumns) rows of \(outputWidth), got \(x.rows)x\(x.columns) -> \(y.rows)x\(y.columns)")
        let table = bound(weight)
        for r in 0..<x.rows {
            let xp = x.rowPointer(r)
            for t in 0..<idColumns {
                guard let id = row(of: xp[t]) else {
                    preconditionFailure("id \(xp[t]) in row \(r), column \(t) outside 0..<\(vocabulary) (check inputs with checkInput first)")
                }
                let yp = y.rowPointer(r * idColumns + t)
                yp.update(from: table.rowPointer(id), count: width)
                if restWidth > 0 { (yp + width).update(from: xp + idColumns, count: restWidth) }
            }
        }
    }

    public func backward(input x: MatrixView, output y: MatrixView, outputGradient dy: MatrixView,
                         inputGradient dx: MatrixView?, accumulate: Bool) {
        let gradient = bound(weightGradient)
        if !accumulate {
            for id in touchedRows { gradient.rowPointer(Int(id)).update(repeating: 0, count: width) }
            touchedRows.removeAll(keepingCapacity: true)
        }
        for r in 0..<x.rows {
            let xp = x.rowPointer(r)
            let dxp = dx?.rowPointer(r)
            if let dxp { dxp.update(repeating: 0, count: inputWidth) }
            for t in 0..<idColumns {
                guard let id = row(of: xp[t]) else { preconditionFailure("id \(xp[t]) in row \(r), column \(t) outside 0..<\(vocabulary)") }
                let dyp = dy.rowPointer(r * idColumns + t), target = gradient.rowPointer(id)
                for j in 0..<width { target[j] += dyp[j] }
                touchedRows.append(Int32(id))
                if let dxp { for j in 0..<restWidth { dxp[idColumns + j] += dyp[width + j] } }
            }
        }
    }
}

/// The `id-columns-sequence` layer kind: an `IdColumnsSequence` of `vocabulary` rows of `width` for the
/// first `idColumns` of dense rows of `idColumns + restWidth`; output sequences of `idColumns` steps.
///
/// JSON: `{"id-columns-sequence":{"idColumns":10,"vocabulary":1000,"width":16,"restWidth":4}}`.
public struct IdColumnsSequenceKind: LayerKind {
    public static let name = "id-columns-sequence"
    /// Leading input columns that hold ids (the steps of the output).
    public var idColumns: Int
    /// Table rows (ids lie in `0..<vocabulary`).
    public var vocabulary: Int
    /// Length of each item vector.
    public var width: Int
    /// Input columns after the ids, repeated at every step.
    public var restWidth: Int

    /// Item vectors of `width` from a table of `vocabulary` rows for the first `idColumns` of rows of
    /// `idColumns + restWidth`, each step followed by the rest columns.
    public init(idColumns: Int, vocabulary: Int, width: Int, restWidth: Int) {
        self.idColumns = idColumns
        self.vocabulary = vocabulary
        self.width = width
        self.restWidth = restWidth
    }

    /// Columns of each output step: `width + restWidth`.
    public var outputWidth: Int { width + restWidth }

    public var impliedInput: InputShape? { .dense(width: idColumns + restWidth) }

    public func makeLayer(input: InputShape, maxBatch: Int) throws -> (layer: any NetworkLayer, output: InputShape) {
        try requireSize(idColumns, "id-columns sequence idColumns")
        try requireSize(width, "id-columns sequence width")
        guard restWidth >= 0, restWidth <= Checkpoint.maximumLayerWidth else {
            throw NetworkError.invalidArchitecture("id-columns sequence restWidth must be in 0...\(Checkpoint.maximumLayerWidth), got \(restWidth)")
        }
        guard (1...IdColumnsEmbeddingKind.maximumVocabulary).contains(vocabulary) else {
            throw NetworkError.invalidArchitecture(
                "id-columns sequence vocabulary must be in 1...\(IdColumnsEmbeddingKind.maximumVocabulary), got \(vocabulary)")
        }
        guard case .dense = input else {
            throw NetworkError.invalidArchitecture("id-columns sequence reads dense rows, but its input is \(input)")
        }
        try requireWidth(idColumns + restWidth, of: input, for: Self.name)
        try requireProduct([maxBatch, idColumns], "id-columns sequence touched rows (maxBatch x idColumns)")
        let layer = IdColumnsSequence(idColumns: idColumns, vocabulary: vocabulary, width: width, restWidth: restWidth,
                                      maxBatch: maxBatch)
        return (layer, .floats(steps: idColumns, width: outputWidth))
    }
}

extension LayerSpec {
    /// The first `idColumns` (ids in `0..<vocabulary`) of dense rows of `idColumns + restWidth` as a
    /// sequence of `idColumns` steps of learned vectors of `width`, each followed by the rest columns.
    public static func idColumnsSequence(idColumns: Int, vocabulary: Int, width: Int, restWidth: Int) -> LayerSpec {
        LayerSpec(IdColumnsSequenceKind(idColumns: idColumns, vocabulary: vocabulary, width: width, restWidth: restWidth))
    }
}
