import Foundation
import RecoTensor

/// Saved models with their optimiser state, in one safetensors file.
///
/// The file holds everything needed to rebuild each model and resume training bit-identically:
/// parameters (tensors `<model>.<tensor>`: for a network `<model>.<layer>.<name>`, PyTorch's
/// `nn.Sequential` naming under a prefix), optimiser moments (`<model>.optimizer.<buffer>`, flat), and
/// in `__metadata__` the architecture, the maximum batch, the optimiser's hyper-parameters and step
/// count, a CRC-32 of the data section, and any strings the caller adds (for example an agent's
/// hyper-parameters). Other tools read it as an ordinary safetensors file.
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
    /// Version of this layout; readers reject versions they do not know.
    public static let formatVersion = 1
    static let reservedKeys: Set<String> = ["format", "format_version", "networks", "data_crc32"]
    /// The middle part of optimiser tensor names, `<model>.optimizer.<buffer>`.
    static let optimizerTensorPrefix = "optimizer"

    /// Every model, in file order.
    public var entries: [Entry]
    /// Caller metadata (keys other than the reserved `format`, `format_version`, `networks`,
    /// `data_crc32`).
    public var metadata: [String: String]

    /// A checkpoint of `entries` (models of any kind).
    public init(entries: [Entry], metadata: [String: String] = [:]) {
        self.entries = entries
        self.metadata = metadata
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
        var allMetadata = metadata
        allMetadata["format"] = Checkpoint.formatName
        allMetadata["format_version"] = String(Checkpoint.formatVersion)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        allMetadata["networks"] = String(decoding: try encoder.encode(records), as: UTF8.self)
        // The data section is the tensors' bytes in order, so its checksum is known before encoding.
        var crc = CRC32()
        for tensor in tensors { crc.update(UnsafeRawBufferPointer(tensor.values)) }
        allMetadata["data_crc32"] = crc.hex
        try SafeTensors.writeAtomically(try SafeTensors.encode(tensors, metadata: allMetadata), to: url)
    }

    /// Reads a checkpoint written by `write(to:)`, rebuilding every model and optimiser from the file
    /// alone. `maxBatch` overrides the saved maximum batch of every network when given.
    public static func read(from url: URL, maxBatch: Int? = nil) throws -> Checkpoint {
        let file = try SafeTensors(contentsOf: url)
        let path = url.path
        guard file.metadata["format"] == formatName else {
            throw CheckpointError.invalidField(path: path, field: "__metadata__.format", value: file.metadata["format"] ?? "nothing",
                                               expected: formatName)
        }
        guard file.metadata["format_version"] == String(formatVersion) else {
            throw CheckpointError.invalidField(path: path, field: "__metadata__.format_version",
                                               value: file.metadata["format_version"] ?? "nothing", expected: String(formatVersion))
        }
        if let expected = file.metadata["data_crc32"] {
            let actual = file.data.withUnsafeBytes { CRC32.hex($0) }
            guard actual == expected else {
                throw CheckpointError.corruptedData(path: path, expectedChecksum: expected, actualChecksum: actual)
            }
        }
        let records = try ModelRecord.decodeList(file.metadata["networks"], path: path)
        var expectedNames = Set<String>()
        var entries: [Entry] = []
        for (index, record) in records.enumerated() {
            let model = try record.rebuild(index: index, maxBatch: maxBatch, path: path)
            let store = model.parameters
            for tensor in store.tensors {
                let name = "\(record.name).\(tensor.name)"
                expectedNames.insert(name)
                let values = try file.floats(name, shape: tensor.shape)
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
        return Checkpoint(entries: entries, metadata: callerMetadata)
    }
}
