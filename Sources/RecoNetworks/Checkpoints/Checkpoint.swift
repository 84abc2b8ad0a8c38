import Foundation
import RecoTensor

/// Saved models with their optimiser state, in one safetensors file.
///
/// The file holds everything needed to rebuild each model and resume training bit-identically:
/// parameters (tensors `<model>.<tensor>`: for a network `<model>.<layer>.<name>`, PyTorch's
/// `nn.Sequential` naming under a prefix), optimiser moments (`<model>.optimizer.<buffer>`, flat), and
/// in `__metadata__` the architecture, the maximum batch, the optimiser's hyper-parameters and step
/// count, a `checksum` (SHA-256) of every metadata entry and every tensor's name, dtype, shape and
/// bytes in name order (`CheckpointChecksum`; independent of the byte layout, so a file re-saved by
/// another safetensors writer still verifies), and any strings the caller adds (for example an agent's
/// hyper-parameters). Other tools read it as an ordinary safetensors file. Version-1 files (a CRC-32
/// of the data section, or no checksum) still load; `verification` says what was checked.
///
/// A model is any named parameter store with a way to rebuild it (`Model`): a `SequentialNetwork`, a
/// `MultiInputNetwork`, or a bare `ParameterStore`. `items` views the sequential networks, the common
/// case; `entries` holds every model.
public struct Checkpoint {
    /// What one entry saves: its parameters and what rebuilds them.
    public enum Model {
        /// A feed-forward network, rebuilt from its layer specs and input.
        case network(SequentialNetwork)
        /// A network over several inputs, rebuilt from its branches and trunk.
        case multiInput(MultiInputNetwork)
        /// Parameters trained outside a network (for example a temperature), rebuilt from tensor shapes.
        case parameters(ParameterStore)

        /// The parameters written to and read from the file.
        public var parameters: ParameterStore {
            switch self {
            case let .network(network): return network.parameters
            case let .multiInput(network): return network.parameters
            case let .parameters(store): return store
            }
        }
    }

    /// One saved model and, optionally, the optimiser that trains it.
    public struct Entry {
        /// Name of the model within the file.
        public let name: String
        /// The model.
        public let model: Model
        /// The optimiser whose state is saved with it.
        public let optimizer: Optimizer?

        /// An entry saving `model` as `name`, with `optimizer`'s state when given.
        public init(name: String, model: Model, optimizer: Optimizer? = nil) {
            self.name = name
            self.model = model
            self.optimizer = optimizer
        }
    }

    /// One saved `SequentialNetwork` and, optionally, the optimiser that trains it: the entries whose
    /// model is `.network`, typed for callers that save and load plain networks.
    public struct Item {
        /// Name of the network within the file (`online`, `target`, `actor`, ...).
        public let name: String
        /// The network.
        public let network: SequentialNetwork
        /// The optimiser whose state is saved with it.
        public let optimizer: Optimizer?

        /// An item saving `network` as `name`, with `optimizer`'s state when given.
        public init(name: String, network: SequentialNetwork, optimizer: Optimizer? = nil) {
            self.name = name
            self.network = network
            self.optimizer = optimizer
        }
    }

    /// Value of the `format` metadata entry.
    public static let formatName = "recorl-checkpoint"
    /// Version of this layout; readers reject versions they do not know. Version 2 records a
    /// `checksum` of the whole content (`CheckpointChecksum`); version 1 (still read) an optional
    /// `data_crc32` of the data section only.
    public static let formatVersion = 2
    /// Versions `read` accepts.
    public static let readableVersions = [1, 2]
    static let reservedKeys: Set<String> = ["format", "format_version", "networks", "data_crc32", CheckpointChecksum.key]
    /// The middle part of optimiser tensor names, `<model>.optimizer.<buffer>`.
    static let optimizerTensorPrefix = "optimizer"

    /// How much of a checkpoint read from a file was checked against a checksum it records.
    public enum Verification: String, Equatable, Sendable {
        /// A version-2 file: its `checksum` over every metadata entry and every tensor's name, dtype,
        /// shape and bytes matched, so the file is exactly what was written.
        case whole
        /// A version-1 file: its `data_crc32` of the data section matched; the header was not covered.
        case dataOnly
        /// A version-1 file without a checksum (written by another tool), or a checkpoint made in
        /// memory: nothing was verified.
        case unverified
    }

