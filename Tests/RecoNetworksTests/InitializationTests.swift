import Testing
@testable import RecoNetworks
import RecoTensor

@Suite struct InitializationTests {
    @Test(arguments: [(4, 9), (9, 4), (6, 6)])
    func orthogonalWeightsAreOrthogonalAlongTheSmallerDimension(shape: (Int, Int)) throws {
        var generator = RandomGenerator(seed: 701)
        let gain: Float = 1.41421356
        let weight = Matrix(rows: shape.0, columns: shape.1)
        try Initialization.orthogonal(weight.view, gain: gain, using: &generator)
        let small = min(shape.0, shape.1)
        let gram = Matrix(rows: small, columns: small)
        // Rows are orthogonal when there are fewer rows (W W^T), columns otherwise (W^T W).
        if shape.0 <= shape.1 {
            BLAS.gemm(weight.view, weight.view, transposeB: true, into: gram.view)
        } else {
            BLAS.gemm(weight.view, transposeA: true, weight.view, into: gram.view)
        }
        for i in 0..<small {
            for j in 0..<small { #expect(abs(gram[i, j] - (i == j ? gain * gain : 0)) < 1e-5) }
        }
    }

    @Test func orthogonalLayersHaveZeroBias() throws {
        var generator = RandomGenerator(seed: 702)
        let network = try SequentialNetwork([.linear(inputs: 8, outputs: 5, initialization: .orthogonal(gain: 0.01))],
                                            maxBatch: 1, generator: &generator)
        let bias = try #require(network.parameters.tensor(named: "0.bias"))
        #expect(network.parameters.values[bias.offset..<(bias.offset + bias.count)].allSatisfy { $0 == 0 })
    }

    @Test func kaimingUniformStaysWithinPyTorchsBound() throws {
        var generator = RandomGenerator(seed: 703)
        let network = try SequentialNetwork([.linear(25, 40)], maxBatch: 1, generator: &generator)
        let values = Array(network.parameters.values)
        #expect(values.allSatisfy { abs($0) <= 0.2 })   // 1 / sqrt(25)
        #expect(values.map { abs($0) }.max()! > 0.19)   // and actually spans it
        let mean = values.reduce(0, +) / Float(values.count)
        #expect(abs(mean) < 0.02)
    }
}
