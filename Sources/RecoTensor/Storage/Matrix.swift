import Foundation

/// An owned, row-major Float32 matrix whose storage is aligned for vector loads and freed with the
/// matrix.
///
/// `Matrix` is a reference type on purpose: networks, replay buffers and training loops keep their
/// workspaces as matrices and hand out `MatrixView`s of them, so the storage stays put for the
/// lifetime of the owner and nothing is copied implicitly. Use `copy()` for an independent duplicate.
public final class Matrix {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// The whole matrix as a view (dense rows). The view does not keep the matrix alive: keep the
    /// matrix in a variable that is used after the view (or use `withExtendedLifetime`), never take
    /// the view of a temporary.
    public let view: MatrixView

    /// Storage alignment in bytes (one cache line, enough for AVX-512 loads).
    public static let alignment = 64

    /// A `rows` x `columns` matrix of zeros.
    public init(rows: Int, columns: Int) {
        precondition(rows >= 0 && columns >= 0, "negative matrix shape \(rows)x\(columns)")
        let count = Swift.max(rows * columns, 1)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride,
                                                   alignment: Matrix.alignment)
        let base = raw.initializeMemory(as: Float.self, repeating: 0, count: count)
        self.rows = rows
        self.columns = columns
        self.view = MatrixView(base: base, rows: rows, columns: columns)
    }

    /// A `rows` x `columns` matrix holding `values` in row-major order.
    public convenience init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns,
                     "\(values.count) values for a \(rows)x\(columns) matrix")
        self.init(rows: rows, columns: columns)
        values.withUnsafeBufferPointer { view.base.update(from: $0.baseAddress!, count: values.count) }
    }

    /// A matrix with the same shape and elements as `source`.
    public convenience init(copying source: MatrixView) {
        self.init(rows: source.rows, columns: source.columns)
        view.copy(from: source)
    }

    deinit { view.base.deallocate() }

    /// Number of elements.
    public var count: Int { rows * columns }

    /// Element at (`row`, `column`).
    public subscript(row: Int, column: Int) -> Float {
        get { view[row, column] }
        set { view[row, column] = newValue }
    }

    /// The rows in `range` as a view sharing this matrix's storage.
    public func rows(_ range: Range<Int>) -> MatrixView { view.rows(range) }

    /// An independent copy.
    public func copy() -> Matrix { Matrix(copying: view) }

    /// The elements in row-major order.
    public func toArray() -> [Float] { view.toArray() }
}

extension Matrix: CustomStringConvertible {
    public var description: String {
        let shown = Swift.min(rows, 6)
        var lines = ["Matrix \(rows)x\(columns)"]
        for r in 0..<shown {
            let values = (0..<Swift.min(columns, 8)).map { String(format: "% .4f", Double(view[r, $0])) }
            lines.append("  [" + values.joined(separator: ", ") + (columns > 8 ? ", ..." : "") + "]")
        }
        if rows > shown { lines.append("  ...") }
        return lines.joined(separator: "\n")
    }
}
