import Foundation
import Testing
@testable import RecoNetworks
import RecoTensor

@Suite struct CheckpointTests {
    /// A small network trained a few steps on random regression data, with its optimiser.
    func trainedNetwork(steps: Int, seed: UInt64 = 501) throws -> (SequentialNetwork, Adam) {
        var generator = RandomGenerator(seed: seed)
        let specs: [LayerSpec] = [.linear(6, 9), .layerNorm(width: 9, epsilon: 1e-5), .relu,
                                  .dueling(inputs: 9, actions: 4, initialization: .orthogonal(gain: 1))]
        let network = try SequentialNetwork(specs, maxBatch: 8, generator: &generator)
        let adam = Adam(learningRate: 0.01, parameterCount: network.parameterCount)
        train(network, adam, steps: steps, seed: seed)
        return (network, adam)
    }

    /// Continues training on a data stream fixed by `seed` and the step count already taken.
    func train(_ network: SequentialNetwork, _ optimizer: Optimizer, steps: Int, seed: UInt64) {
        var data = RandomGenerator(seed: seed, stream: UInt64(optimizer.stepCount))
        let x = Matrix(rows: 8, columns: 6), y = Matrix(rows: 8, columns: 4)
        for _ in 0..<steps {
            data.fillNormal(x.view.flat)
            data.fillNormal(y.view.flat)
            let output = network.forward(x.view)
            let gradient = network.outputGradientWorkspace(rows: 8)
            _ = RegressionLoss.huber(predictions: output, targets: y.view, gradient: gradient)
            network.backward(outputGradient: gradient)
            optimizer.step(network.parameters)
        }
    }

    func bits(_ values: UnsafeMutableBufferPointer<Float>) -> [UInt32] { values.map(\.bitPattern) }

    @Test func roundTripIsBitExactAndTrainingContinuesIdentically() throws {
        let (network, adam) = try trainedNetwork(steps: 5)
        let url = Fixtures.temporaryFile("roundtrip.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint(items: [.init(name: "online", network: network, optimizer: adam)],
                       metadata: ["agent": "test"]).write(to: url)
        let loaded = try Checkpoint.read(from: url)
        #expect(loaded.metadata == ["agent": "test"])
        let item = try #require(loaded.item(named: "online"))
        let restoredAdam = try #require(item.optimizer as? Adam)
        #expect(item.network.specs == network.specs)
        #expect(bits(item.network.parameters.values) == bits(network.parameters.values))
        #expect(restoredAdam.stepCount == 5)
        #expect(restoredAdam.configuration == adam.configuration)
        for (a, b) in zip(restoredAdam.stateBuffers, adam.stateBuffers) { #expect(bits(a.buffer) == bits(b.buffer)) }

        train(network, adam, steps: 4, seed: 501)
        train(item.network, restoredAdam, steps: 4, seed: 501)
        #expect(bits(item.network.parameters.values) == bits(network.parameters.values))
    }

    @Test func aFileWrittenByPythonSafetensorsLoads() throws {
        let checkpoint = try Checkpoint.read(from: Fixtures.url("python_checkpoint.safetensors"))
        let expected = try Fixtures.json("python_checkpoint_expected.json")
        #expect(checkpoint.metadata["written_by"] == "python safetensors")
        let item = try #require(checkpoint.item(named: "online"))
        let x = Matrix(rows: 3, columns: 4, values: Fixtures.floats(expected["input"]))
        #expect(relativeError(item.network.forward(x.view).toArray(), Fixtures.floats(expected["output"])) < 1e-5)
        let adam = try #require(item.optimizer as? Adam)
        #expect(adam.stepCount == 12)
        #expect(Array(adam.stateBuffers[0].buffer) == Fixtures.floats(expected["m"]))
        #expect(Array(adam.stateBuffers[1].buffer) == Fixtures.floats(expected["v"]))
    }

    @Test func aFileWrittenByTheEngineLoadsInPython() throws {
        let (network, adam) = try trainedNetwork(steps: 2)
        let url = Fixtures.temporaryFile("for-python.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint(items: [.init(name: "q", network: network, optimizer: adam)]).write(to: url)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Fixtures.url("read_engine_checkpoint.py").path, url.path]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0,
                     "python3 with numpy and safetensors is needed (make setup installs them): \(message)")
        let summary = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let tensors = try #require(summary["tensors"] as? [String: [String: Any]])
        let metadata = try #require(summary["metadata"] as? [String: String])
        #expect(metadata["format"] == Checkpoint.formatName)
        let store = network.parameters
        #expect(tensors.count == store.tensors.count + 2)
        for tensor in store.tensors {
            let seen = try #require(tensors["q.\(tensor.name)"])
            #expect(seen["dtype"] as? String == "float32")
            #expect((seen["shape"] as? [Int]) == tensor.shape)
            let sum = store.values[tensor.offset..<(tensor.offset + tensor.count)].reduce(0.0) { $0 + Double($1) }
            #expect(abs(((seen["sum"] as? Double) ?? .nan) - sum) < 1e-9 + 1e-12 * abs(sum))
        }
    }

    // MARK: damaged files, each with its own error

    func writeValidFile() throws -> (URL, Data) {
        let (network, adam) = try trainedNetwork(steps: 1)
        let url = Fixtures.temporaryFile("damaged.safetensors")
        try Checkpoint(items: [.init(name: "online", network: network, optimizer: adam)]).write(to: url)
        return (url, try Data(contentsOf: url))
    }

    func readError(_ bytes: Data, _ url: URL) -> CheckpointError? {
        do {
            try bytes.write(to: url)
            _ = try Checkpoint.read(from: url)
            return nil
        } catch let error as CheckpointError {
            return error
        } catch {
            return .io(path: "", reason: "unexpected \(error)")
        }
    }

    func headerLength(_ bytes: Data) -> Int { Int(bytes.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }) }

