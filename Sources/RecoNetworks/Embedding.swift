import RecoTensor

/// A lookup table of learned vectors, one per item or user id: row `i` of the output is row
/// `ids[i]` of the table (`count x dimension`).
///
/// The gradient is sparse: a backward pass touches only the rows that were looked up. The dense
/// gradient buffer stays exact (rows not looked up are zero) at a cost proportional to the batch, not
/// the table, because the rows written by the previous backward pass are cleared first.
/// `touchedRows` lists the rows with a non-zero gradient, for optimisers that update only those.
public final class Embedding {
    /// Number of rows (distinct ids).
    public let count: Int
    /// Length of each vector.
    public let dimension: Int
    /// The table (`count x dimension`, tensor `weight`) and its gradient.
    public let parameters: ParameterStore
    /// Rows holding a non-zero gradient after the last backward pass (may repeat ids).
    public private(set) var touchedRows: [Int32] = []

    /// A table of `count` vectors of `dimension`, drawn from a standard normal like PyTorch's
    /// `nn.Embedding`.
    public init(count: Int, dimension: Int, generator: inout RandomGenerator) {
        precondition(count > 0 && dimension > 0, "embedding needs a positive size, got \(count)x\(dimension)")
        self.count = count
        self.dimension = dimension
        parameters = ParameterStore(tensors: [ParameterTensor(name: "weight", shape: [count, dimension], offset: 0)])
        generator.fillNormal(parameters.values)
    }

    /// The table as a matrix view.
    public var table: MatrixView {
        MatrixView(base: parameters.values.baseAddress!, rows: count, columns: dimension)
    }

    private var gradientTable: MatrixView {
        MatrixView(base: parameters.gradients.baseAddress!, rows: count, columns: dimension)
    }

    /// Copies row `ids[i]` of the table into row `i` of `output` (`B x dimension`).
    public func forward(ids: UnsafePointer<Int32>, into output: MatrixView) {
        precondition(output.columns == dimension, "embedding output needs \(dimension) columns")
        for i in 0..<output.rows {
            let id = Int(ids[i])
            precondition(id >= 0 && id < count, "embedding id \(id) outside 0..<\(count)")
            output.rowPointer(i).update(from: table.rowPointer(id), count: dimension)
        }
    }

    /// Sets the table gradient to the sum, per id, of the rows of `outputGradient` that looked it up.
    public func backward(ids: UnsafePointer<Int32>, outputGradient: MatrixView) {
        let gradient = gradientTable
        for id in touchedRows { gradient.rowPointer(Int(id)).update(repeating: 0, count: dimension) }
        touchedRows.removeAll(keepingCapacity: true)
        for i in 0..<outputGradient.rows {
            let id = Int(ids[i])
            precondition(id >= 0 && id < count, "embedding id \(id) outside 0..<\(count)")
            let target = gradient.rowPointer(id), source = outputGradient.rowPointer(i)
            for j in 0..<dimension { target[j] += source[j] }
            touchedRows.append(Int32(id))
        }
    }
}
