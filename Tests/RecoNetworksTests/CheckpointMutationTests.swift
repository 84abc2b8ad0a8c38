import Foundation
import Testing
@testable import RecoNetworks
import RecoTensor

/// Damages a real checkpoint (two networks with optimiser state and metadata) in many deterministic
/// ways and requires of every mutant: `Checkpoint.read` throws a `CheckpointError` (it never traps or
/// throws anything else), or it loads a checkpoint identical to the original: verified whole, every
/// tensor bit-identical, same architectures and metadata.
///
/// Removing the `checksum` of a version-2 file is refused (a version-2 file always has one), as is
/// keeping it under a downgraded `format_version` of 1; only version-1 files without a checksum, which
/// other tools write, load unverified.
@Suite struct CheckpointMutationTests {
    struct Outcome {
        var refused = 0
        var loaded = 0
        var failures: [String] = []
    }

    let original: Checkpoint
    let bytes: Data
    let headerEnd: Int

    init() throws {
        (original, bytes) = try CheckpointVerificationTests.sample()
        headerEnd = 8 + CheckpointBytes.headerLength(bytes)
    }

    func check(_ mutant: Data, _ label: String, into outcome: inout Outcome) {
        do {
            let loaded = try Checkpoint.read(data: mutant, path: "mutant")
            outcome.loaded += 1
            let same = loaded.verification == .whole && loaded.metadata == original.metadata
                && tensorBits(loaded) == tensorBits(original)
                && loaded.entries.map(\.name) == original.entries.map(\.name)
                && loaded.items.map(\.network.specs) == original.items.map(\.network.specs)
                && loaded.items.map(\.network.maxBatch) == original.items.map(\.network.maxBatch)
                && loaded.items.map { $0.optimizer?.stepCount } == original.items.map { $0.optimizer?.stepCount }
            if !same { outcome.failures.append("\(label): loaded a different checkpoint (verification \(loaded.verification))") }
        } catch is CheckpointError {
            outcome.refused += 1
        } catch {
            outcome.failures.append("\(label): threw \(type(of: error)) \(error)")
        }
    }

    func report(_ outcome: Outcome, _ kind: String, minimum: Int) {
        #expect(outcome.failures.isEmpty, "\(kind): \(outcome.failures.prefix(10).joined(separator: "\n"))")
        #expect(outcome.refused + outcome.loaded >= minimum, "\(kind): only \(outcome.refused + outcome.loaded) mutants")
        print("\(kind): \(outcome.refused) refused, \(outcome.loaded) loaded identical")
    }

    @Test func theUnmodifiedFileLoadsIdentical() {
        var outcome = Outcome()
        check(bytes, "original", into: &outcome)
        #expect(outcome.loaded == 1 && outcome.failures.isEmpty)
    }

    @Test func truncationsAreRefused() {
        var outcome = Outcome()
        var cuts = Set(stride(from: 0, to: bytes.count, by: 3))
        for edge in [8, headerEnd - 1, headerEnd, headerEnd + 1, bytes.count - 4, bytes.count - 1] { cuts.insert(edge) }
        for cut in cuts.sorted() { check(bytes.prefix(cut), "cut at \(cut)", into: &outcome) }
        #expect(outcome.loaded == 0)
        report(outcome, "truncations", minimum: bytes.count / 3)
    }

    @Test func singleBitFlipsInTheHeader() {
        var outcome = Outcome()
        for position in 0..<headerEnd {
            for bit in Set([position % 8, (position * 5 + 3) % 8]) {
                var mutant = bytes
                mutant[position] ^= UInt8(1) << UInt8(bit)
                check(mutant, "header byte \(position) bit \(bit)", into: &outcome)
            }
        }
        report(outcome, "header bit flips", minimum: headerEnd)
    }

    @Test func singleBitFlipsInTheData() {
        var outcome = Outcome()
        for position in headerEnd..<bytes.count {
            var mutant = bytes
            mutant[position] ^= UInt8(1) << UInt8((position * 3) % 8)
            check(mutant, "data byte \(position)", into: &outcome)
        }
        #expect(outcome.loaded == 0)
        report(outcome, "data bit flips", minimum: bytes.count - headerEnd)
    }