    /// Every model, in file order.
    public var entries: [Entry]
    /// Caller metadata (keys other than the reserved `format`, `format_version`, `networks`,
    /// `data_crc32`, `checksum`).
    public var metadata: [String: String]
    /// What `read` verified (`.unverified` for a checkpoint made in memory).
    public let verification: Verification
    /// Whether the whole file was verified against its checksum (`verification == .whole`); when not,
    /// a command line should say so.
    public var isVerified: Bool { verification == .whole }

    /// A checkpoint of `entries` (models of any kind).
    public init(entries: [Entry], metadata: [String: String] = [:]) {
        self.init(entries: entries, metadata: metadata, verification: .unverified)
    }

    init(entries: [Entry], metadata: [String: String], verification: Verification) {
        self.entries = entries
        self.metadata = metadata
        self.verification = verification
    }

    /// A checkpoint of sequential networks.
    public init(items: [Item], metadata: [String: String] = [:]) {
        self.init(entries: items.map { Entry(name: $0.name, model: .network($0.network), optimizer: $0.optimizer) },
                  metadata: metadata)
    }

    /// The sequential networks, in file order.
    public var items: [Item] {
        entries.compactMap { entry in
            guard case let .network(network) = entry.model else { return nil }
            return Item(name: entry.name, network: network, optimizer: entry.optimizer)
        }
    }

    /// The sequential network called `name`.
    public func item(named name: String) -> Item? { items.first { $0.name == name } }

    /// The model called `name`, of any kind.
    public func entry(named name: String) -> Entry? { entries.first { $0.name == name } }

    /// Writes the checkpoint to `url` (atomically).
    public func write(to url: URL) throws {
        if let clash = metadata.keys.first(where: Checkpoint.reservedKeys.contains) {
            throw CheckpointError.invalidField(path: url.path, field: "metadata key", value: clash,
                                               expected: "a key other than \(Checkpoint.reservedKeys.sorted())")
        }
        var tensors: [SafeTensors.Tensor] = []
        var records: [ModelRecord] = []
        var names = Set<String>()
        func add(_ tensor: SafeTensors.Tensor) throws {
            guard names.insert(tensor.name).inserted else {
                throw CheckpointError.invalidField(path: url.path, field: "tensor name", value: tensor.name,
                                                   expected: "a name no other model or optimiser in the checkpoint uses")
            }
            tensors.append(tensor)
        }
        for entry in entries {
            let store = entry.model.parameters
            for tensor in store.tensors {
                try add(SafeTensors.Tensor(
                    name: "\(entry.name).\(tensor.name)", shape: tensor.shape,
                    values: UnsafeBufferPointer(rebasing: store.values[tensor.offset..<(tensor.offset + tensor.count)])))
            }
            if let optimizer = entry.optimizer {
                for (bufferName, buffer) in optimizer.stateBuffers {
                    try add(SafeTensors.Tensor(name: "\(entry.name).\(Checkpoint.optimizerTensorPrefix).\(bufferName)",
                                               shape: [buffer.count], values: UnsafeBufferPointer(buffer)))
                }
            }
            records.append(ModelRecord(entry))
        }
        // What cannot be read back is refused here: non-finite values, sizes beyond the limits. A
        // batch beyond what the reader allows is recorded as the largest it allows (callers enlarge
        // workspaces with `withWorkspaces(for:)` after loading).
        for tensor in tensors { try Checkpoint.requireFinite(tensor.values, name: tensor.name, path: url.path) }
        for index in records.indices {
            let shape = try records[index].preflight(index: index, path: url.path)
            if let saved = records[index].maxBatch {
                let largest = Checkpoint.largestBatch(widestRow: shape.widestRow)
                guard largest >= 1 else {
                    throw CheckpointError.invalidField(path: url.path, field: "network \(records[index].name)", value: "rows of \(shape.widestRow) floats",
                                                       expected: "samples within \(Checkpoint.maximumWorkspaceBytes) bytes")
                }
                records[index].maxBatch = min(saved, largest)
            }
        }
        var allMetadata = metadata
        allMetadata["format"] = Checkpoint.formatName
        allMetadata["format_version"] = String(Checkpoint.formatVersion)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        allMetadata["networks"] = String(decoding: try encoder.encode(records), as: UTF8.self)
        allMetadata[CheckpointChecksum.key] = Checkpoint.checksum(of: tensors, metadata: allMetadata)
        try SafeTensors.writeAtomically(try SafeTensors.encode(tensors, metadata: allMetadata), to: url)
    }

