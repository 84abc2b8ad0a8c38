import RecoTestSupport
import Testing
import RecoNetworks
import RecoTensor

@Suite struct EmbeddingTests {
    /// An embedding bound to a store of its own, drawn from `generator`.
    func boundTable(count: Int, width: Int, generator: inout RandomGenerator) throws -> (Embedding, ParameterStore) {
        let table = Embedding(count: count, width: width, maxRows: 8)
        let store = ParameterStore(shapes: table.parameterShapes)
        table.bind(parameters: store.values.baseAddress!, gradients: store.gradients.baseAddress!)
        try table.initializeParameters(using: &generator)
        return (table, store)
    }

    @Test func lookupCopiesRowsAndGradientIsSparseAndExact() throws {
        var generator = RandomGenerator(seed: 801)
        let (table, store) = try boundTable(count: 10, width: 3, generator: &generator)
        let ids: [Int32] = [4, 1, 4]
        let output = Matrix(rows: 3, columns: 3)
        ids.withUnsafeBufferPointer { table.forward(ids: $0, into: output.view) }
        for (i, id) in ids.enumerated() {
            for j in 0..<3 { #expect(output[i, j] == table.table[Int(id), j]) }
        }
        let dy = Matrix(rows: 3, columns: 3, values: [1, 2, 3, 4, 5, 6, 10, 20, 30])
        ids.withUnsafeBufferPointer { table.backward(ids: $0, outputGradient: dy.view, accumulate: false) }
        let gradient = Array(store.gradients)
        var expected = [Float](repeating: 0, count: 30)
        for (i, id) in ids.enumerated() { for j in 0..<3 { expected[Int(id) * 3 + j] += dy[i, j] } }
        #expect(gradient == expected)
        #expect(Set(table.touchedRows) == [1, 4])

        // A second backward pass clears the rows of the first.
        let ones = Matrix(rows: 1, columns: 3, values: [1, 1, 1])   // owner kept alive while its view is used
        let seven: [Int32] = [7]
        withExtendedLifetime(ones) {
            seven.withUnsafeBufferPointer { table.backward(ids: $0, outputGradient: ones.view, accumulate: false) }
        }
        var second = [Float](repeating: 0, count: 30)
        second[21] = 1; second[22] = 1; second[23] = 1
        #expect(Array(store.gradients) == second)

        // With accumulate, a pass adds to the last one and its rows join the touched rows.
        withExtendedLifetime(ones) {
            seven.withUnsafeBufferPointer { table.backward(ids: $0, outputGradient: ones.view, accumulate: true) }
        }
        second[21] = 2; second[22] = 2; second[23] = 2
        #expect(Array(store.gradients) == second)
        #expect(table.touchedRows == [7, 7])
    }

    @Test func gradientMatchesFiniteDifferences() throws {
        var generator = RandomGenerator(seed: 802)
        let (table, store) = try boundTable(count: 6, width: 5, generator: &generator)
        let ids: [Int32] = [2, 5, 2, 0]   // a repeated id: its gradient is the sum of both rows
        let output = Matrix(rows: 4, columns: 5)
        let weights = Matrix(rows: 4, columns: 5)
        generator.fillUniform(weights.view.flat, -1, 1)
        try ids.withUnsafeBufferPointer { ids in
            table.forward(ids: ids, into: output.view)
            table.backward(ids: ids, outputGradient: weights.view, accumulate: false)
            let analytic = Array(store.gradients)
            let worst = GradientCheck.worstViolation(buffer: store.values.baseAddress!, count: 30, analytic: analytic) {
                table.forward(ids: ids, into: output.view)
                return GradientCheck.objective(output.view, weights.view)
            }
            try #require(worst.excess <= 0, "parameter \(worst.index): analytic \(worst.analytic), numeric \(worst.numeric)")
        }
    }
}
