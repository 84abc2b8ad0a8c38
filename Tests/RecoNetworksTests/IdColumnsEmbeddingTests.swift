import Foundation
import RecoTestSupport
import Testing
import RecoNetworks
import RecoTensor

@Suite struct IdColumnsEmbeddingTests {
    static let idColumns = 3
    static let vocabulary = 7
    static let width = 4
    static let restWidth = 2

    /// A layer bound to a store of its own, its table drawn from `generator`.
    func boundLayer(maxBatch: Int, restWidth: Int = IdColumnsEmbeddingTests.restWidth,
                    generator: inout RandomGenerator) throws -> (IdColumnsEmbedding, ParameterStore) {
        let layer = IdColumnsEmbedding(idColumns: Self.idColumns, vocabulary: Self.vocabulary, width: Self.width,
                                       restWidth: restWidth, maxBatch: maxBatch)
        let store = ParameterStore(shapes: layer.parameterShapes)
        layer.bind(parameters: store.values.baseAddress!, gradients: store.gradients.baseAddress!)
        try layer.initializeParameters(using: &generator)
        return (layer, store)
    }

    /// `rows` observations: ids in the first columns (id 2 in every row's first column, so rows share a
    /// table row), uniform floats after them.
    func observations(rows: Int, restWidth: Int = IdColumnsEmbeddingTests.restWidth, generator: inout RandomGenerator) -> Matrix {
        let x = Matrix(rows: rows, columns: Self.idColumns + restWidth)
        for r in 0..<rows {
            x[r, 0] = 2
            for c in 1..<Self.idColumns { x[r, c] = Float(Int(generator.uniform(0, Float(Self.vocabulary) - 0.01))) }
            for c in Self.idColumns..<x.columns { x[r, c] = generator.uniform(-1, 1) }
        }
        return x
    }

    /// Table and rest-column gradients against central differences (ids cannot be perturbed; their
    /// gradient must be exactly zero), for one row and for an odd batch.
    @Test(arguments: [1, 5])
    func gradientMatchesFiniteDifferences(batch: Int) throws {
        var generator = RandomGenerator(seed: 811 + UInt64(batch))
        let (layer, store) = try boundLayer(maxBatch: batch, generator: &generator)
        let x = observations(rows: batch, generator: &generator)
        let y = Matrix(rows: batch, columns: layer.outputWidth)
        let weights = Matrix(rows: batch, columns: layer.outputWidth)
        generator.fillUniform(weights.view.flat, -1, 1)
        let dx = Matrix(rows: batch, columns: layer.inputWidth)
        dx.view.fill(5)   // every entry must be written
        layer.forward(x.view, into: y.view)
        layer.backward(input: x.view, output: y.view, outputGradient: weights.view, inputGradient: dx.view, accumulate: false)
        func evaluate() -> Double {
            layer.forward(x.view, into: y.view)
            return GradientCheck.objective(y.view, weights.view)
        }
        let table = GradientCheck.worstViolation(buffer: store.values.baseAddress!, count: layer.parameterCount,
                                                 analytic: Array(store.gradients), evaluate: evaluate)
        #expect(table.excess <= 0, "table \(table.index): analytic \(table.analytic), numeric \(table.numeric)")
        for r in 0..<batch {
            for c in 0..<Self.idColumns { #expect(dx[r, c] == 0, "id column \(c) of row \(r) has gradient \(dx[r, c])") }
            for c in Self.idColumns..<layer.inputWidth {
                let rest = GradientCheck.worstViolation(buffer: x.view.base + r * layer.inputWidth + c, count: 1,
                                                        analytic: [dx[r, c]], evaluate: evaluate)
                #expect(rest.excess <= 0, "input (\(r), \(c)): analytic \(rest.analytic), numeric \(rest.numeric)")
            }
        }
    }

    /// Forward is a plain lookup and mean; backward adds `1 / idColumns` of the output gradient to each
    /// id's row (repeated ids summed), clears the rows of the previous pass, and passes the rest through.
    @Test func matchesPlainLookupAndMean() throws {
        var generator = RandomGenerator(seed: 821)
        let batch = 4
        let (layer, store) = try boundLayer(maxBatch: batch, generator: &generator)
        let x = observations(rows: batch, generator: &generator)
        let y = Matrix(rows: batch, columns: layer.outputWidth)
        layer.forward(x.view, into: y.view)
        let table = layer.table
        for r in 0..<batch {
            var expected = [Float](repeating: 0, count: Self.width)
            for c in 0..<Self.idColumns { for j in 0..<Self.width { expected[j] += table[Int(x[r, c]), j] / Float(Self.idColumns) } }
            expected += (Self.idColumns..<layer.inputWidth).map { x[r, $0] }
            #expect(maxDifference(y.view.rows(r..<(r + 1)).toArray(), expected) <= 1e-6)
        }

        let dy = randomMatrix(batch, layer.outputWidth, &generator)
        let dx = Matrix(rows: batch, columns: layer.inputWidth)
        layer.backward(input: x.view, output: y.view, outputGradient: dy.view, inputGradient: dx.view, accumulate: false)
        var expectedGradient = [Float](repeating: 0, count: Self.vocabulary * Self.width)
        for r in 0..<batch {
            for c in 0..<Self.idColumns {
                for j in 0..<Self.width { expectedGradient[Int(x[r, c]) * Self.width + j] += dy[r, j] / Float(Self.idColumns) }
            }
            for c in 0..<layer.restWidth { #expect(dx[r, Self.idColumns + c] == dy[r, Self.width + c]) }
        }
        #expect(maxDifference(Array(store.gradients), expectedGradient) <= 1e-6)
        #expect(layer.touchedRows.count == batch * Self.idColumns)

        // A pass without accumulate over one row leaves only that row's ids in the gradient.
        let one = x.view.rows(0..<1), oneOutput = y.view.rows(0..<1), oneGradient = dy.view.rows(0..<1)
        layer.forward(one, into: oneOutput)
        layer.backward(input: one, output: oneOutput, outputGradient: oneGradient, inputGradient: nil, accumulate: false)
        var second = [Float](repeating: 0, count: Self.vocabulary * Self.width)
        for c in 0..<Self.idColumns {
            for j in 0..<Self.width { second[Int(x[0, c]) * Self.width + j] += dy[0, j] / Float(Self.idColumns) }
        }
        #expect(maxDifference(Array(store.gradients), second) <= 1e-6)
    }

    /// A layer of id columns alone (no rest) has the table's output only.
    @Test func idColumnsWithoutRest() throws {
        var generator = RandomGenerator(seed: 823)
        let (layer, _) = try boundLayer(maxBatch: 2, restWidth: 0, generator: &generator)
        let x = observations(rows: 2, restWidth: 0, generator: &generator)
        let y = Matrix(rows: 2, columns: layer.outputWidth)
        layer.forward(x.view, into: y.view)
        #expect(layer.outputWidth == Self.width)
        let mean = (0..<Self.idColumns).map { layer.table[Int(x[1, $0]), 0] }.reduce(0, +) / Float(Self.idColumns)
        #expect(abs(y[1, 0] - mean) <= 1e-6)
    }

    /// An id out of range, negative, fractional or not a number is refused by `checkInput`, naming its
    /// row and column; valid ids pass.
    @Test func checkInputRefusesInvalidIds() throws {
        var generator = RandomGenerator(seed: 825)
        let (layer, _) = try boundLayer(maxBatch: 2, generator: &generator)
        let x = observations(rows: 2, generator: &generator)
        try layer.checkInput(x.view)
        x[1, 3] = 1e9   // a rest column: any float
        try layer.checkInput(x.view)
        for bad: Float in [7, -1, 2.5, .nan, .infinity] {
            let saved = x[1, 2]
            x[1, 2] = bad
            #expect(throws: NetworkError.invalidInput(field: "row 1, id column 2", value: "\(bad)",
                                                      expected: "a whole number in 0..<7")) { try layer.checkInput(x.view) }
            x[1, 2] = saved
        }
    }