    /// Header edits that keep the file valid safetensors: each must be caught.
    @Test func structuralEditsAreRefused() throws {
        var outcome = Outcome()
        let header = try CheckpointBytes.header(bytes)
        let names = header.keys.filter { $0 != "__metadata__" }.sorted()
        func edit(_ label: String, _ change: (inout [String: Any]) -> Void) throws {
            check(try CheckpointBytes.editingHeader(bytes, change), label, into: &outcome)
        }
        func entry(_ header: [String: Any], _ name: String) -> [String: Any] { header[name] as! [String: Any] }

        // Swapped offsets of every pair of same-shaped, same-dtype tensors.
        for (i, a) in names.enumerated() {
            for b in names[(i + 1)...] where (entry(header, a)["shape"] as! [Int]) == (entry(header, b)["shape"] as! [Int]) {
                try edit("swap \(a) and \(b)") { h in
                    var x = entry(h, a), y = entry(h, b)
                    (x["data_offsets"], y["data_offsets"]) = (y["data_offsets"], x["data_offsets"])
                    h[a] = x
                    h[b] = y
                }
            }
        }
        for name in names {
            let shape = entry(header, name)["shape"] as! [Int]
            var shapes: [[Int]] = [shape.reversed(), [shape.reduce(1, *)], shape + [1], [1] + shape, [1 << 61],
                                   [Int(Int32.max), Int(Int32.max), 4], [0], [-1]]
            if shape.count == 2 { shapes.append([shape[0] * shape[1] / 2, 2].filter { _ in shape[0] * shape[1] % 2 == 0 }) }
            for edited in shapes where edited != shape && !edited.isEmpty {
                try edit("\(name) shape \(edited)") { h in var e = entry(h, name); e["shape"] = edited; h[name] = e }
            }
            for dtype in ["I32", "U32", "F16", "F64", "BF16", "F33", ""] {
                try edit("\(name) dtype \(dtype)") { h in var e = entry(h, name); e["dtype"] = dtype; h[name] = e }
            }
            try edit("\(name) renamed") { h in h["\(name)x"] = h[name]; h[name] = nil }
            try edit("\(name) removed") { h in h[name] = nil }
            try edit("\(name) offsets shifted") { h in
                var e = entry(h, name)
                let offsets = e["data_offsets"] as! [Int]
                e["data_offsets"] = [offsets[0] + 4, offsets[1] + 4]
                h[name] = e
            }
        }
        // Metadata: every key removed, changed, and a key added.
        let metadata = header["__metadata__"] as! [String: String]
        for key in metadata.keys.sorted() {
            try edit("metadata \(key) removed") { h in var m = h["__metadata__"] as! [String: String]; m[key] = nil; h["__metadata__"] = m }
            try edit("metadata \(key) changed") { h in var m = h["__metadata__"] as! [String: String]; m[key]! += " "; h["__metadata__"] = m }
        }
        try edit("metadata added") { h in var m = h["__metadata__"] as! [String: String]; m["extra"] = "1"; h["__metadata__"] = m }
        try edit("format_version 1") { h in var m = h["__metadata__"] as! [String: String]; m["format_version"] = "1"; h["__metadata__"] = m }
        try edit("format_version 3") { h in var m = h["__metadata__"] as! [String: String]; m["format_version"] = "3"; h["__metadata__"] = m }
        let networks = metadata["networks"]!
        for (from, to) in [("\"relu\"", "\"tanh\""), ("\"tanh\"", "\"sigmoid\""), ("\"outputs\":8", "\"outputs\":9"),
                           ("\"maxBatch\":16", "\"maxBatch\":17"), ("\"optimizerSteps\":3", "\"optimizerSteps\":4"),
                           ("\"name\":\"online\"", "\"name\":\"target\""), ("0.01", "0.02")] {
            try edit("networks \(from) -> \(to)") { h in
                var m = h["__metadata__"] as! [String: String]
                m["networks"] = networks.replacingOccurrences(of: from, with: to)
                h["__metadata__"] = m
            }
        }
        // Rewritten without any change: the same checkpoint, whatever the header's key order or spacing.
        try edit("unchanged") { _ in }
        #expect(outcome.loaded == 1, "only the unchanged rewrite may load")
        report(outcome, "structural edits", minimum: 200)
    }
}