    /// The checksum of `tensors` (F32) with `metadata`, as `read` recomputes it from the file.
    static func checksum(of tensors: [SafeTensors.Tensor], metadata: [String: String]) -> String {
        #if _endian(big)
        var all = Data()
        for tensor in tensors {
            for value in tensor.values { withUnsafeBytes(of: value.bitPattern.littleEndian) { all.append(contentsOf: $0) } }
        }
        return all.withUnsafeBytes { raw in
            var offset = 0
            return CheckpointChecksum.compute(metadata: metadata, tensors: tensors.map { tensor in
                defer { offset += tensor.values.count * 4 }
                return .init(name: tensor.name, dtype: "F32", shape: tensor.shape,
                             bytes: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + tensor.values.count * 4)]))
            })
        }
        #else
        return CheckpointChecksum.compute(metadata: metadata, tensors: tensors.map {
            .init(name: $0.name, dtype: "F32", shape: $0.shape, bytes: UnsafeRawBufferPointer($0.values))
        })
        #endif
    }

    /// Throws unless every value is finite, naming the tensor and the first bad element.
    static func requireFinite<C: Collection>(_ values: C, name: String, path: String) throws where C.Element == Float {
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            let position = values.distance(from: values.startIndex, to: index)
            throw CheckpointError.invalidField(path: path, field: "tensor \(name)", value: "\(values[index]) at element \(position)",
                                               expected: "finite values in every weight and optimiser moment")
        }
    }

    /// Reads a checkpoint written by `write(to:)`, rebuilding every model and optimiser from the file
    /// alone. `maxBatch` overrides the saved maximum batch of every network when given. Everything in
    /// the file is checked before it is used (see `Checkpoint.maximumBatch` and the other limits);
    /// `verification` says what the checksum covered.
    public static func read(from url: URL, maxBatch: Int? = nil) throws -> Checkpoint {
        try read(SafeTensors(contentsOf: url), maxBatch: maxBatch)
    }

    /// Reads a checkpoint from the bytes of a file; `path` names it in errors.
    public static func read(data: Data, path: String = "(in memory)", maxBatch: Int? = nil) throws -> Checkpoint {
        try read(SafeTensors(bytes: data, path: path), maxBatch: maxBatch)
    }

    static func read(_ file: SafeTensors, maxBatch: Int?) throws -> Checkpoint {
        let path = file.path
        guard file.metadata["format"] == formatName else {
            throw CheckpointError.invalidField(path: path, field: "__metadata__.format", value: file.metadata["format"] ?? "nothing",
                                               expected: formatName)
        }
        guard let versionText = file.metadata["format_version"], let version = Int(versionText),
              readableVersions.contains(version), String(version) == versionText else {
            throw CheckpointError.invalidField(path: path, field: "__metadata__.format_version",
                                               value: file.metadata["format_version"] ?? "nothing",
                                               expected: readableVersions.map(String.init).joined(separator: " or "))
        }
        if let maxBatch, !(1...maximumBatch).contains(maxBatch) {
            throw CheckpointError.invalidField(path: path, field: "maxBatch", value: "\(maxBatch)", expected: "1...\(maximumBatch)")
        }
        // Decoding the records allocates only in proportion to the header; a kind this program does
        // not know is reported as such even when the checksum would also fail.
        let records = try ModelRecord.decodeList(file.metadata["networks"], path: path)
        let verification: Verification
        if version >= 2 {
            guard let expected = file.metadata[CheckpointChecksum.key] else {
                throw CheckpointError.invalidField(path: path, field: "__metadata__.\(CheckpointChecksum.key)", value: "nothing",
                                                   expected: "the checksum every version-\(version) file records")
            }
            guard CheckpointChecksum.isWellFormed(expected) else {
                throw CheckpointError.invalidField(path: path, field: "__metadata__.\(CheckpointChecksum.key)", value: expected,
                                                   expected: "\(CheckpointChecksum.prefix) and 64 lowercase hexadecimal digits")
            }
            let actual = CheckpointChecksum.compute(file)
            guard actual == expected else {
                throw CheckpointError.corruptedData(path: path, expectedChecksum: expected, actualChecksum: actual)
            }
            verification = .whole
        } else if let stray = file.metadata[CheckpointChecksum.key] {
            // Version 1 never had a checksum: a file claiming version 1 with one was edited (a downgrade
            // would otherwise skip the checksum).
            throw CheckpointError.invalidField(path: path, field: "__metadata__.\(CheckpointChecksum.key)", value: stray,
                                               expected: "absent in a version-1 file (version 2 introduced it)")
        } else if let expected = file.metadata["data_crc32"] {
            let actual = file.data.withUnsafeBytes { CRC32.hex($0) }
            guard actual == expected else {
                throw CheckpointError.corruptedData(path: path, expectedChecksum: expected, actualChecksum: actual)
            }
            verification = .dataOnly
        } else {
            verification = .unverified
        }

        var seenNames = Set<String>()
        var expectedNames = Set<String>()
        var entries: [Entry] = []
        for (index, record) in records.enumerated() {
            let field = "__metadata__.networks[\(index)]"
            guard seenNames.insert(record.name).inserted else {
                throw CheckpointError.invalidField(path: path, field: field + ".name", value: record.name,
                                                   expected: "a name no other model in the checkpoint uses")
            }
            if let saved = record.maxBatch, !(1...maximumBatch).contains(saved) {
                throw CheckpointError.invalidField(path: path, field: field + ".maxBatch", value: "\(saved)",
                                                   expected: "1...\(maximumBatch)")
            }
            if let steps = record.optimizerSteps, !(0...maximumOptimizerSteps).contains(steps) {
                throw CheckpointError.invalidField(path: path, field: field + ".optimizerSteps", value: "\(steps)",
                                                   expected: "0...\(maximumOptimizerSteps)")
            }
            // Before anything is allocated: sizes within the limits, every declared tensor present with
            // its shape (so the parameters fit in the file), workspaces within the limit.
            let shape = try record.preflight(index: index, path: path)
            var declared = 0
            for parameter in shape.parameters {
                var count = 1, overflow = false
                for dimension in parameter.shape {
                    let (product, o) = count.multipliedReportingOverflow(by: dimension)
                    count = product
                    overflow = overflow || o
                }
                let (sum, o) = declared.addingReportingOverflow(count)
                guard !overflow, !o, sum <= file.data.count / 4 else {
                    throw CheckpointError.invalidField(
                        path: path, field: field, value: "tensor \(record.name).\(parameter.name) of shape \(parameter.shape) among its parameters",
                        expected: "parameters that fit in the \(file.data.count / 4) float32 values the file holds")
                }
                declared = sum
            }
            if let rows = maxBatch ?? record.maxBatch, record.model != ModelRecord.parametersModel {
                let largest = largestBatch(widestRow: shape.widestRow)
                guard rows <= largest else {
                    throw CheckpointError.invalidField(
                        path: path, field: maxBatch == nil ? field + ".maxBatch" : "maxBatch", value: "\(rows)",
                        expected: "at most \(largest) for samples of \(shape.widestRow) floats (maxBatch x widest row x 4 bytes within \(maximumWorkspaceBytes) bytes per workspace)")
                }
            }
            let model = try record.rebuild(index: index, maxBatch: maxBatch, path: path)
            let store = model.parameters
            for tensor in store.tensors {
                let name = "\(record.name).\(tensor.name)"
                expectedNames.insert(name)
                let values = try file.floats(name, shape: tensor.shape)
                try requireFinite(values, name: name, path: path)
                values.withUnsafeBufferPointer {
                    (store.values.baseAddress! + tensor.offset).update(from: $0.baseAddress!, count: tensor.count)
                }
            }
            var optimizer: Optimizer?
            if let configuration = record.optimizer {
                let made = configuration.makeOptimizer(parameterCount: store.count)
                made.stepCount = record.optimizerSteps ?? 0
                for (bufferName, buffer) in made.stateBuffers {
                    let name = "\(record.name).\(optimizerTensorPrefix).\(bufferName)"
                    expectedNames.insert(name)
                    let values = try file.floats(name, shape: [buffer.count])
                    try requireFinite(values, name: name, path: path)
                    _ = buffer.update(from: values)
                }
                optimizer = made
            }
            entries.append(Entry(name: record.name, model: model, optimizer: optimizer))
        }
        if let extra = file.entries.keys.sorted().first(where: { !expectedNames.contains($0) }) {
            throw CheckpointError.mismatch(path: path, detail: "tensor \(extra) does not belong to the recorded architecture")
        }
        let callerMetadata = file.metadata.filter { !reservedKeys.contains($0.key) }
        return Checkpoint(entries: entries, metadata: callerMetadata, verification: verification)
    }
}
