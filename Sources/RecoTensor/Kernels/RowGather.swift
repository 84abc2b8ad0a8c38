import RecoKernels

/// Copying whole rows chosen by index: the gather that fills a replay batch from a large buffer.
extension Kernels {
    /// `destination[i, :] = source[rows[i], :]` for every `i` (rows may repeat).
    ///
    /// Rows of a large buffer drawn at random are cache and TLB misses; the C kernel prefetches a few rows
    /// ahead of each copy so the misses overlap. `destination` needs `rows.count` rows and `source`'s
    /// column count; every index must lie in `0..<source.rows`.
    public static func gatherRows(_ source: MatrixView, rows: UnsafeBufferPointer<Int>, into destination: MatrixView) {
        checkGather(source, rows: rows, into: destination)
        guard let first = rows.baseAddress else { return }
        first.withMemoryRebound(to: Int64.self, capacity: rows.count) { indices in
            reco_gather_rows(source.base, source.rowStride, indices, rows.count, source.columns,
                             destination.base, destination.rowStride)
        }
    }

    /// Plain reference for `gatherRows`.
    static func gatherRowsReference(_ source: MatrixView, rows: UnsafeBufferPointer<Int>, into destination: MatrixView) {
        checkGather(source, rows: rows, into: destination)
        for (i, row) in rows.enumerated() {
            for j in 0..<source.columns { destination[i, j] = source[row, j] }
        }
    }

    private static func checkGather(_ source: MatrixView, rows: UnsafeBufferPointer<Int>, into destination: MatrixView) {
        precondition(destination.rows == rows.count && destination.columns == source.columns,
                     "gatherRows: \(rows.count) rows of \(source.columns) columns into \(destination.rows)x\(destination.columns)")
        for row in rows {
            precondition(row >= 0 && row < source.rows, "gatherRows: row \(row) outside 0..<\(source.rows)")
        }
    }
}
