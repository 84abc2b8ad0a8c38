import RecoTestSupport
import Testing
@testable import RecoTensor

@Suite struct LAPACKTests {
    @Test(arguments: [(5, 3), (9, 9), (17, 4)])
    func qrReconstructsAndIsOrthonormal(shape: (Int, Int)) throws {
        var generator = RandomGenerator(seed: 21)
        let a = randomMatrix(shape.0, shape.1, &generator)
        let (q, r) = try LAPACK.qr(a.view)
        let product = Matrix(rows: shape.0, columns: shape.1)
        BLAS.gemm(q.view, r.view, into: product.view)
        #expect(allClose(product.toArray(), a.toArray(), absolute: 1e-5, relative: 1e-4))
        let gram = Matrix(rows: shape.1, columns: shape.1)
        BLAS.gemm(q.view, transposeA: true, q.view, into: gram.view)
        for i in 0..<shape.1 {
            for j in 0..<shape.1 { #expect(abs(gram[i, j] - (i == j ? 1 : 0)) < 1e-5) }
            for j in 0..<i { #expect(r[i, j] == 0) }
        }
    }

    @Test func qrRejectsWideMatrices() {
        let a = Matrix(rows: 2, columns: 3)
        #expect(throws: LinearAlgebraError.self) { try LAPACK.qr(a.view) }
    }

    @Test func choleskySolveSolvesPositiveDefiniteSystems() throws {
        var generator = RandomGenerator(seed: 22)
        let n = 7
        let base = randomMatrix(n, n, &generator)
        let a = Matrix(rows: n, columns: n)
        BLAS.gemm(base.view, transposeA: true, base.view, into: a.view)   // B^T B + I is positive definite
        for i in 0..<n { a[i, i] += 1 }
        let b = randomMatrix(n, 3, &generator)
        let x = try LAPACK.choleskySolve(a.view, b.view)
        let check = Matrix(rows: n, columns: 3)
        BLAS.gemm(a.view, x.view, into: check.view)
        #expect(allClose(check.toArray(), b.toArray(), absolute: 1e-4, relative: 1e-4))
    }

    @Test func choleskyThrowsOnMatricesThatAreNotPositiveDefinite() {
        let a = Matrix(rows: 2, columns: 2, values: [1, 2, 2, 1])   // eigenvalues 3 and -1
        let b = Matrix(rows: 2, columns: 1, values: [1, 1])
        #expect(throws: LinearAlgebraError.notPositiveDefinite(routine: "sposv", leadingMinor: 2)) {
            try LAPACK.choleskySolve(a.view, b.view)
        }
    }

    @Test(arguments: [(6, 4), (4, 6), (5, 5)])
    func svdReconstructsWithSortedSingularValues(shape: (Int, Int)) throws {
        var generator = RandomGenerator(seed: 23)
        let a = randomMatrix(shape.0, shape.1, &generator)
        let (u, s, vt) = try LAPACK.svd(a.view)
        let k = min(shape.0, shape.1)
        #expect(s.count == k)
        #expect(zip(s, s.dropFirst()).allSatisfy { $0 >= $1 })
        let us = Matrix(copying: u.view)
        for i in 0..<shape.0 { for j in 0..<k { us[i, j] *= s[j] } }
        let product = Matrix(rows: shape.0, columns: shape.1)
        BLAS.gemm(us.view, vt.view, into: product.view)
        #expect(allClose(product.toArray(), a.toArray(), absolute: 1e-5, relative: 1e-4))
    }
}