    @Test func truncatedFilesSayTheyAreTruncated() throws {
        let (url, bytes) = try writeValidFile()
        defer { try? FileManager.default.removeItem(at: url) }
        let header = headerLength(bytes)
        for cut in [0, 5, 8 + header / 2, 8 + header + 10, bytes.count - 1] {
            guard case .truncated(_, let detail)? = readError(bytes.prefix(cut), url) else {
                Issue.record("cut at \(cut) of \(bytes.count) bytes did not report truncation")
                continue
            }
            #expect(!detail.isEmpty)
        }
    }

    @Test func aCorruptedHeaderIsReportedAsSuch() throws {
        let (url, bytes) = try writeValidFile()
        defer { try? FileManager.default.removeItem(at: url) }
        var damaged = bytes
        damaged[8] = UInt8(ascii: "#")   // the JSON no longer parses
        guard case .corruptedHeader? = readError(damaged, url) else {
            Issue.record("expected corruptedHeader, got \(String(describing: readError(damaged, url)))")
            return
        }
        var huge = bytes
        huge.replaceSubrange(0..<8, with: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])
        guard case .invalidField(_, "header length", _, _)? = readError(huge, url) else {
            Issue.record("expected an invalid header length")
            return
        }
    }

    @Test func corruptedDataFailsTheChecksum() throws {
        let (url, bytes) = try writeValidFile()
        defer { try? FileManager.default.removeItem(at: url) }
        var damaged = bytes
        damaged[bytes.count - 3] ^= 0x40
        guard case .corruptedData(_, let expected, let actual)? = readError(damaged, url) else {
            Issue.record("expected corruptedData")
            return
        }
        #expect(expected != actual)
    }

    /// Rewrites the header of a valid file through `edit` (keeping the data section), then re-signs it
    /// (recomputes its checksum) so the checks behind the checksum are what the test reaches.
    func withEditedHeader(_ bytes: Data, _ edit: (inout [String: Any]) -> Void) throws -> Data {
        try CheckpointBytes.resigned(try CheckpointBytes.editingHeader(bytes, edit))
    }

    @Test func mismatchedFilesNameWhatDiffers() throws {
        let (url, bytes) = try writeValidFile()
        defer { try? FileManager.default.removeItem(at: url) }

        // A shape that disagrees with the recorded architecture (same byte count, other shape).
        let reshaped = try withEditedHeader(bytes) { header in
            var entry = header["online.0.weight"] as! [String: Any]
            entry["shape"] = [6, 9]
            header["online.0.weight"] = entry
        }
        #expect(readError(reshaped, url) == .mismatch(path: url.path, detail: "tensor online.0.weight has shape [6, 9], expected [9, 6]"))

        // An architecture that does not chain.
        let wrongArchitecture = try withEditedHeader(bytes) { header in
            var metadata = header["__metadata__"] as! [String: String]
            metadata["networks"] = metadata["networks"]!.replacingOccurrences(of: "\"inputs\":9", with: "\"inputs\":7")
            header["__metadata__"] = metadata
        }
        guard case .mismatch(_, let detail)? = readError(wrongArchitecture, url) else {
            Issue.record("expected a mismatch for a broken architecture")
            return
        }
        #expect(detail.contains("network online"))

        // A different dtype with the same byte size.
        let retyped = try withEditedHeader(bytes) { header in
            var entry = header["online.0.bias"] as! [String: Any]
            entry["dtype"] = "I32"
            header["online.0.bias"] = entry
        }
        #expect(readError(retyped, url) == .mismatch(path: url.path, detail: "tensor online.0.bias has dtype I32, expected F32"))

        // Not a RecoRL checkpoint at all.
        let foreign = try withEditedHeader(bytes) { header in header["__metadata__"] = ["format": "pytorch"] }
        #expect(readError(foreign, url) == .invalidField(path: url.path, field: "__metadata__.format", value: "pytorch",
                                                         expected: Checkpoint.formatName))

        // Offsets that overlap.
        let overlapping = try withEditedHeader(bytes) { header in
            var entry = header["online.0.bias"] as! [String: Any]
            let offsets = entry["data_offsets"] as! [Int]
            entry["data_offsets"] = [offsets[0] - 4, offsets[1] - 4]
            header["online.0.bias"] = entry
        }
        guard case .invalidField(_, let field, _, _)? = readError(overlapping, url) else {
            Issue.record("expected overlapping offsets to be rejected")
            return
        }
        #expect(field.hasSuffix("data_offsets"))
    }

    @Test func aMissingFileAndReservedMetadataAreErrorsNotTraps() throws {
        let missing = Fixtures.temporaryFile("missing.safetensors")
        #expect(throws: CheckpointError.self) { try Checkpoint.read(from: missing) }
        let (network, _) = try trainedNetwork(steps: 0)
        #expect(throws: CheckpointError.self) {
            try Checkpoint(items: [.init(name: "n", network: network)], metadata: ["format": "x"]).write(to: missing)
        }
    }
}
