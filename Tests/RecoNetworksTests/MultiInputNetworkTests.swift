import Foundation
import RecoTestSupport
import Testing
import RecoNetworks
import RecoTensor

/// A network over item ids and dense user features: gradients, checkpoints and errors.
@Suite struct MultiInputNetworkTests {
    let branches = [
        NetworkBranch(name: "items", input: .ids(count: 9), layers: [.embedding(count: 9, width: 4)]),
        NetworkBranch(name: "history", input: .ids(count: 9, steps: 3), layers: [.embedding(count: 9, width: 2), .meanPooling]),
        NetworkBranch(name: "user", input: .dense(width: 3)),
    ]
    let trunk: [LayerSpec] = [.linear(9, 6), .tanh, .linear(6, 2)]

    /// Ids and features for `batch` samples.
    struct Inputs {
        let items: OwnedBuffer<Int32>
        let history: OwnedBuffer<Int32>
        let user: Matrix
        var batches: [InputBatch] {
            [.ids(UnsafeBufferPointer(items.elements)), .ids(UnsafeBufferPointer(history.elements)), .floats(user.view)]
        }
    }

    func inputs(batch: Int, generator: inout RandomGenerator) -> Inputs {
        let user = Matrix(rows: batch, columns: 3)
        generator.fillUniform(user.view.flat, -1, 1)
        return Inputs(items: OwnedBuffer(count: batch) { Int32(($0 * 4 + 2) % 9) },
                      history: OwnedBuffer(count: batch * 3) { Int32(($0 * 7) % 9) }, user: user)
    }

    @Test(arguments: [1, 4])
    func parameterGradientsMatchFiniteDifferences(batch: Int) throws {
        var generator = RandomGenerator(seed: 1101)
        let network = try MultiInputNetwork(branches: branches, trunk: trunk, maxBatch: 5, generator: &generator)
        #expect(network.parameters.tensors.map(\.name)
                == ["items.0.weight", "history.0.weight", "trunk.0.weight", "trunk.0.bias", "trunk.2.weight", "trunk.2.bias"])
        let data = inputs(batch: batch, generator: &generator)
        let batches = data.batches
        let output = network.forward(batches)
        #expect(output.rows == batch && output.columns == 2)
        let weights = Matrix(rows: batch, columns: 2)
        generator.fillUniform(weights.view.flat, -1, 1)
        network.backward(outputGradient: weights.view)
        let store = network.parameters
        let worst = GradientCheck.worstViolation(buffer: store.values.baseAddress!, count: store.count,
                                                 analytic: Array(store.gradients)) {
            GradientCheck.objective(network.forward(batches), weights.view)
        }
        #expect(worst.excess <= 0, "parameter \(store.tensors.last { $0.offset <= worst.index }?.name ?? "?") [\(worst.index)]: analytic \(worst.analytic), numeric \(worst.numeric)")

