/// Namespace of the engine's elementwise and row kernels.
///
/// Each kernel reads views and writes into a view or buffer the caller owns, so a training step can
/// run them on preallocated workspaces. Input and output may be the same view where a kernel says so.
/// Shapes are checked with preconditions (a mismatch is a programmer error).
public enum Kernels {
    @inline(__always)
    package static func checkSameShape(_ a: MatrixView, _ b: MatrixView, _ name: StaticString) {
        precondition(a.rows == b.rows && a.columns == b.columns,
                     "\(name): shapes \(a.rows)x\(a.columns) and \(b.rows)x\(b.columns) differ")
    }

    /// Applies `body` to each row of `x` and the matching row of `y`.
    @inline(__always)
    static func forEachRow(_ x: MatrixView, _ y: MatrixView,
                           _ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) {
        if x.isContiguous && y.isContiguous {
            body(x.base, y.base, x.count)
        } else {
            for r in 0..<x.rows { body(x.rowPointer(r), y.rowPointer(r), x.columns) }
        }
    }

    /// Applies `body` to each row of `x`, `y` and `z`.
    @inline(__always)
    static func forEachRow(_ x: MatrixView, _ y: MatrixView, _ z: MatrixView,
                           _ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>,
                                    UnsafeMutablePointer<Float>, Int) -> Void) {
        if x.isContiguous && y.isContiguous && z.isContiguous {
            body(x.base, y.base, z.base, x.count)
        } else {
            for r in 0..<x.rows { body(x.rowPointer(r), y.rowPointer(r), z.rowPointer(r), x.columns) }
        }
    }
}
