import Foundation
import Hummingbird
import HummingbirdTesting
import RecoEnvironments
import RecoExperiments
import RecoServing
import RecoTensor
import Testing

/// A service on a hand-made model of `width` features and actions (`a0`, `a1`, ...), with the
/// uniform random policy as its fallback, on a free loopback port, logging to `log` if given.
func makeService(model: Policy = ArgmaxPolicy(width: 3), window: Duration = .seconds(60), defaultReward: Double = 0,
                 latencyBudget: Duration = .milliseconds(50), maximumBodyBytes: Int = 64 * 1024,
                 rollout: RolloutSettings = RolloutSettings(), log: InteractionLog? = nil,
                 loadCandidate: (@Sendable (String) throws -> ServedPolicy)? = nil,
                 onlineLearning: OnlineLearning? = nil) throws -> DecisionService {
    let names = (0..<model.actionCount).map { "a\($0)" }
    let fallback = try ServedPolicy(policy: UniformRandomPolicy(observationWidth: model.observationWidth, actionCount: model.actionCount),
                                    version: "uniform-random", actionNames: names)
    let engine = try DecisionEngine(model: ServedPolicy(policy: model, version: "test-1", actionNames: names),
                                    fallback: fallback, latencyBudget: latencyBudget)
    return try DecisionService(
        engine: engine,
        configuration: ServingConfiguration(host: "127.0.0.1", port: 0, feedbackWindow: window, defaultReward: defaultReward,
                                            maximumBodyBytes: maximumBodyBytes, rollout: rollout),
        log: log, loadCandidate: loadCandidate, onlineLearning: onlineLearning)
}

/// Runs `test` against `service` started on a loopback port in this process.
func live(_ service: DecisionService, _ test: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
    try await service.makeApplication().test(.live, test)
}

/// A POST of `json` to `uri`: its status and its body parsed as a JSON object.
func post(_ client: any TestClientProtocol, _ uri: String, _ json: String) async throws -> (status: Int, body: [String: Any]) {
    try await client.execute(uri: uri, method: .post, headers: [.contentType: "application/json"],
                             body: ByteBuffer(string: json)) { response in
        (response.status.code, try object(response.body))
    }
}

/// `buffer` parsed as a JSON object.
func object(_ buffer: ByteBuffer) throws -> [String: Any] {
    let value = try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))
    return try #require(value as? [String: Any], "a JSON object: \(String(buffer: buffer))")
}

/// The `error` object of an error body.
func error(_ body: [String: Any]) throws -> [String: Any] {
    try #require(body["error"] as? [String: Any], "an error body: \(body)")
}

/// The value of the sample of `metric` with exactly `labels` in a Prometheus text exposition, or nil.
func sample(_ exposition: String, _ metric: String, _ labels: String = "") -> Double? {
    let prefix = labels.isEmpty ? "\(metric) " : "\(metric){\(labels)} "
    return exposition.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Double($0.dropFirst(prefix.count)) }
}

/// A marketing DQN trained for `steps` (4 copies) into a fresh temporary directory: the checkpoint's
/// path and the directory (for the caller to remove).
func trainMarketingCheckpoint(steps: Int) throws -> (checkpoint: String, directory: URL) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recoserving-\(UUID().uuidString)")
    var request = TrainingRequest()
    request.steps = steps
    request.copies = 4
    request.evaluationEpisodes = 8
    request.output = directory.path
    _ = try Experiment().train(request)
    return (directory.appendingPathComponent("checkpoint.safetensors").path, directory)
}
