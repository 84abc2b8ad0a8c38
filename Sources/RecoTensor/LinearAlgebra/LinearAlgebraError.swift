/// A LAPACK routine could not finish on the matrix it was given.
public enum LinearAlgebraError: Error, Equatable, CustomStringConvertible {
    /// Cholesky factorisation failed: the leading minor of this order (1-based) is not positive, so the
    /// matrix is not symmetric positive definite.
    case notPositiveDefinite(routine: String, leadingMinor: Int)
    /// An iterative routine (the SVD) did not converge; `info` is LAPACK's count of unconverged values.
    case didNotConverge(routine: String, info: Int)
    /// LAPACK rejected an argument (1-based position); a shape or stride the wrapper passed was invalid.
    case invalidArgument(routine: String, position: Int)
    /// The matrix shape does not suit the routine.
    case shapeMismatch(routine: String, detail: String)

    public var description: String {
        switch self {
        case let .notPositiveDefinite(routine, minor):
            return "\(routine): matrix is not positive definite (leading minor of order \(minor) is not positive)"
        case let .didNotConverge(routine, info):
            return "\(routine): did not converge (\(info) values unconverged)"
        case let .invalidArgument(routine, position):
            return "\(routine): argument \(position) was rejected by LAPACK"
        case let .shapeMismatch(routine, detail):
            return "\(routine): \(detail)"
        }
    }
}
