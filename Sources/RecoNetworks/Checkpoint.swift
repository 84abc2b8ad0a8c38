import Foundation
import RecoTensor

/// Saved networks with their optimiser state, in one safetensors file.
///
/// The file holds everything needed to rebuild each network and resume training bit-identically:
/// parameters (tensors `<network>.<layer>.<name>`, PyTorch's `nn.Sequential` naming under a prefix),
/// optimiser moments (`<network>.optimizer.<buffer>`, flat), and in `__metadata__` the architecture,
/// the maximum batch, the optimiser's hyper-parameters and step count, a CRC-32 of the data section,
/// and any strings the caller adds (for example an agent's hyper-parameters). Other tools read it as
/// an ordinary safetensors file.
public struct Checkpoint {
    /// One saved network and, optionally, the optimiser that trains it.
    public struct Item {
        /// Name of the network within the file (`online`, `target`, `actor`, ...).
        public let name: String
        public let network: SequentialNetwork
        public let optimizer: Optimizer?

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

    /// The networks, in file order.
    public var items: [Item]
    /// Caller metadata (keys other than the reserved `format`, `format_version`, `networks`,
    /// `data_crc32`).
    public var metadata: [String: String]

    public init(items: [Item], metadata: [String: String] = [:]) {
        self.items = items
        self.metadata = metadata
    }

    /// The item called `name`.
    public func item(named name: String) -> Item? { items.first { $0.name == name } }

    /// What the `networks` metadata entry records per network.
    struct NetworkRecord: Codable {
        var name: String
        var maxBatch: Int
        var layers: [LayerSpec]
        var optimizer: OptimizerConfiguration?
        var optimizerSteps: Int?
    }

    /// Writes the checkpoint to `url` (atomically).
    public func write(to url: URL) throws {
        if let clash = metadata.keys.first(where: Checkpoint.reservedKeys.contains) {
            throw CheckpointError.invalidField(path: url.path, field: "metadata key", value: clash,
                                               expected: "a key other than \(Checkpoint.reservedKeys.sorted())")
        }
        var tensors: [SafeTensors.Tensor] = []
        var records: [NetworkRecord] = []
        for item in items {
            let store = item.network.parameters
            for tensor in store.tensors {
                tensors.append(SafeTensors.Tensor(
                    name: "\(item.name).\(tensor.name)", shape: tensor.shape,
                    values: UnsafeBufferPointer(rebasing: store.values[tensor.offset..<(tensor.offset + tensor.count)])))
            }
            if let optimizer = item.optimizer {
                for (bufferName, buffer) in optimizer.stateBuffers {
                    tensors.append(SafeTensors.Tensor(name: "\(item.name).optimizer.\(bufferName)", shape: [buffer.count],
                                                      values: UnsafeBufferPointer(buffer)))
                }
            }
            records.append(NetworkRecord(name: item.name, maxBatch: item.network.maxBatch, layers: item.network.specs,
                                         optimizer: item.optimizer?.configuration,
                                         optimizerSteps: item.optimizer?.stepCount))
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

    /// Reads a checkpoint written by `write(to:)`, rebuilding every network and optimiser from the file
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
        let records: [NetworkRecord]
        do {
            records = try JSONDecoder().decode([NetworkRecord].self, from: Data((file.metadata["networks"] ?? "").utf8))
        } catch {
            throw CheckpointError.invalidField(path: path, field: "__metadata__.networks", value: file.metadata["networks"] ?? "nothing",
                                               expected: "a JSON list of network records (name, maxBatch, layers, optimizer)")
        }
        var expectedNames = Set<String>()
        var items: [Item] = []
        for record in records {
            var unused = RandomGenerator(seed: 0)
            let network: SequentialNetwork
            do {
                network = try SequentialNetwork(record.layers, maxBatch: maxBatch ?? record.maxBatch, generator: &unused)
            } catch let error as NetworkError {
                throw CheckpointError.mismatch(path: path, detail: "network \(record.name): \(error)")
            }
            let store = network.parameters
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
                    let name = "\(record.name).optimizer.\(bufferName)"
                    expectedNames.insert(name)
                    let values = try file.floats(name, shape: [buffer.count])
                    _ = buffer.update(from: values)
                }
                optimizer = made
            }
            items.append(Item(name: record.name, network: network, optimizer: optimizer))
        }
        if let extra = file.entries.keys.sorted().first(where: { !expectedNames.contains($0) }) {
            throw CheckpointError.mismatch(path: path, detail: "tensor \(extra) does not belong to the recorded architecture")
        }
        let callerMetadata = file.metadata.filter { !reservedKeys.contains($0.key) }
        return Checkpoint(items: items, metadata: callerMetadata)
    }
}
