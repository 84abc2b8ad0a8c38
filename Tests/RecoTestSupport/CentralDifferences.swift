import RecoTensor

/// Central differences of objectives computed in Double from Double inputs. Unlike `worstViolation`, which
/// perturbs Float32 buffers by `step` and so needs its loose tolerances, these take the step as given: with
/// nothing rounded to Float32 a step of 1e-5 or 1e-6 is usable, and the tests keep their tight tolerances.
extension GradientCheck {
    /// `(f(x + h) - f(x - h)) / 2h`.
    public static func centralDifference(at x: Double, step h: Double, _ f: (Double) -> Double) -> Double {
        (f(x + h) - f(x - h)) / (2 * h)
    }

    /// The central difference of `f` with respect to entry `index` of `values`, the other entries fixed.
    public static func centralDifference(of values: [Double], at index: Int, step h: Double,
                                         _ f: ([Double]) -> Double) -> Double {
        var plus = values, minus = values
        plus[index] += h
        minus[index] -= h
        return (f(plus) - f(minus)) / (2 * h)
    }

    /// For every row `r` of `x`, the central differences of `objective(row r as Double, r)` with respect to
    /// each entry of the row; 0 at entries that are not finite (masked logits, which are not perturbed).
    public static func rowCentralDifferences(_ x: Matrix, step h: Double,
                                             _ objective: ([Double], Int) -> Double) -> [[Double]] {
        (0..<x.rows).map { r in
            let base = (0..<x.columns).map { Double(x[r, $0]) }
            return (0..<x.columns).map { j in
                base[j].isFinite ? centralDifference(of: base, at: j, step: h) { objective($0, r) } : 0
            }
        }
    }
}
