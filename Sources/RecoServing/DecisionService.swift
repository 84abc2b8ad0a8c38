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
    /// Where every decision and reward is recorded (nil: nowhere); closed at shutdown by `run()`.
    public let log: InteractionLog?

    /// A service deciding with `engine` under `configuration`, recording decisions and rewards in `log`.
    public init(engine: DecisionEngine, configuration: ServingConfiguration, log: InteractionLog? = nil) {
        self.engine = engine
        self.configuration = configuration
        self.log = log
        // Expired decisions get their default reward in the log without waiting (the sweeper holds the
        // store's lock); joined ones are appended, and waited for, by `feedback`.
        let onClose = log.map { log -> @Sendable (String, Double, FeedbackOutcome) -> Void in
            { eventId, reward, outcome in
                guard outcome == .expired else { return }
                log.enqueue(RewardRecord(eventId: eventId, reward: reward, outcome: "expired", time: Date()))
            }
        }
        decisions = PendingDecisions(window: configuration.feedbackWindow, defaultReward: configuration.defaultReward,
                                     capacity: max(1, configuration.pendingCapacity), metrics: metrics, onClose: onClose)
    }

    /// The router of the four endpoints (every error answered as JSON and every request counted).
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        router.post("/v1/recommend") { request, _ in try await self.recommend(request) }
        router.post("/v1/feedback") { request, _ in try await self.feedback(request) }
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
    /// are answered first) and closes the log (everything queued is committed).
    public func run() async throws {
        do {
            try await makeApplication().runService()
        } catch {
            await log?.close()
            throw error
        }
        await log?.close()
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
        // Committed before the decision is pending (so its expiry cannot reach the log first) and before
        // the answer (so every event id a caller holds is in the log).
        try await record(DecisionRecord(eventId: eventId, time: Date(), user: body.user, policy: policy,
                                        version: decision.served.version, features: features, action: decision.action,
                                        propensity: decision.propensity))
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
            try await record(RewardRecord(eventId: body.eventId, reward: body.reward, outcome: "joined", time: Date()))
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

    /// Appends `record` to the log (if any) and waits for its commit; a failure is a 503 naming the log.
    private func record(_ record: DecisionRecord) async throws {
        guard let log else { return }
        do { try await log.append(record) } catch { throw Self.logUnavailable(log, error) }
    }

    private func record(_ record: RewardRecord) async throws {
        guard let log else { return }
        do { try await log.append(record) } catch { throw Self.logUnavailable(log, error) }
    }

    private static func logUnavailable(_ log: InteractionLog, _ error: Error) -> ServingError {
        ServingError(.serviceUnavailable, field: "log", value: "\(error)",
                     expected: "the interaction log sqlite:\(log.path) to accept the record")
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
