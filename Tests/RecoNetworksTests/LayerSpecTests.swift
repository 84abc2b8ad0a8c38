import Foundation
import RecoTestSupport
import Testing
@testable import RecoNetworks
import RecoTensor

/// `LayerSpec` as it was before layers became an open protocol: its synthesized encoding is the format
/// every checkpoint written so far holds.
enum LegacyLayerSpec: Codable, Equatable {
    case linear(inputs: Int, outputs: Int, initialization: WeightInitialization)
    case relu
    case tanh
    case sigmoid
    case layerNorm(width: Int, epsilon: Float)
    case softmax
    case logSoftmax
    case dueling(inputs: Int, actions: Int, initialization: WeightInitialization)
}

/// A layer kind defined outside RecoNetworks: `y = x * scale` per column, with a learned scale.
struct ScaleKind: LayerKind {
    static let name = "testScale"
    var width: Int

    var impliedInput: InputShape? { .dense(width: width) }

    func makeLayer(input: InputShape, maxBatch: Int) throws -> (layer: any NetworkLayer, output: InputShape) {
        guard input.width == width else {
            throw NetworkError.invalidArchitecture("testScale of \(width) reads \(input)")
        }
        return (Scale(width: width), input)
    }
}

final class Scale: Layer {
    let inputWidth: Int
    var outputWidth: Int { inputWidth }
    var runsInPlace: Bool { false }
    var parameterShapes: [ParameterShape] { [ParameterShape(name: "scale", shape: [inputWidth])] }
    private var scale: UnsafeMutablePointer<Float>?
    private var scaleGradient: UnsafeMutablePointer<Float>?

    init(width: Int) { inputWidth = width }

    func bind(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {
        scale = parameters
        scaleGradient = gradients
    }

    func initializeParameters(using generator: inout RandomGenerator) throws {
        generator.fillUniform(UnsafeMutableBufferPointer(start: scale!, count: inputWidth), 0.5, 1.5)
    }

    func forward(_ x: MatrixView, into y: MatrixView) {
        for r in 0..<x.rows { for j in 0..<inputWidth { y[r, j] = x[r, j] * scale![j] } }
    }

    func backward(input x: MatrixView, output y: MatrixView, outputGradient dy: MatrixView,
                  inputGradient dx: MatrixView?, accumulate: Bool) {
        if !accumulate { scaleGradient!.update(repeating: 0, count: inputWidth) }
        for r in 0..<x.rows {
            for j in 0..<inputWidth {
                scaleGradient![j] += dy[r, j] * x[r, j]
                if let dx { dx[r, j] = dy[r, j] * scale![j] }
            }
        }
    }
}

@Suite struct LayerSpecTests {
    let legacy: [LegacyLayerSpec] = [
        .linear(inputs: 64, outputs: 256, initialization: .kaimingUniform), .relu, .tanh, .sigmoid,
        .layerNorm(width: 256, epsilon: 1e-5), .linear(inputs: 256, outputs: 5, initialization: .orthogonal(gain: 0.01)),
        .softmax, .logSoftmax,
        .dueling(inputs: 9, actions: 4, initialization: .orthogonalSplit(firstRows: 2, firstGain: 0.01, restGain: 1)),
    ]
    let current: [LayerSpec] = [
        .linear(inputs: 64, outputs: 256, initialization: .kaimingUniform), .relu, .tanh, .sigmoid,
        .layerNorm(width: 256, epsilon: 1e-5), .linear(inputs: 256, outputs: 5, initialization: .orthogonal(gain: 0.01)),
        .softmax, .logSoftmax,
        .dueling(inputs: 9, actions: 4, initialization: .orthogonalSplit(firstRows: 2, firstGain: 0.01, restGain: 1)),
    ]

    func json<T: Encodable>(_ value: T, sorted: Bool) throws -> String {
        let encoder = JSONEncoder()
        if sorted { encoder.outputFormatting = [.sortedKeys] }
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Parsed JSON, for comparing encodings whose key order is unspecified (Foundation's encoder orders
    /// keys only when asked to sort them, as checkpoints do).
    func parsed(_ text: String) throws -> NSObject {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) as? NSObject)
    }

    @Test func encodingIsExactlyTheOldEnumEncoding() throws {
        #expect(try json(current, sorted: true) == json(legacy, sorted: true))
        #expect(try parsed(json(current, sorted: false)) == parsed(json(legacy, sorted: false)))
        #expect(try json(LayerSpec.linear(64, 256), sorted: true)
                == #"{"linear":{"initialization":{"kaimingUniform":{}},"inputs":64,"outputs":256}}"#)
        #expect(try parsed(json(LayerSpec.linear(64, 256), sorted: false))
                == parsed(#"{"linear":{"inputs":64,"outputs":256,"initialization":{"kaimingUniform":{}}}}"#))
        #expect(try json(LayerSpec.relu, sorted: false) == #"{"relu":{}}"#)
    }

    @Test func oldJSONDecodesToEqualSpecsAndBack() throws {
        let data = try JSONEncoder().encode(legacy)
        let decoded = try JSONDecoder().decode([LayerSpec].self, from: data)
        #expect(decoded == current)
        #expect(try JSONDecoder().decode([LegacyLayerSpec].self, from: JSONEncoder().encode(decoded)) == legacy)
        #expect(LayerSpec.linear(3, 4) != .linear(3, 5))
        #expect(LayerSpec.relu != .tanh)
    }

    @Test func newKindsRoundTrip() throws {
        let specs: [LayerSpec] = [.embedding(count: 100, width: 8), .meanPooling]
        #expect(try json(specs, sorted: true) == #"[{"embedding":{"count":100,"width":8}},{"meanPooling":{}}]"#)
        #expect(try JSONDecoder().decode([LayerSpec].self, from: JSONEncoder().encode(specs)) == specs)
    }

    @Test func unknownKindsAndMalformedSpecsThrow() {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(LayerSpec.self, from: Data(#"{"gru":{}}"#.utf8)) }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(LayerSpec.self, from: Data(#"{"relu":{},"tanh":{}}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(LayerSpec.self, from: Data(#"{"linear":{"inputs":"four"}}"#.utf8))
        }
    }

    @Test func aKindFromAnotherModuleBuildsTrainsAndCheckpoints() throws {
        LayerRegistry.shared.register(ScaleKind.self)
        LayerRegistry.shared.register(ScaleKind.self)   // registering again is harmless
        var generator = RandomGenerator(seed: 901)
        #expect(try GradientCheck.check(layer: Scale(width: 4), batch: 3, generator: &generator) == nil)

        let specs: [LayerSpec] = [LayerSpec(ScaleKind(width: 3)), .linear(3, 2), .tanh]
        let decoded = try JSONDecoder().decode([LayerSpec].self, from: Data(try json(specs, sorted: true).utf8))
        #expect(decoded == specs)
        let network = try SequentialNetwork(specs, maxBatch: 4, generator: &generator)
        #expect(network.parameters.tensors.map(\.name) == ["0.scale", "1.weight", "1.bias"])

        let url = Fixtures.temporaryFile("custom-kind.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint(items: [.init(name: "scaled", network: network)]).write(to: url)
        let loaded = try #require(try Checkpoint.read(from: url).item(named: "scaled"))
        #expect(loaded.network.specs == specs)
        #expect(Array(loaded.network.parameters.values) == Array(network.parameters.values))
    }
}