    /// The kind is registered, its JSON round-trips, it checks its sizes and input, and a network
    /// starting with it saves and loads bit-exactly (same specs, same outputs).
    @Test func specAndCheckpointRoundTrip() throws {
        let spec = LayerSpec.idColumnsEmbedding(idColumns: Self.idColumns, vocabulary: Self.vocabulary, width: Self.width,
                                                restWidth: Self.restWidth)
        let json = try JSONEncoder().encode(spec)
        #expect(String(decoding: json, as: UTF8.self).contains("\"id-columns-embedding\""))
        #expect(try JSONDecoder().decode(LayerSpec.self, from: json) == spec)
        #expect(LayerRegistry.shared.kind(named: "id-columns-embedding") != nil)

        var generator = RandomGenerator(seed: 827)
        let inner = Self.width + Self.restWidth
        let specs = [spec, .linear(inner, 6), .relu, .linear(6, 3)]
        let network = try SequentialNetwork(specs, maxBatch: 4, generator: &generator)
        #expect(network.inputWidth == Self.idColumns + Self.restWidth)
        #expect(throws: NetworkError.self) {
            try SequentialNetwork([spec, .linear(inner + 1, 3)], maxBatch: 4, generator: &generator)
        }
        #expect(throws: NetworkError.self) {
            try SequentialNetwork([.idColumnsEmbedding(idColumns: 1, vocabulary: 0, width: 2, restWidth: 0), .linear(2, 1)],
                                  maxBatch: 4, generator: &generator)
        }
        let adam = Adam(learningRate: 1e-3, parameterCount: network.parameterCount)
        let x = observations(rows: 3, generator: &generator)
        let before = network.forward(x.view).toArray()
        let url = Fixtures.temporaryFile("id-columns.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint(items: [.init(name: "online", network: network, optimizer: adam)]).write(to: url)
        let item = try #require(try Checkpoint.read(from: url).item(named: "online"))
        #expect(item.network.specs == specs)
        #expect(item.network.forward(x.view).toArray() == before)
    }
}
