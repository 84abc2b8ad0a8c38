import CBLAS

/// Thin, shape-checked wrappers over the single-precision BLAS routines the engine uses.
///
/// All matrices are row-major views. Every routine writes into a buffer the caller owns, so products in
/// a training step allocate nothing. Shape mismatches are programmer errors and stop the program.
public enum BLAS {
    /// `c = alpha * op(a) * op(b) + beta * c`, where `op` transposes its argument when asked.
    ///
    /// With `beta = 1` the product accumulates into `c` (for gradients summed over several uses).
    public static func gemm(_ a: MatrixView, transposeA: Bool = false,
                            _ b: MatrixView, transposeB: Bool = false,
                            into c: MatrixView, alpha: Float = 1, beta: Float = 0) {
        let m = transposeA ? a.columns : a.rows
        let k = transposeA ? a.rows : a.columns
        let kB = transposeB ? b.columns : b.rows
        let n = transposeB ? b.rows : b.columns
        precondition(k == kB && c.rows == m && c.columns == n,
                     "gemm shapes: op(a) \(m)x\(k), op(b) \(kB)x\(n), c \(c.rows)x\(c.columns)")
        if m == 0 || n == 0 { return }
        ThreadPolicy.ensureApplied()
        if k == 0 {
            scale(c, by: beta)
            return
        }
        cblas_sgemm(CblasRowMajor,
                    transposeA ? CblasTrans : CblasNoTrans,
                    transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha,
                    a.base, Int32(max(1, a.rowStride)),
                    b.base, Int32(max(1, b.rowStride)), beta,
                    c.base, Int32(max(1, c.rowStride)))
    }

    /// `c = alpha * aᵀ a + beta * c` for an `n` x `f` matrix `a` and an `f` x `f` matrix `c`, written to
    /// the lower triangle of `c` only (entries `(i, j)` with `j <= i`; the strict upper triangle is left
    /// as it was): `ssyrk`, half the work of `gemm` for a Gram matrix such as `Xᵀ W X`.
    public static func syrkLower(_ a: MatrixView, into c: MatrixView, alpha: Float = 1, beta: Float = 0) {
        let f = a.columns
        precondition(c.rows == f && c.columns == f, "syrk shapes: a \(a.rows)x\(f), c \(c.rows)x\(c.columns)")
        if f == 0 { return }
        ThreadPolicy.ensureApplied()
        if a.rows == 0 {
            for i in 0..<f { let row = c.rowPointer(i); for j in 0...i { row[j] *= beta } }
            return
        }
        cblas_ssyrk(CblasRowMajor, CblasLower, CblasTrans, Int32(f), Int32(a.rows), alpha,
                    a.base, Int32(max(1, a.rowStride)), beta, c.base, Int32(max(1, c.rowStride)))
    }

    /// The double-precision `syrkLower`: `c = alpha * aᵀ a + beta * c` for a row-major `rows` x `columns`
    /// matrix `a` and a `columns` x `columns` matrix `c` (lower triangle only): `dsyrk`, for Gram
    /// matrices whose entries cancel (a multinomial Hessian) or are summed over many rows.
    public static func syrkLower(rows: Int, columns: Int, _ a: UnsafePointer<Double>, into c: UnsafeMutablePointer<Double>,
                                 alpha: Double = 1, beta: Double = 0) {
        if rows == 0 || columns == 0 { return }
        ThreadPolicy.ensureApplied()
        cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, Int32(columns), Int32(rows), alpha,
                    a, Int32(columns), beta, c, Int32(columns))
    }

    /// `y = alpha * op(a) * x + beta * y` for vectors `x` and `y`.
    public static func gemv(_ a: MatrixView, transpose: Bool = false,
                            _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                            alpha: Float = 1, beta: Float = 0) {
        if a.rows == 0 || a.columns == 0 { return }
        ThreadPolicy.ensureApplied()
        cblas_sgemv(CblasRowMajor, transpose ? CblasTrans : CblasNoTrans,
                    Int32(a.rows), Int32(a.columns), alpha, a.base, Int32(max(1, a.rowStride)),
                    x, 1, beta, y, 1)
    }

    /// `y += alpha * x` over `count` elements.
    public static func axpy(count: Int, alpha: Float, _ x: UnsafePointer<Float>,
                            _ y: UnsafeMutablePointer<Float>) {
        if count == 0 { return }
        ThreadPolicy.ensureApplied()
        cblas_saxpy(Int32(count), alpha, x, 1, y, 1)
    }

    /// `y = alpha * x + beta * y` over `count` elements (a Polyak average with `alpha = tau`,
    /// `beta = 1 - tau`).
    public static func axpby(count: Int, alpha: Float, _ x: UnsafePointer<Float>, beta: Float,
                             _ y: UnsafeMutablePointer<Float>) {
        if count == 0 { return }
        ThreadPolicy.ensureApplied()
        cblas_saxpby(Int32(count), alpha, x, 1, beta, y, 1)
    }

    /// `x *= alpha` over `count` elements.
    public static func scal(count: Int, alpha: Float, _ x: UnsafeMutablePointer<Float>) {
        if count == 0 { return }
        ThreadPolicy.ensureApplied()
        cblas_sscal(Int32(count), alpha, x, 1)
    }

    /// The dot product of two vectors of `count` elements.
    public static func dot(count: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>) -> Float {
        if count == 0 { return 0 }
        ThreadPolicy.ensureApplied()
        return cblas_sdot(Int32(count), x, 1, y, 1)
    }

    /// Solves `L x = b`, or `Lᵀ x = b` with `transpose`, in place (`dtrsv`, double precision) for the
    /// `n` values at `x`,
    /// `L` being the lower triangle of the `n` x `n` row-major matrix at `lower` (its diagonal
    /// included; the strict upper triangle is not read), for example a factor from
    /// `LAPACK.choleskyFactor`. `|L⁻¹ b|²` is `bᵀ (L Lᵀ)⁻¹ b`, the quadratic form of the inverse.
    public static func lowerTriangularSolve(_ lower: UnsafePointer<Double>, order n: Int, _ x: UnsafeMutablePointer<Double>,
                                            transpose: Bool = false) {
        if n == 0 { return }
        ThreadPolicy.ensureApplied()
        cblas_dtrsv(CblasRowMajor, CblasLower, transpose ? CblasTrans : CblasNoTrans, CblasNonUnit, Int32(n), lower, Int32(n), x, 1)
    }

    /// Every element of `matrix` multiplied by `factor` (zeroed when `factor` is 0, even over NaN).
    public static func scale(_ matrix: MatrixView, by factor: Float) {
        for r in 0..<matrix.rows {
            let row = matrix.rowPointer(r)
            if factor == 0 {
                row.update(repeating: 0, count: matrix.columns)
            } else {
                scal(count: matrix.columns, alpha: factor, row)
            }
        }
    }
}
