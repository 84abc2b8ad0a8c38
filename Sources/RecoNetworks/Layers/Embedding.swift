import RecoTensor

/// A lookup table of learned vectors, one per item or user id: row `i` of the output is row `ids[i]`
/// of the table (`count x outputWidth`, tensor `weight`, PyTorch's `nn.Embedding` layout).
///
/// As the first layer of a network or branch fed `InputShape.ids`, its table lives in the network's
/// flat parameter buffer and is checkpointed with it. Ids with several steps per sample give a
/// sequence of vectors (`B*steps` rows).
///
/// The gradient is sparse: a backward pass touches only the rows that were looked up. The dense
/// gradient buffer stays exact (rows not looked up are zero) at a cost proportional to the batch, not
/// the table, because the rows written by the previous backward pass are cleared first.
/// `touchedRows` lists the rows with a non-zero gradient, for optimisers that update only those.
public final class Embedding: LookupLayer {
    /// Number of rows (distinct ids).
    public let count: Int
    /// Length of each vector.
    public let outputWidth: Int
    public var parameterShapes: [ParameterShape] { [ParameterShape(name: "weight", shape: [count, outputWidth])] }
    /// Rows holding a non-zero gradient after the last backward pass (may repeat ids; after passes
    /// with `accumulate`, the rows of every pass since the last one without).
    public private(set) var touchedRows: [Int32] = []

    private var weight: MatrixView?
    private var weightGradient: MatrixView?

    /// A table of `count` vectors of `width`, for batches of up to `maxRows` ids (the capacity
    /// `touchedRows` keeps, so backward passes do not allocate).
    public init(count: Int, width: Int, maxRows: Int = 0) {
        precondition(count > 0 && width > 0, "embedding needs a positive size, got \(count)x\(width)")
        self.count = count
        outputWidth = width
        touchedRows.reserveCapacity(maxRows)
    }

    public func bind(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {
        weight = MatrixView(base: parameters, rows: count, columns: outputWidth)
        weightGradient = MatrixView(base: gradients, rows: count, columns: outputWidth)
    }

    /// Draws the table from a standard normal, like PyTorch's `nn.Embedding`.
    public func initializeParameters(using generator: inout RandomGenerator) throws {
        generator.fillNormal(bound(weight).flat)
    }

    /// The table as a matrix view (`count x outputWidth`).
    public var table: MatrixView { bound(weight) }

    /// Copies row `ids[i]` of the table into row `i` of `y` (`ids.count x outputWidth`).
    public func forward(ids: UnsafeBufferPointer<Int32>, into y: MatrixView) {
        precondition(y.columns == outputWidth && y.rows == ids.count,
                     "embedding output is \(y.rows)x\(y.columns), expected \(ids.count)x\(outputWidth)")
        let table = bound(weight)
        for i in 0..<ids.count {
            let id = Int(ids[i])
            precondition(id >= 0 && id < count, "embedding id \(id) outside 0..<\(count)")
            y.rowPointer(i).update(from: table.rowPointer(id), count: outputWidth)
        }
    }

    /// Adds, per id, the rows of `dy` that looked it up to the table gradient; without `accumulate`
    /// the gradient of the previous pass is cleared first.
    public func backward(ids: UnsafeBufferPointer<Int32>, outputGradient dy: MatrixView, accumulate: Bool) {
        precondition(dy.rows == ids.count && dy.columns == outputWidth,
                     "embedding output gradient is \(dy.rows)x\(dy.columns), expected \(ids.count)x\(outputWidth)")
        let gradient = bound(weightGradient)
        if !accumulate {
            for id in touchedRows { gradient.rowPointer(Int(id)).update(repeating: 0, count: outputWidth) }
            touchedRows.removeAll(keepingCapacity: true)
        }
        for i in 0..<ids.count {
            let id = Int(ids[i])
            precondition(id >= 0 && id < count, "embedding id \(id) outside 0..<\(count)")
            let target = gradient.rowPointer(id), source = dy.rowPointer(i)
            for j in 0..<outputWidth { target[j] += source[j] }
            touchedRows.append(Int32(id))
        }
    }
}

/// The `embedding` layer kind: an `Embedding` of `count` rows of `width`, reading ids.
public struct EmbeddingKind: LayerKind {
    public static let name = "embedding"
    /// Rows of the table (ids lie in `0..<count`).
    public var count: Int
    /// Length of each vector.
    public var width: Int

    /// A table of `count` vectors of `width`.
    public init(count: Int, width: Int) {
        self.count = count
        self.width = width
    }

    public var impliedInput: InputShape? { .ids(count: count) }

    public func makeLayer(input: InputShape, maxBatch: Int) throws -> (layer: any NetworkLayer, output: InputShape) {
        guard count > 0, width > 0 else {
            throw NetworkError.invalidArchitecture("embedding needs a positive size, got \(count) x \(width)")
        }
        guard case let .ids(idCount, steps) = input, idCount == count else {
            throw NetworkError.invalidArchitecture("embedding of \(count) rows reads ids in 0..<\(count), but its input is \(input)")
        }
        return (Embedding(count: count, width: width, maxRows: maxBatch * steps), .floats(steps: steps, width: width))
    }
}
