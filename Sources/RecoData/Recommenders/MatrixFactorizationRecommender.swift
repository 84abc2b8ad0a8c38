import RecoEnvironments
import RecoTensor

/// Implicit-feedback matrix factorisation (Hu, Koren and Volinsky 2008, "Collaborative Filtering for
/// Implicit Feedback Datasets"), fitted by alternating least squares on the training users x items
/// matrix of review counts `r` (confidence `c = 1 + alpha r`, preference `p = 1` on reviewed cells,
/// `c = 1`, `p = 0` elsewhere), minimising
/// `sum_{u,i} c_ui (p_ui - x_u·y_i)^2 + lambda (sum_u |x_u|^2 + sum_i |y_i|^2)` over all cells.
///
/// User factors start from seeded normal draws; each iteration solves every item's factor against the
/// user factors, then every user's against the item factors (`ImplicitALS`), so each half-step is one
/// `F x F` Cholesky solve per row. Items are solved first so that a training user's fitted factor is
/// exactly the fold-in of their whole timeline against the final item factors.
///
/// A held-out user has no factor: for each observation the policy folds in the history it shows (the
/// user solve, with each shown slot one review) and scores item `j` by `x · y_j`, one matrix product per
/// batch; the shown items themselves score `-infinity` unless `excludeShown` is off. A history of
/// unknown items (or none) folds in to the zero factor: every other score 0.
public final class MatrixFactorizationRecommender: ReviewRecommender, @unchecked Sendable {
    public let layout: ReviewObservationLayout
    public let settings: MatrixFactorizationSettings
    /// The training users, in the order of `userFactors`' rows.
    public let users: [Int]
    /// `users.count x F` row-major: the fitted user factors.
    public let userFactors: [Double]
    /// `I x F` row-major: the fitted item factors (zero for an item no training user reviewed).
    public let itemFactors: [Double]
    /// `YᵀY + lambda I` of the item factors, shared by every fold-in; and the item factors in single
    /// precision for the scoring product.
    private let gram: [Double], itemMatrix: Matrix

    /// Fits on the timelines of `users` (the training users, `ReviewUserSplit.training`), drawing the
    /// initial user factors from `generator`. Throws `ReviewDataError` for invalid settings, a layout of
    /// another catalogue or empty, repeated or unknown users, and `LinearAlgebraError` if a solve fails.
    public init(timelines: ReviewTimelines, users: [Int], layout: ReviewObservationLayout,
                settings: MatrixFactorizationSettings = MatrixFactorizationSettings(),
                using generator: inout RandomGenerator) throws {
        try settings.validate()
        try checkFitInputs(timelines, users: users, layout: layout, recommender: "matrix factorisation recommender")
        self.layout = layout
        self.settings = settings
        self.users = users
        let f = settings.factors, itemCount = timelines.itemCount

        // Users x items counts, each user's distinct items ascending.
        var byUser = CountRows()
        for user in users {
            let items = timelines.item[timelines.userRows[user]].sorted()
            var e = 0
            while e < items.count {
                var end = e + 1
                while end < items.count && items[end] == items[e] { end += 1 }
                byUser.column.append(items[e])
                byUser.count.append(Double(end - e))
                e = end
            }
            byUser.start.append(byUser.column.count)
        }
        let byItem = byUser.transposed(columns: itemCount)

        var x = (0..<users.count * f).map { _ in Double(generator.normal(standardDeviation: Float(settings.initialScale))) }
        var y = [Double](repeating: 0, count: itemCount * f)
        for _ in 0..<settings.iterations {
            try ImplicitALS.halfStep(byItem, fixed: x, fixedRows: users.count, into: &y, factors: f,
                                     alpha: settings.alpha, lambda: settings.regularization)
            try ImplicitALS.halfStep(byUser, fixed: y, fixedRows: itemCount, into: &x, factors: f,
                                     alpha: settings.alpha, lambda: settings.regularization)
        }
        userFactors = x
        itemFactors = y
        gram = ImplicitALS.gram(y, rows: itemCount, factors: f, lambda: settings.regularization)
        itemMatrix = Matrix(rows: itemCount, columns: f, values: y.map { Float($0) })
    }

    /// Folds in each row's history and writes `x · y_j` for every item into `scores` (`B x I`): the
    /// fold-ins into one `B x F` buffer, then one product with the item factors.
    public func scores(_ observations: MatrixView, into scores: MatrixView) throws {
        try checkScores(observations, scores)
        let f = settings.factors, n = layout.historyLength
        let folded = Matrix(rows: observations.rows, columns: f)
        var scratch = ImplicitALS.Scratch(factors: f, entries: n)
        var items = [Int32](repeating: 0, count: n), counts = [Double](repeating: 0, count: n)
        try itemFactors.withUnsafeBufferPointer { itemFactors in
            for r in 0..<observations.rows {
                // The shown items, sorted, then counted: entries of the one-user system.
                var shown = 0
                layout.forEachHistoryItem(observations.rowPointer(r)) { item, _ in
                    items[shown] = Int32(item)
                    shown += 1
                }
                items[0..<shown].sort()
                var entries = 0, e = 0
                while e < shown {
                    var end = e + 1
                    while end < shown && items[end] == items[e] { end += 1 }
                    items[entries] = items[e]
                    counts[entries] = Double(end - e)
                    entries += 1
                    e = end
                }
                let output = folded.view.rowPointer(r)
                guard entries > 0 else {
                    output.update(repeating: 0, count: f)
                    continue
                }
                try items.withUnsafeBufferPointer { items in
                    try counts.withUnsafeBufferPointer { counts in
                        try ImplicitALS.solve(columns: UnsafeBufferPointer(rebasing: items[0..<entries]),
                                              counts: UnsafeBufferPointer(rebasing: counts[0..<entries]),
                                              fixed: itemFactors.baseAddress!, gram: gram, factors: f,
                                              alpha: settings.alpha, scratch: &scratch)
                    }
                }
                for t in 0..<f { output[t] = Float(scratch.solution[t]) }
            }
        }
        BLAS.gemm(folded.view, itemMatrix.view, transposeB: true, into: scores)
        guard settings.excludeShown else { return }
        for r in 0..<observations.rows {
            let output = scores.rowPointer(r)
            layout.forEachHistoryItem(observations.rowPointer(r)) { item, _ in output[item] = -.infinity }
        }
    }
}
