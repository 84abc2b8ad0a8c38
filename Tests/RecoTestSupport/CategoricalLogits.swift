/// Logits tables for the tests of the categorical-policy kernels (RecoTensor's statistics, gradient and
/// sampling; RecoRL's soft actor-critic kernels).
import Foundation
import RecoTensor

/// The kinds of logits rows the categorical kernels must handle.
public enum LogitsKind: CaseIterable, Sendable {
    /// Uniform in [-4, 4).
    case ordinary
    /// Ordinary, with about 40% of the entries `-inf` (masked actions), one per row always kept.
    case masked
    /// Uniform in [-5000, 5000): exp of the raw logits would overflow, most probabilities underflow.
    case huge
    /// Every entry the same: the uniform distribution.
    case equal
}

/// A `rows x (columns + 1)` matrix whose first `columns` columns hold logits of the given kind, so the
/// kernels see a strided view (as when logits share a matrix with a value column).
public func logitsStorage(_ rows: Int, _ columns: Int, _ kind: LogitsKind, _ generator: inout RandomGenerator) -> Matrix {
    let storage = Matrix(rows: rows, columns: columns + 1)
    for r in 0..<rows {
        let kept = generator.index(below: columns)
        for j in 0...columns {
            switch kind {
            case .ordinary: storage[r, j] = generator.uniform(-4, 4)
            case .masked: storage[r, j] = j != kept && generator.bernoulli(0.4) ? -.infinity : generator.uniform(-4, 4)
            case .huge: storage[r, j] = generator.uniform(-5000, 5000)
            case .equal: storage[r, j] = 0.75
            }
        }
    }
    return storage
}

/// One uniformly random action in `0..<columns` per row.
public func randomActions(_ rows: Int, _ columns: Int, _ generator: inout RandomGenerator) -> [Int32] {
    (0..<rows).map { _ in Int32(generator.index(below: columns)) }
}

/// Log-probabilities of a Double row (`-inf` where the logit is `-inf`), for objectives of finite-difference
/// checks.
public func logSoftmax(_ z: [Double]) -> [Double] {
    let m = z.max()!
    let lse = m + Foundation.log(z.reduce(0) { $0 + Foundation.exp($1 - m) })
    return z.map { $0 - lse }
}

/// `-sum p log p` of Double log-probabilities, counting `p log p` as 0 where `p = 0`.
public func entropyOf(_ logP: [Double]) -> Double {
    logP.reduce(0) { $1 > -.infinity ? $0 - Foundation.exp($1) * $1 : $0 }
}
