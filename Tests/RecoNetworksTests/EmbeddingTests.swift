import RecoTestSupport
import Testing
import RecoNetworks
import RecoTensor

@Suite struct EmbeddingTests {
    @Test func lookupCopiesRowsAndGradientIsSparseAndExact() {
        var generator = RandomGenerator(seed: 801)
        let table = Embedding(count: 10, dimension: 3, generator: &generator)
        let ids: [Int32] = [4, 1, 4]
        let output = Matrix(rows: 3, columns: 3)
        table.forward(ids: ids, into: output.view)
        for (i, id) in ids.enumerated() {
            for j in 0..<3 { #expect(output[i, j] == table.table[Int(id), j]) }
        }
        let dy = Matrix(rows: 3, columns: 3, values: [1, 2, 3, 4, 5, 6, 10, 20, 30])
        table.backward(ids: ids, outputGradient: dy.view)
        let gradient = Array(table.parameters.gradients)
        var expected = [Float](repeating: 0, count: 30)
        for (i, id) in ids.enumerated() { for j in 0..<3 { expected[Int(id) * 3 + j] += dy[i, j] } }
        #expect(gradient == expected)
        #expect(Set(table.touchedRows) == [1, 4])

        // A second backward pass clears the rows of the first.
        let ones = Matrix(rows: 1, columns: 3, values: [1, 1, 1])   // owner kept alive while its view is used
        withExtendedLifetime(ones) { table.backward(ids: [7], outputGradient: ones.view) }
        var second = [Float](repeating: 0, count: 30)
        second[21] = 1; second[22] = 1; second[23] = 1
        #expect(Array(table.parameters.gradients) == second)
    }

    @Test func gradientMatchesFiniteDifferences() {
        var generator = RandomGenerator(seed: 802)
        let table = Embedding(count: 6, dimension: 5, generator: &generator)
        let ids: [Int32] = [2, 5, 2, 0]   // a repeated id: its gradient is the sum of both rows
        let output = Matrix(rows: 4, columns: 5)
        let weights = Matrix(rows: 4, columns: 5)
        generator.fillUniform(weights.view.flat, -1, 1)
        table.forward(ids: ids, into: output.view)
        table.backward(ids: ids, outputGradient: weights.view)
        let analytic = Array(table.parameters.gradients)
        let worst = GradientCheck.worstViolation(buffer: table.parameters.values.baseAddress!, count: 30, analytic: analytic) {
            table.forward(ids: ids, into: output.view)
            return GradientCheck.objective(output.view, weights.view)
        }
        #expect(worst.excess <= 0, "parameter \(worst.index): analytic \(worst.analytic), numeric \(worst.numeric)")
    }
}