        // Accumulating a second identical pass doubles every gradient.
        let once = Array(store.gradients)
        network.forward(batches)
        network.backward(outputGradient: weights.view, accumulate: true)
        #expect(zip(Array(store.gradients), once).allSatisfy { abs($0 - 2 * $1) <= 1e-5 * max(1, abs($1)) })
    }

    @Test func checkpointRoundTripIsBitIdentical() throws {
        var generator = RandomGenerator(seed: 1102)
        let network = try MultiInputNetwork(branches: branches, trunk: trunk, maxBatch: 4, generator: &generator)
        let adam = Adam(learningRate: 0.05, parameterCount: network.parameterCount)
        let data = inputs(batch: 4, generator: &generator)
        let batches = data.batches
        for _ in 0..<3 {
            let output = network.forward(batches)
            let gradient = network.outputGradientWorkspace(rows: 4)
            gradient.copy(from: output)
            network.backward(outputGradient: gradient)
            adam.step(network.parameters)
        }
        let temperature = ParameterStore(shapes: [ParameterShape(name: "log_temperature", shape: [1]),
                                                  ParameterShape(name: "bias", shape: [2, 2])])
        generator.fillNormal(temperature.values)
        let temperatureAdam = Adam(learningRate: 0.1, parameterCount: temperature.count)
        generator.fillNormal(temperature.gradients)
        temperatureAdam.step(temperature)
        let url = Fixtures.temporaryFile("multi-input.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint(entries: [.init(name: "ranker", model: .multiInput(network), optimizer: adam),
                                 .init(name: "temperature", model: .parameters(temperature), optimizer: temperatureAdam)],
                       metadata: ["agent": "test"]).write(to: url)

        let loaded = try Checkpoint.read(from: url)
        #expect(loaded.items.isEmpty && loaded.item(named: "ranker") == nil)
        let ranker = try #require(loaded.entry(named: "ranker"))
        guard case let .multiInput(restored) = ranker.model else {
            Issue.record("ranker came back as \(ranker.model)")
            return
        }
        #expect(restored.branches == branches && restored.trunk == trunk && restored.maxBatch == 4)
        #expect(restored.parameters.tensors == network.parameters.tensors)
        #expect(restored.parameters.values.map(\.bitPattern) == network.parameters.values.map(\.bitPattern))
        let restoredAdam = try #require(ranker.optimizer as? Adam)
        #expect(restoredAdam.stepCount == 3)
        for (a, b) in zip(restoredAdam.stateBuffers, adam.stateBuffers) {
            #expect(a.buffer.map(\.bitPattern) == b.buffer.map(\.bitPattern))
        }
        #expect(restored.forward(batches).toArray().map(\.bitPattern) == network.forward(batches).toArray().map(\.bitPattern))

        let bare = try #require(loaded.entry(named: "temperature"))
        let restoredTemperatureAdam = try #require(bare.optimizer as? Adam)
        #expect(restoredTemperatureAdam.stepCount == 1)
        #expect(restoredTemperatureAdam.stateBuffers[1].buffer.map(\.bitPattern) == temperatureAdam.stateBuffers[1].buffer.map(\.bitPattern))
        #expect(bare.model.parameters.tensors == temperature.tensors)
        #expect(bare.model.parameters.values.map(\.bitPattern) == temperature.values.map(\.bitPattern))

        // A larger batch through the replica and the larger copy gives the same numbers.
        let larger = try restored.withWorkspaces(for: 6)
        #expect(larger.maxBatch == 6)
        let replica = try restored.replica(maxBatch: 4)
        #expect(replica.forward(batches).toArray() == restored.forward(batches).toArray())
        #expect(restored.branchIndex(named: "user") == 2 && restored.branchIndex(named: "trunk") == nil)

        // Target updates move the parameters the replica reads.
        let target = try MultiInputNetwork(branches: branches, trunk: trunk, maxBatch: 4, generator: &generator)
        let before = Array(target.parameters.values)
        target.polyakAverage(from: restored, tau: 0.25)
        for (i, value) in target.parameters.values.enumerated() {
            #expect(abs(value - (0.25 * restored.parameters.values[i] + 0.75 * before[i])) < 1e-6)
        }
        target.copyParameters(from: restored)
        #expect(Array(target.parameters.values) == Array(restored.parameters.values))
    }

    @Test func aSequenceNetworkRecordsItsInput() throws {
        var generator = RandomGenerator(seed: 1103)
        let network = try SequentialNetwork([.linear(2, 3), .meanPooling], input: .sequence(steps: 4, width: 2),
                                            maxBatch: 2, generator: &generator)
        let url = Fixtures.temporaryFile("sequence.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint(items: [.init(name: "encoder", network: network)]).write(to: url)
        let item = try #require(try Checkpoint.read(from: url, maxBatch: 3).item(named: "encoder"))
        #expect(item.network.input == .sequence(steps: 4, width: 2))
        #expect(item.network.maxBatch == 3)
        #expect(Array(item.network.parameters.values) == Array(network.parameters.values))
    }

    @Test func unknownLayerKindsInAFileNameTheField() throws {
        var generator = RandomGenerator(seed: 1104)
        let network = try SequentialNetwork([.linear(2, 3), .relu], maxBatch: 2, generator: &generator)
        let url = Fixtures.temporaryFile("unknown-kind.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint(items: [.init(name: "q", network: network)]).write(to: url)
        var bytes = try Data(contentsOf: url)
        let original = Data(#"{\"relu\":{}}"#.utf8), replacement = Data(#"{\"gelu\":{}}"#.utf8)
        let range = try #require(bytes.range(of: original))
        bytes.replaceSubrange(range, with: replacement)
        try bytes.write(to: url)
        do {
            _ = try Checkpoint.read(from: url)
            Issue.record("an unknown layer kind was accepted")
        } catch let CheckpointError.invalidField(_, field, value, _) {
            #expect(field == "__metadata__.networks[0].layers[1].gelu")
            #expect(value.contains("unknown layer kind \"gelu\""))
        }
    }

    @Test func badArchitecturesThrowNamingTheBranch() {
        var generator = RandomGenerator(seed: 1105)
        #expect(throws: NetworkError.invalidArchitecture(
            "branch history: gives sequences of 3 x 2; a branch must end in dense rows (pool a sequence with meanPooling)")) {
            try MultiInputNetwork(branches: [NetworkBranch(name: "history", input: .ids(count: 9, steps: 3),
                                                           layers: [.embedding(count: 9, width: 2)])],
                                  trunk: [.linear(2, 1)], maxBatch: 2, generator: &generator)
        }
        #expect(throws: NetworkError.invalidArchitecture("trunk (reading 3 concatenated columns): layer 0: expects 4 inputs but the layer before gives 3")) {
            try MultiInputNetwork(branches: [NetworkBranch(name: "user", input: .dense(width: 3))], trunk: [.linear(4, 1)],
                                  maxBatch: 2, generator: &generator)
        }
        for name in ["", "a.b", "trunk", "optimizer"] {
            #expect(throws: NetworkError.self) {
                try MultiInputNetwork(branches: [NetworkBranch(name: name, input: .dense(width: 3))], trunk: [.linear(3, 1)],
                                      maxBatch: 2, generator: &generator)
            }
        }
        #expect(throws: NetworkError.self) {
            try MultiInputNetwork(branches: [NetworkBranch(name: "ids", input: .ids(count: 4))], trunk: [.linear(1, 1)],
                                  maxBatch: 2, generator: &generator)
        }
    }
}
