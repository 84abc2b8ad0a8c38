import Foundation
import Testing
@testable import RecoNetworks
import RecoTensor

/// The whole-file checksum (format version 2), reading version-1 files, and the bounds checked before
/// anything in a header is allocated.
@Suite struct CheckpointVerificationTests {
    /// Two small networks with Adam and SGD state and caller metadata, written to a fresh file.
    static func sample() throws -> (checkpoint: Checkpoint, bytes: Data) {
        var generator = RandomGenerator(seed: 909)
        let online = try SequentialNetwork([.linear(5, 8), .relu, .linear(8, 3)], maxBatch: 16, generator: &generator)
        let target = try SequentialNetwork([.linear(5, 8), .layerNorm(width: 8, epsilon: 1e-5), .tanh,
                                            .dueling(inputs: 8, actions: 3, initialization: .orthogonal(gain: 1))],
                                           maxBatch: 4, generator: &generator)
        let adam = Adam(learningRate: 0.01, parameterCount: online.parameterCount)
        let sgd = SGD(learningRate: 0.1, momentum: 0.9, parameterCount: target.parameterCount)
        let x = Matrix(rows: 4, columns: 5), y = Matrix(rows: 4, columns: 3)
        for _ in 0..<3 {
            generator.fillNormal(x.view.flat)
            generator.fillNormal(y.view.flat)
            for (network, optimizer) in [(online, adam as Optimizer), (target, sgd as Optimizer)] {
                let output = network.forward(x.view)
                let gradient = network.outputGradientWorkspace(rows: 4)
                _ = RegressionLoss.huber(predictions: output, targets: y.view, gradient: gradient)
                network.backward(outputGradient: gradient)
                optimizer.step(network.parameters)
            }
        }
        let checkpoint = Checkpoint(items: [.init(name: "online", network: online, optimizer: adam),
                                            .init(name: "target", network: target, optimizer: sgd)],
                                    metadata: ["agent": "dqn", "environment": "marketing", "note": "ünïcode ✓"])
        let url = Fixtures.temporaryFile("sample.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try checkpoint.write(to: url)
        return (checkpoint, try Data(contentsOf: url))
    }

    func error(_ bytes: Data) -> CheckpointError? {
        do {
            _ = try Checkpoint.read(data: bytes, path: "test")
            return nil
        } catch let error as CheckpointError {
            return error
        } catch {
            return .io(path: "", reason: "unexpected \(error)")
        }
    }

    func editedMetadata(_ bytes: Data, resign: Bool = false, _ edit: (inout [String: String]) -> Void) throws -> Data {
        let edited = try CheckpointBytes.editingHeader(bytes) { header in
            var metadata = header["__metadata__"] as! [String: String]
            edit(&metadata)
            header["__metadata__"] = metadata
        }
        return resign ? try CheckpointBytes.resigned(edited) : edited
    }

    @Test func anEngineFileIsVerifiedWhole() throws {
        let (original, bytes) = try Self.sample()
        let header = try CheckpointBytes.header(bytes)
        let metadata = try #require(header["__metadata__"] as? [String: String])
        #expect(metadata["format_version"] == "2")
        #expect(metadata["data_crc32"] == nil)
        #expect(CheckpointChecksum.isWellFormed(metadata["checksum"] ?? ""))
        let loaded = try Checkpoint.read(data: bytes)
        #expect(loaded.verification == .whole && loaded.isVerified)
        #expect(loaded.metadata == original.metadata)
        #expect(tensorBits(loaded) == tensorBits(original))
        #expect(Checkpoint(entries: []).verification == .unverified)
    }

    @Test func sha256MatchesTheStandardVectors() {
        func digest(_ text: String) -> String {
            var hash = SHA256()
            hash.update(bytes: Array(text.utf8))
            return hash.hex
        }
        #expect(digest("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(digest(String(repeating: "a", count: 1_000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    @Test func editsBehindTheChecksumAreCaught() throws {
        let (_, bytes) = try Self.sample()
        // relu -> tanh: same shapes, another network; only the checksum can tell.
        let retyped = try editedMetadata(bytes) { $0["networks"] = $0["networks"]!.replacingOccurrences(of: "\"relu\"", with: "\"tanh\"") }
        guard case .corruptedData? = error(retyped) else { Issue.record("relu -> tanh was not caught: \(String(describing: error(retyped)))"); return }
        // Caller metadata.
        let relabelled = try editedMetadata(bytes) { $0["agent"] = "ppo" }
        guard case .corruptedData? = error(relabelled) else { Issue.record("a metadata edit was not caught"); return }
        // Swapped offsets of two tensors of the same shape.
        let swapped = try CheckpointBytes.editingHeader(bytes) { header in
            var a = header["online.0.bias"] as! [String: Any], b = header["target.0.bias"] as! [String: Any]
            (a["data_offsets"], b["data_offsets"]) = (b["data_offsets"], a["data_offsets"])
            header["online.0.bias"] = a
            header["target.0.bias"] = b
        }
        guard case .corruptedData? = error(swapped) else { Issue.record("swapped offsets were not caught"); return }
    }

    @Test func aMissingOrMalformedChecksumIsRefusedInVersion2() throws {
        let (_, bytes) = try Self.sample()
        let removed = try editedMetadata(bytes) { $0["checksum"] = nil }
        #expect(error(removed) == .invalidField(path: "test", field: "__metadata__.checksum", value: "nothing",
                                                expected: "the checksum every version-2 file records"))
        let malformed = try editedMetadata(bytes) { $0["checksum"] = "crc32:1234" }
        guard case .invalidField(_, "__metadata__.checksum", "crc32:1234", _)? = error(malformed) else {
            Issue.record("a malformed checksum was accepted"); return
        }
        // Downgrading to version 1 while keeping the version-2 checksum is refused too.
        let downgraded = try editedMetadata(bytes) { $0["format_version"] = "1" }
        guard case .invalidField(_, "__metadata__.checksum", _, _)? = error(downgraded) else {
            Issue.record("a version-1 file with a checksum was accepted: \(String(describing: error(downgraded)))"); return
        }
    }

    @Test func version1FilesStillLoad() throws {
        let (original, bytes) = try Self.sample()
        let file = try SafeTensors(bytes: bytes, path: "v1")
        let crc = file.data.withUnsafeBytes { CRC32.hex($0) }
        let withCRC = try editedMetadata(bytes) { $0["checksum"] = nil; $0["format_version"] = "1"; $0["data_crc32"] = crc }
        let loaded = try Checkpoint.read(data: withCRC)
        #expect(loaded.verification == .dataOnly && !loaded.isVerified)
        #expect(tensorBits(loaded) == tensorBits(original))
        var damaged = withCRC
        damaged[damaged.count - 5] ^= 0x10
        guard case .corruptedData? = error(damaged) else { Issue.record("a version-1 data CRC was not checked"); return }

        let withoutCRC = try editedMetadata(bytes) { $0["checksum"] = nil; $0["format_version"] = "1" }
        let unverified = try Checkpoint.read(data: withoutCRC)
        #expect(unverified.verification == .unverified && !unverified.isVerified)
        #expect(tensorBits(unverified) == tensorBits(original))
        // The version-1 fixture written by Python has no checksum.
        #expect(try Checkpoint.read(from: Fixtures.url("python_checkpoint.safetensors")).verification == .unverified)
    }

    @Test func hugeSizesThrowBeforeAllocating() throws {
        let (_, bytes) = try Self.sample()
        // A tensor shape whose element count overflows.
        let overflowing = try CheckpointBytes.editingHeader(bytes) { header in
            var entry = header["online.0.bias"] as! [String: Any]
            entry["shape"] = [1 << 61]
            header["online.0.bias"] = entry
        }
        guard case .invalidField(_, "online.0.bias.shape", _, _)? = error(overflowing) else {
            Issue.record("shape [2^61]: \(String(describing: error(overflowing)))"); return
        }
        let overflowing2 = try CheckpointBytes.editingHeader(bytes) { header in
            var entry = header["online.0.bias"] as! [String: Any]
            entry["shape"] = [1 << 40, 1 << 40]
            header["online.0.bias"] = entry
        }
        guard case .invalidField(_, "online.0.bias.shape", _, _)? = error(overflowing2) else { Issue.record("shape [2^40, 2^40]"); return }

        // A maximum batch beyond the documented bound.
        let batch = try editedMetadata(bytes, resign: true) {
            $0["networks"] = $0["networks"]!.replacingOccurrences(of: "\"maxBatch\":16", with: "\"maxBatch\":1000000000")
        }
        #expect(error(batch) == .invalidField(path: "test", field: "__metadata__.networks[0].maxBatch", value: "1000000000",
                                              expected: "1...\(Checkpoint.maximumBatch)"))
        #expect(throws: CheckpointError.self) { try Checkpoint.read(data: bytes, maxBatch: 0) }
        #expect(throws: CheckpointError.self) { try Checkpoint.read(data: bytes, maxBatch: 1 << 40) }

        // Layer widths far beyond any file (the parameters would be petabytes).
        let wide = try editedMetadata(bytes, resign: true) {
            $0["networks"] = $0["networks"]!.replacingOccurrences(of: "\"outputs\":8", with: "\"outputs\":1099511627776")
        }
        guard case .invalidField(_, "__metadata__.networks[0].layers[0].linear.outputs", "1099511627776", _)? = error(wide) else {
            Issue.record("a linear layer of 2^40 outputs: \(String(describing: error(wide)))"); return
        }
        // Widths within the bound whose parameters the file cannot hold.
        let big = try editedMetadata(bytes, resign: true) {
            $0["networks"] = $0["networks"]!.replacingOccurrences(of: "\"outputs\":8", with: "\"outputs\":4000000")
        }
        guard case .invalidField(_, "__metadata__.networks[0]", _, let expected)? = error(big), expected.contains("float32 values the file holds") else {
            Issue.record("parameters larger than the file: \(String(describing: error(big)))"); return
        }
    }

    @Test func workspacesAreBoundedByBatchTimesWidth() throws {
        var generator = RandomGenerator(seed: 3)
        let wide = try SequentialNetwork([.linear(1, 16_384), .relu], maxBatch: 1, generator: &generator)
        let url = Fixtures.temporaryFile("wide.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint(items: [.init(name: "wide", network: wide)]).write(to: url)
        let bytes = try Data(contentsOf: url)
        #expect(try Checkpoint.read(data: bytes).items[0].network.maxBatch == 1)
        // 65,536 rows of 16,384 floats would be 4 GiB per workspace.
        let doubled = try editedMetadata(bytes, resign: true) {
            $0["networks"] = $0["networks"]!.replacingOccurrences(of: "\"maxBatch\":1,", with: "\"maxBatch\":65536,")
        }
        guard case .invalidField(_, "__metadata__.networks[0].maxBatch", "65536", let expected)? = error(doubled) else {
            Issue.record("65,536 rows of 16,384 floats: \(String(describing: error(doubled)))"); return
        }
        #expect(expected.contains("at most 32768"))
        #expect(throws: CheckpointError.self) { try Checkpoint.read(data: bytes, maxBatch: 40_000) }
        // What a writer records for a batch beyond what the reader allows.
        #expect(Checkpoint.largestBatch(widestRow: 16_384) == 32_768)
        #expect(Checkpoint.largestBatch(widestRow: 9) == Checkpoint.maximumBatch)
        #expect(Checkpoint.largestBatch(widestRow: 1 << 30) == 0)
    }

    @Test func nonFiniteValuesAreRefusedNamingTheTensor() throws {
        let (checkpoint, bytes) = try Self.sample()
        let file = try SafeTensors(bytes: bytes, path: "nan")
        let range = try #require(file.entries["target.optimizer.momentum"] ?? file.entries.first { $0.key.hasPrefix("target.optimizer.") }?.value).byteRange
        let name = try #require(file.entries.first { $0.value.byteRange == range }?.key)
        var poisoned = bytes
        let start = bytes.count - file.data.count + range.lowerBound + 4
        withUnsafeBytes(of: Float.nan.bitPattern.littleEndian) { poisoned.replaceSubrange(start..<(start + 4), with: $0) }
        guard case .invalidField(_, let field, let value, _)? = error(try CheckpointBytes.resigned(poisoned)) else {
            Issue.record("a NaN moment was accepted"); return
        }
        #expect(field == "tensor \(name)" && value.hasSuffix("at element 1"))
        // Writing one is refused too.
        let network = try #require(checkpoint.item(named: "online")).network
        network.parameters.values[0] = .infinity
        let url = Fixtures.temporaryFile("inf.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: CheckpointError.self) { try checkpoint.write(to: url) }
    }

    // MARK: Python's safetensors writer

    func python(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 with numpy and safetensors is needed (make setup installs them): \(message)")
    }

    /// Offsets by tensor name, to show a re-saved file is laid out differently.
    func offsets(_ bytes: Data) throws -> [String: Range<Int>] {
        try SafeTensors(bytes: bytes, path: "layout").entries.mapValues(\.byteRange)
    }

    @Test func aFileResavedByPythonLoadsVerified() throws {
        let (original, bytes) = try Self.sample()
        let source = Fixtures.temporaryFile("engine.safetensors"), target = Fixtures.temporaryFile("resaved.safetensors")
        defer { for url in [source, target] { try? FileManager.default.removeItem(at: url) } }
        try bytes.write(to: source)
        try python([Fixtures.url("resave_with_python.py").path, source.path, target.path])
        let resaved = try Data(contentsOf: target)
        #expect(try offsets(resaved) != offsets(bytes))
        let loaded = try Checkpoint.read(from: target)
        #expect(loaded.verification == .whole)
        #expect(loaded.metadata == original.metadata)
        #expect(tensorBits(loaded) == tensorBits(original))
    }

    /// The committed pair: `engine_checkpoint.safetensors` (this engine) and
    /// `python_resaved_checkpoint.safetensors` (that file through Python's `safetensors`).
    @Test func theResavedFixtureLoadsVerifiedWithIdenticalTensors() throws {
        let engineURL = Fixtures.url("engine_checkpoint.safetensors")
        if ProcessInfo.processInfo.environment["RECORL_WRITE_FIXTURES"] == "1" {
            try Self.sample().bytes.write(to: engineURL)
            try python([Fixtures.url("resave_with_python.py").path])
        }
        let engine = try Checkpoint.read(from: engineURL)
        let resavedBytes = try Data(contentsOf: Fixtures.url("python_resaved_checkpoint.safetensors"))
        #expect(try offsets(resavedBytes) != offsets(try Data(contentsOf: engineURL)))
        let resaved = try Checkpoint.read(data: resavedBytes)
        #expect(engine.verification == .whole && resaved.verification == .whole)
        #expect(resaved.metadata == engine.metadata && resaved.metadata["note"] == "ünïcode ✓")
        #expect(tensorBits(resaved) == tensorBits(engine))
        #expect(resaved.items.map(\.network.specs) == engine.items.map(\.network.specs))
    }
}
