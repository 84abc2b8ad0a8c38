import Foundation
import Hummingbird

/// The HTTP decision service: `POST /v1/recommend`, `POST /v1/feedback`, `GET /healthz` and
/// `GET /metrics` over a `DecisionEngine`, with the pending decisions and metrics it keeps.
///
/// Bad input never traps and never gets a 5xx: it is answered with a 4xx and a JSON error naming the
/// field, the value and what was expected (`ServingError`).
public final class DecisionService: Sendable {
    /// The model, the fallback and the latency budget.
    public let engine: DecisionEngine
    /// The settings the service was made with.
    public let configuration: ServingConfiguration
    /// The decisions waiting for their feedback.
    public let decisions: PendingDecisions
    /// The service's Prometheus metrics.
    public let metrics = ServingMetrics()

    /// A service deciding with `engine` under `configuration`.
    public init(engine: DecisionEngine, configuration: ServingConfiguration) {
        self.engine = engine
        self.configuration = configuration
        decisions = PendingDecisions(window: configuration.feedbackWindow, defaultReward: configuration.defaultReward,
                                     capacity: max(1, configuration.pendingCapacity), metrics: metrics)
    }

    /// The router of the four endpoints (every error answered as JSON and every request counted).
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        router.post("/v1/recommend") { request, _ in try await self.recommend(request) }
        router.post("/v1/feedback") { request, _ in try await self.feedback(request) }
        router.get("/openapi.yaml") { _, _ in OpenAPIDocument.response() }
        router.get("/healthz") { _, _ in JSONResponse.make(status: .ok, ["status": "ok"]) }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: self.metrics.exposition())))
        }
        return router
    }

    /// The application: the router on `configuration.host` and `port`, with the sweeper that expires
    /// decisions. `runService()` runs it until SIGINT or SIGTERM, then shuts down gracefully.
    public func makeApplication() -> some ApplicationProtocol {
        Application(router: makeRouter(),
                     configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port),
                                                             serverName: "recorl serve"),
                     services: [FeedbackSweeper(decisions: decisions, interval: configuration.sweepInterval)])
    }

    /// Runs the application until SIGINT or SIGTERM, then shuts it down gracefully (in-flight requests
    /// are answered first).
    public func run() async throws {
        try await makeApplication().runService()
    }

    private func recommend(_ request: Request) async throws -> Response {
        let body = try RequestDecoding.decode(RecommendRequest.self, from: try await collect(request))
        guard body.features.count == engine.observationWidth else {
            throw ServingError(.unprocessableContent, field: "features", value: "\(body.features.count) values",
                               expected: "\(engine.observationWidth) (the policy's observation width)")
        }
        let features = try RequestDecoding.finiteFloats(body.features, field: "features")
        let event = UUID()
        // The event's own generator: its stream is the id's first 8 bytes.
        let stream = withUnsafeBytes(of: event.uuid) { $0.loadUnaligned(as: UInt64.self) }
        let decision: Decision
        do {
            decision = try await engine.decide(features, explain: body.explain ?? false, stream: stream)
        } catch {
            throw ServingError(.internalServerError, expected: "the fallback policy to answer (it threw \(error))")
        }
        let policy = decision.fallbackReason == nil ? "model" : "fallback"
        if let reason = decision.fallbackReason { metrics.recordFallback(reason) }
        let eventId = event.uuidString.lowercased()
        decisions.add(eventId, policy: policy)
        return JSONResponse.make(status: .ok, RecommendResponse(
            eventId: eventId, action: decision.action, actionName: decision.served.actionNames[decision.action],
            propensity: decision.propensity, policy: policy, policyVersion: decision.served.version,
            scores: decision.scores, scoreKind: decision.scores == nil ? nil : decision.served.policy.scoreKind?.rawValue))
    }

    private func feedback(_ request: Request) async throws -> Response {
        let body = try RequestDecoding.decode(FeedbackRequest.self, from: try await collect(request))
        guard body.reward.isFinite else {
            throw ServingError(.unprocessableContent, field: "reward", value: "\(body.reward)", expected: "a finite number")
        }
        switch decisions.join(body.eventId, reward: body.reward) {
        case .joined:
            return JSONResponse.make(status: .ok, FeedbackResponse(joined: true))
        case .unknown:
            throw ServingError(.notFound, field: "eventId", value: body.eventId,
                               expected: "the eventId of a decision from POST /v1/recommend")
        case .expired:
            throw ServingError(.conflict, field: "eventId", value: body.eventId,
                               expected: "feedback within \(decisions.window) of the decision (its window closed; it was given the default reward \(decisions.defaultReward))")
        case .alreadyJoined:
            throw ServingError(.conflict, field: "eventId", value: body.eventId,
                               expected: "one feedback per decision (this one already has its reward)")
        }
    }

    private func collect(_ request: Request) async throws -> Data {
        do {
            return Data(try await request.body.collect(upTo: configuration.maximumBodyBytes).readableBytesView)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw ServingError(.contentTooLarge, field: "body", value: "more than \(configuration.maximumBodyBytes) bytes",
                               expected: "at most \(configuration.maximumBodyBytes) bytes")
        }
    }
}
