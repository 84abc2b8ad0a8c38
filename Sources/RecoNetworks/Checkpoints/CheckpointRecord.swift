import Foundation
import RecoTensor

/// What the `networks` metadata entry of a checkpoint records per model. Files written before models
/// other than sequential networks existed hold only `name`, `maxBatch`, `layers` and the optimiser
/// fields; every other field is optional and absent for them.
struct ModelRecord: Codable {
    /// Values of `model`; absent means a sequential network.
    static let multiInputModel = "multiInput"
    static let parametersModel = "parameters"

    /// A tensor of a bare parameter store.
    struct TensorRecord: Codable {
        var name: String
        var shape: [Int]
    }

    var name: String
    var model: String?
    var maxBatch: Int?
    /// A sequential network's layers.
    var layers: [LayerSpec]?
    /// A sequential network's input, when it is not the one its first layer implies.
    var input: InputShape?
    /// A multi-input network's branches and trunk.
    var branches: [NetworkBranch]?
    var trunk: [LayerSpec]?
    /// A bare parameter store's tensors.
    var tensors: [TensorRecord]?
    var optimizer: OptimizerConfiguration?
    var optimizerSteps: Int?

    /// The record of `entry`.
    init(_ entry: Checkpoint.Entry) {
        name = entry.name
        optimizer = entry.optimizer?.configuration
        optimizerSteps = entry.optimizer?.stepCount
        switch entry.model {
        case let .network(network):
            maxBatch = network.maxBatch
            layers = network.specs
            if network.specs.first?.kind.impliedInput != network.input { input = network.input }
        case let .multiInput(network):
            model = Self.multiInputModel
            maxBatch = network.maxBatch
            branches = network.branches
            trunk = network.trunk
        case let .parameters(store):
            model = Self.parametersModel
            tensors = store.tensors.map { TensorRecord(name: $0.name, shape: $0.shape) }
        }
    }

    /// Decodes the `networks` metadata entry, naming where it fails to decode.
    static func decodeList(_ text: String?, path: String) throws -> [ModelRecord] {
        let field = "__metadata__.networks"
        do {
            return try JSONDecoder().decode([ModelRecord].self, from: Data((text ?? "").utf8))
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw CheckpointError.invalidField(path: path, field: field + describe(context.codingPath),
                                               value: context.debugDescription, expected: "a value this program decodes (layer kinds registered in LayerRegistry.shared)")
        } catch {
            throw CheckpointError.invalidField(path: path, field: field, value: text ?? "nothing",
                                               expected: "a JSON list of network records (name, maxBatch, layers, optimizer)")
        }
    }

    /// `[0].layers[2].gru` for a coding path.
    private static func describe(_ codingPath: [CodingKey]) -> String {
        codingPath.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
    }

    /// Builds the model this record describes (zeroed parameters, to be read from the file), with
    /// workspaces for `maxBatch` samples when given, else the saved maximum.
    func rebuild(index: Int, maxBatch override: Int?, path: String) throws -> Checkpoint.Model {
        func missing(_ key: String, _ expected: String) -> CheckpointError {
            .invalidField(path: path, field: "__metadata__.networks[\(index)].\(key)", value: "nothing", expected: expected)
        }
        var unused = RandomGenerator(seed: 0)
        do {
            switch model {
            case nil:
                guard let layers else { throw missing("layers", "the layer specs of network \(name)") }
                guard let saved = maxBatch else { throw missing("maxBatch", "the maximum batch of network \(name)") }
                if let input {
                    return .network(try SequentialNetwork(layers, input: input, maxBatch: override ?? saved, generator: &unused))
                }
                return .network(try SequentialNetwork(layers, maxBatch: override ?? saved, generator: &unused))
            case Self.multiInputModel?:
                guard let branches, let trunk else { throw missing("branches", "the branches and trunk of network \(name)") }
                guard let saved = maxBatch else { throw missing("maxBatch", "the maximum batch of network \(name)") }
                return .multiInput(try MultiInputNetwork(branches: branches, trunk: trunk, maxBatch: override ?? saved,
                                                         generator: &unused))
            case Self.parametersModel?:
                guard let tensors else { throw missing("tensors", "the tensor names and shapes of \(name)") }
                if let bad = tensors.first(where: { $0.name.isEmpty || $0.shape.contains { $0 < 0 } }) {
                    throw CheckpointError.invalidField(path: path, field: "__metadata__.networks[\(index)].tensors",
                                                       value: "\(bad.name) \(bad.shape)", expected: "named tensors of non-negative sizes")
                }
                return .parameters(ParameterStore(shapes: tensors.map { ParameterShape(name: $0.name, shape: $0.shape) }))
            case let other?:
                throw CheckpointError.invalidField(path: path, field: "__metadata__.networks[\(index)].model", value: other,
                                                   expected: "absent (a sequential network), \(Self.multiInputModel) or \(Self.parametersModel)")
            }
        } catch let error as NetworkError {
            throw CheckpointError.mismatch(path: path, detail: "network \(name): \(error)")
        }
    }
}
