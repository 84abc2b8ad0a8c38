/// Selecting one column per row (`Q[i, a_i]`, the value of the action taken) and sending gradients back
/// to those entries.
extension Kernels {
    /// `out[i] = x[i, columns[i]]`.
    public static func gatherColumns(_ x: MatrixView, columns: UnsafePointer<Int32>,
                                     into out: UnsafeMutablePointer<Float>) {
        for r in 0..<x.rows {
            let c = Int(columns[r])
            precondition(c >= 0 && c < x.columns, "gather: column \(c) outside 0..<\(x.columns) in row \(r)")
            out[r] = x.rowPointer(r)[c]
        }
    }

    /// `x[i, columns[i]] = values[i]` (or `+=` when `accumulate`); other entries are left as they are,
    /// so the backward pass of a gather writes into a gradient that is zero elsewhere.
    public static func scatterColumns(_ values: UnsafePointer<Float>, columns: UnsafePointer<Int32>,
                                      into x: MatrixView, accumulate: Bool = false) {
        for r in 0..<x.rows {
            let c = Int(columns[r])
            precondition(c >= 0 && c < x.columns, "scatter: column \(c) outside 0..<\(x.columns) in row \(r)")
            if accumulate { x.rowPointer(r)[c] += values[r] } else { x.rowPointer(r)[c] = values[r] }
        }
    }

    /// `x[i, columns[i]] = 0`: undoes a scatter, so a gradient buffer that only ever receives scatters
    /// can be reused without clearing all of it.
    public static func clearColumns(_ columns: UnsafePointer<Int32>, in x: MatrixView) {
        for r in 0..<x.rows {
            let c = Int(columns[r])
            precondition(c >= 0 && c < x.columns, "clear: column \(c) outside 0..<\(x.columns) in row \(r)")
            x.rowPointer(r)[c] = 0
        }
    }
}
