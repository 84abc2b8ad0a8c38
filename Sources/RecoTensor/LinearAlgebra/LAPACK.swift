import CBLAS

/// Wrappers over the LAPACK factorisations the engine needs: QR (orthogonal initialisation), Cholesky
/// (solving the ridge systems of linear bandits and the Newton steps of logistic regressions) and the SVD (item embeddings from interaction matrices).
///
/// Inputs are never modified; results come back as new matrices. A factorisation that fails on the
/// given numbers throws `LinearAlgebraError` instead of stopping the program.
public enum LAPACK {
    private static let rowMajor = Int32(LAPACK_ROW_MAJOR)

    /// Reduced QR factorisation of an `m` x `n` matrix with `m >= n`: `a = q * r` with `q` (`m` x `n`)
    /// having orthonormal columns and `r` (`n` x `n`) upper triangular.
    public static func qr(_ a: MatrixView) throws -> (q: Matrix, r: Matrix) {
        let m = a.rows, n = a.columns
        guard m >= n, n > 0 else {
            throw LinearAlgebraError.shapeMismatch(routine: "sgeqrf", detail: "needs rows >= columns > 0, got \(m)x\(n)")
        }
        ThreadPolicy.ensureApplied()
        let work = Matrix(copying: a)
        var tau = [Float](repeating: 0, count: n)
        try check("sgeqrf", LAPACKE_sgeqrf(rowMajor, Int32(m), Int32(n), work.view.base, Int32(n), &tau))
        let r = Matrix(rows: n, columns: n)
        for i in 0..<n { for j in i..<n { r[i, j] = work[i, j] } }
        try check("sorgqr", LAPACKE_sorgqr(rowMajor, Int32(m), Int32(n), Int32(n), work.view.base, Int32(n), &tau))
        return (work, r)
    }

    /// Solves `a * x = b` for a symmetric positive definite `a` (`n` x `n`) and `b` (`n` x `k`) by
    /// Cholesky factorisation. Throws `notPositiveDefinite` when `a` is not.
    public static func choleskySolve(_ a: MatrixView, _ b: MatrixView) throws -> Matrix {
        let n = a.rows
        guard a.columns == n, b.rows == n else {
            throw LinearAlgebraError.shapeMismatch(
                routine: "sposv", detail: "needs a square a and b with as many rows; got a \(a.rows)x\(a.columns), b \(b.rows)x\(b.columns)")
        }
        let factor = Matrix(copying: a)
        let x = Matrix(copying: b)
        if n == 0 || b.columns == 0 { return x }
        ThreadPolicy.ensureApplied()
        let info = LAPACKE_sposv(rowMajor, Int8(UInt8(ascii: "L")), Int32(n), Int32(b.columns),
                                 factor.view.base, Int32(n), x.view.base, Int32(b.columns))
        if info > 0 { throw LinearAlgebraError.notPositiveDefinite(routine: "sposv", leadingMinor: Int(info)) }
        try check("sposv", info)
        return x
    }

    /// Solves `a * x = b` in place in double precision for a symmetric positive definite `a` (`n` x `n`,
    /// row-major; only its lower triangle is read) and one right-hand side `b` (`n` values): `dposv`, for
    /// Newton steps whose Hessians are too ill-conditioned for single precision. On return `b` holds
    /// `x` and `a` its Cholesky factor. Throws `notPositiveDefinite` when `a` is not.
    public static func choleskySolve(order n: Int, _ a: UnsafeMutablePointer<Double>, _ b: UnsafeMutablePointer<Double>) throws {
        if n == 0 { return }
        ThreadPolicy.ensureApplied()
        // The row-major lower triangle is the column-major upper one: no transposed copy of `a` is made.
        let info = LAPACKE_dposv(Int32(LAPACK_COL_MAJOR), Int8(UInt8(ascii: "U")), Int32(n), 1, a, Int32(n), b, Int32(n))
        if info > 0 { throw LinearAlgebraError.notPositiveDefinite(routine: "dposv", leadingMinor: Int(info)) }
        try check("dposv", info)
    }

    /// Cholesky factorisation in place (`dpotrf`, double precision) of the symmetric positive definite
    /// `n` x `n` row-major matrix at `a`: its lower triangle is overwritten with `L`, `a = L Lᵀ`; the
    /// strict upper triangle is left as it was (routines reading the factor read the lower triangle
    /// only). For callers that keep factors of their own, such as the per-action ridge systems of linear
    /// bandits (sums over hundreds of thousands of nearly collinear rows, which single precision cannot
    /// factor), and refactor them without allocating. Throws `notPositiveDefinite` when `a` is not (the
    /// lower triangle is then partly overwritten).
    public static func choleskyFactor(_ a: UnsafeMutablePointer<Double>, order n: Int) throws {
        if n == 0 { return }
        ThreadPolicy.ensureApplied()
        let info = LAPACKE_dpotrf(rowMajor, Int8(UInt8(ascii: "L")), Int32(n), a, Int32(n))
        if info > 0 { throw LinearAlgebraError.notPositiveDefinite(routine: "dpotrf", leadingMinor: Int(info)) }
        try check("dpotrf", info)
    }

    /// Solves `a x = b` in place (`dpotrs`) for the `n` values at `b`, given the lower Cholesky factor
    /// of `a` that `choleskyFactor` left at `factor` (`n` x `n` row-major).
    public static func choleskySolve(factor: UnsafePointer<Double>, order n: Int, _ b: UnsafeMutablePointer<Double>) throws {
        if n == 0 { return }
        ThreadPolicy.ensureApplied()
        try check("dpotrs", LAPACKE_dpotrs(rowMajor, Int8(UInt8(ascii: "L")), Int32(n), 1, factor, Int32(n), b, 1))
    }

    /// Thin singular value decomposition `a = u * diag(s) * vt` of an `m` x `n` matrix: `u` is
    /// `m` x `k`, `s` holds `k = min(m, n)` singular values in decreasing order, `vt` is `k` x `n`.
    public static func svd(_ a: MatrixView) throws -> (u: Matrix, s: [Float], vt: Matrix) {
        let m = a.rows, n = a.columns, k = min(m, n)
        guard k > 0 else {
            throw LinearAlgebraError.shapeMismatch(routine: "sgesdd", detail: "needs a non-empty matrix, got \(m)x\(n)")
        }
        ThreadPolicy.ensureApplied()
        let work = Matrix(copying: a)
        let u = Matrix(rows: m, columns: k)
        let vt = Matrix(rows: k, columns: n)
        var s = [Float](repeating: 0, count: k)
        let info = LAPACKE_sgesdd(rowMajor, Int8(UInt8(ascii: "S")), Int32(m), Int32(n), work.view.base, Int32(n),
                                  &s, u.view.base, Int32(k), vt.view.base, Int32(n))
        if info > 0 { throw LinearAlgebraError.didNotConverge(routine: "sgesdd", info: Int(info)) }
        try check("sgesdd", info)
        return (u, s, vt)
    }

    private static func check(_ routine: String, _ info: Int32) throws {
        if info < 0 { throw LinearAlgebraError.invalidArgument(routine: routine, position: Int(-info)) }
        if info > 0 { throw LinearAlgebraError.didNotConverge(routine: routine, info: Int(info)) }
    }
}
