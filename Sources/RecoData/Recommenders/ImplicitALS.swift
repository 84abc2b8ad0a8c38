import RecoTensor

/// Review counts in compressed rows (users x items or items x users): row `r`'s entries are
/// `start[r]..<start[r + 1]` of `column` and `count`.
struct CountRows {
    var start: [Int] = [0]
    var column: [Int32] = []
    var count: [Double] = []

    var rowCount: Int { start.count - 1 }
    /// Entries of the longest row.
    var longestRow: Int { (0..<rowCount).map { start[$0 + 1] - start[$0] }.max() ?? 0 }

    /// The same counts with rows and columns exchanged, for `columns` columns.
    func transposed(columns: Int) -> CountRows {
        var result = CountRows()
        var sizes = [Int](repeating: 0, count: columns + 1)
        for c in column { sizes[Int(c) + 1] += 1 }
        for c in 0..<columns { sizes[c + 1] += sizes[c] }
        result.start = sizes
        result.column = [Int32](repeating: 0, count: column.count)
        result.count = [Double](repeating: 0, count: column.count)
        var fill = sizes
        for r in 0..<rowCount {
            for e in start[r]..<start[r + 1] {
                let c = Int(column[e])
                result.column[fill[c]] = Int32(r)
                result.count[fill[c]] = count[e]
                fill[c] += 1
            }
        }
        return result
    }
}

/// The least-squares solves of implicit-feedback ALS (Hu, Koren and Volinsky 2008), in double precision.
///
/// For one row (a user against fixed item factors `Y`, or an item against fixed user factors) with
/// review counts `r_j` on its entries, the factor minimising `sum_j c_j (p_j - x·y_j)^2 + lambda |x|^2`
/// over every column (`c_j = 1 + alpha r_j`, `p_j = 1` on entries, `c = 1`, `p = 0` elsewhere) solves
/// `(YᵀY + Yᵀ(C - I)Y + lambda I) x = Yᵀ C p`. `YᵀY + lambda I` is shared by every row (`gram`), and
/// `C - I` is zero off the row's entries, so a row costs `O(F² n + F³)` for `n` entries, not one pass
/// over all columns.
enum ImplicitALS {
    /// `YᵀY + lambda I` for the `rows x factors` row-major `y` (lower triangle; the upper one is 0).
    static func gram(_ y: [Double], rows: Int, factors: Int, lambda: Double) -> [Double] {
        var g = [Double](repeating: 0, count: factors * factors)
        y.withUnsafeBufferPointer { y in
            g.withUnsafeMutableBufferPointer { g in
                BLAS.syrkLower(rows: rows, columns: factors, y.baseAddress!, into: g.baseAddress!)
            }
        }
        for d in 0..<factors { g[d * factors + d] += lambda }
        return g
    }

    /// Buffers one solve works in: the system (`F x F`), the gathered `sqrt(c_j - 1) y_j` rows (for the
    /// longest row's entries) and the right-hand side, which the solve turns into the factor.
    struct Scratch {
        var system: [Double], gathered: [Double], solution: [Double]

        init(factors: Int, entries: Int) {
            system = [Double](repeating: 0, count: factors * factors)
            gathered = [Double](repeating: 0, count: max(1, entries) * factors)
            solution = [Double](repeating: 0, count: factors)
        }
    }

    /// Solves one row with entries `columns` (counts `counts`) against `fixed` (one factor per column,
    /// row-major), leaving the factor in `scratch.solution`. Throws `LinearAlgebraError` when the
    /// system is not numerically positive definite.
    static func solve(columns: UnsafeBufferPointer<Int32>, counts: UnsafeBufferPointer<Double>, fixed: UnsafePointer<Double>,
                      gram: UnsafePointer<Double>, factors f: Int, alpha: Double, scratch: inout Scratch) throws {
        try scratch.system.withUnsafeMutableBufferPointer { system in
            try scratch.gathered.withUnsafeMutableBufferPointer { gathered in
                try scratch.solution.withUnsafeMutableBufferPointer { solution in
                    let system = system.baseAddress!, gathered = gathered.baseAddress!, solution = solution.baseAddress!
                    system.update(from: gram, count: f * f)
                    solution.update(repeating: 0, count: f)
                    for (entry, column) in columns.enumerated() {
                        let y = fixed + Int(column) * f
                        let extra = alpha * counts[entry], scale = extra.squareRoot()
                        let row = gathered + entry * f
                        for t in 0..<f {
                            row[t] = scale * y[t]
                            solution[t] += (1 + extra) * y[t]
                        }
                    }
                    BLAS.syrkLower(rows: columns.count, columns: f, gathered, into: system, beta: 1)
                    try LAPACK.choleskySolve(order: f, system, solution)
                }
            }
        }
    }

    /// One half-step: every row of `rows` solved against `fixed` (`rows.column` indexes its factors),
    /// into `target` (`rows.rowCount x factors`); a row without entries gets the zero factor, its solution.
    static func halfStep(_ rows: CountRows, fixed: [Double], fixedRows: Int, into target: inout [Double],
                         factors f: Int, alpha: Double, lambda: Double) throws {
        let gram = gram(fixed, rows: fixedRows, factors: f, lambda: lambda)
        var scratch = Scratch(factors: f, entries: rows.longestRow)
        try rows.column.withUnsafeBufferPointer { columns in
            try rows.count.withUnsafeBufferPointer { counts in
                try fixed.withUnsafeBufferPointer { fixed in
                    for r in 0..<rows.rowCount {
                        let entries = rows.start[r]..<rows.start[r + 1]
                        if entries.isEmpty {
                            for t in 0..<f { target[r * f + t] = 0 }
                            continue
                        }
                        try solve(columns: UnsafeBufferPointer(rebasing: columns[entries]),
                                  counts: UnsafeBufferPointer(rebasing: counts[entries]),
                                  fixed: fixed.baseAddress!, gram: gram, factors: f, alpha: alpha, scratch: &scratch)
                        for t in 0..<f { target[r * f + t] = scratch.solution[t] }
                    }
                }
            }
        }
    }
}
