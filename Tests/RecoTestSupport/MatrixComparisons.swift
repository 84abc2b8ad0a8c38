/// Shared helpers of the test targets: random matrices, closeness checks and the shapes every
/// kernel test runs through.
import RecoTensor

/// A `rows x columns` matrix of uniform values in [lower, upper).
public func randomMatrix(_ rows: Int, _ columns: Int, _ generator: inout RandomGenerator,
                  lower: Float = -1, upper: Float = 1) -> Matrix {
    let m = Matrix(rows: rows, columns: columns)
    generator.fillUniform(m.view.flat, lower, upper)
    return m
}

/// The largest absolute difference between two arrays of equal length.
public func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

/// Whether `a` and `b` agree elementwise within `absolute + relative * |b|`.
public func allClose(_ a: [Float], _ b: [Float], absolute: Float = 1e-5, relative: Float = 1e-5) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { x, y in
        (x == y) || abs(x - y) <= absolute + relative * abs(y)
    }
}

/// Shapes used across tests: batch 1, small odd sizes, and sizes that are not multiples of 8 or 16.
public let oddShapes: [(Int, Int)] = [(1, 1), (1, 7), (3, 5), (7, 13), (17, 9), (33, 31)]
