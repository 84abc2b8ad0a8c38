/// A borrowed, row-major window onto Float32 storage: `rows` x `columns` elements, consecutive rows
/// `rowStride` elements apart.
///
/// Views are the currency of the engine's kernels: they cost nothing to create or pass, so a training
/// step can slice its preallocated workspaces (for example the first `B` rows of a buffer sized for the
/// largest batch) without allocating. A view does not keep its storage alive; the `Matrix` (or other
/// owner) it came from must outlive it.
public struct MatrixView {
    /// Address of element (0, 0).
    public let base: UnsafeMutablePointer<Float>
    /// Number of rows (the batch dimension when the view holds a batch).
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// Distance, in elements, between the starts of consecutive rows (at least `columns`).
    public let rowStride: Int

    /// Wraps `rows` x `columns` elements at `base`; `rowStride` defaults to `columns` (dense rows).
    public init(base: UnsafeMutablePointer<Float>, rows: Int, columns: Int, rowStride: Int? = nil) {
        precondition(rows >= 0 && columns >= 0, "negative matrix shape \(rows)x\(columns)")
        let stride = rowStride ?? columns
        precondition(stride >= columns, "row stride \(stride) is shorter than a row of \(columns)")
        self.base = base
        self.rows = rows
        self.columns = columns
        self.rowStride = stride
    }

    /// Number of elements (`rows * columns`).
    @inlinable public var count: Int { rows * columns }

    /// Whether rows follow each other without gaps, so the view is one flat run of `count` elements.
    @inlinable public var isContiguous: Bool { rowStride == columns || rows <= 1 }

    /// Element at (`row`, `column`).
    @inlinable public subscript(row: Int, column: Int) -> Float {
        get {
            assert(row >= 0 && row < rows && column >= 0 && column < columns)
            return base[row * rowStride + column]
        }
        nonmutating set {
            assert(row >= 0 && row < rows && column >= 0 && column < columns)
            base[row * rowStride + column] = newValue
        }
    }

    /// Address of the first element of `row`.
    @inlinable public func rowPointer(_ row: Int) -> UnsafeMutablePointer<Float> {
        base + row * rowStride
    }

    /// The rows in `range`, sharing this view's storage.
    @inlinable public func rows(_ range: Range<Int>) -> MatrixView {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "rows \(range) outside 0..<\(rows)")
        return MatrixView(base: base + range.lowerBound * rowStride, rows: range.count, columns: columns,
                          rowStride: rowStride)
    }

    /// The columns in `range` of every row, sharing this view's storage.
    @inlinable public func columns(_ range: Range<Int>) -> MatrixView {
        precondition(range.lowerBound >= 0 && range.upperBound <= columns,
                     "columns \(range) outside 0..<\(columns)")
        return MatrixView(base: base + range.lowerBound, rows: rows, columns: range.count, rowStride: rowStride)
    }

    /// The same elements seen as `rows` x `columns`; only for contiguous views with the same count.
    public func reshaped(rows newRows: Int, columns newColumns: Int) -> MatrixView {
        precondition(isContiguous && newRows * newColumns == count,
                     "cannot reshape \(rows)x\(columns) to \(newRows)x\(newColumns)")
        return MatrixView(base: base, rows: newRows, columns: newColumns)
    }

    /// The elements as one flat buffer; only for contiguous views.
    @inlinable public var flat: UnsafeMutableBufferPointer<Float> {
        precondition(isContiguous, "flat access needs contiguous rows")
        return UnsafeMutableBufferPointer(start: base, count: count)
    }

    /// Sets every element to `value`.
    public func fill(_ value: Float) {
        for r in 0..<rows { rowPointer(r).update(repeating: value, count: columns) }
    }

    /// Copies `source` (same shape) into this view.
    public func copy(from source: MatrixView) {
        precondition(source.rows == rows && source.columns == columns,
                     "copy from \(source.rows)x\(source.columns) into \(rows)x\(columns)")
        if isContiguous && source.isContiguous {
            base.update(from: source.base, count: count)
        } else {
            for r in 0..<rows { rowPointer(r).update(from: source.rowPointer(r), count: columns) }
        }
    }

    /// The elements in row-major order, as a new array (for tests, printing and serialisation).
    public func toArray() -> [Float] {
        var result = [Float]()
        result.reserveCapacity(count)
        for r in 0..<rows { result.append(contentsOf: UnsafeBufferPointer(start: rowPointer(r), count: columns)) }
        return result
    }
}
