import Foundation
import Hummingbird

/// The HTTP decision service over a `DecisionEngine`: decisions (`POST /v1/recommend`), their feedback
/// (`POST /v1/feedback`), policy versions and their roll-out (`/v1/policies`), `GET /healthz` and
/// `GET /metrics`, with the pending decisions, versions and metrics it keeps.
///
/// Bad input never traps and never gets a 5xx: it is answered with a 4xx and a JSON error naming the
/// field, the value and what was expected (`ServingError`).
public final class DecisionService: Sendable {
    /// The fallback, the latency budget and the workspaces decisions are made in.
    public let engine: DecisionEngine
    /// The settings the service was made with.
    public let configuration: ServingConfiguration
    /// Which version answers whom: production, the candidate being rolled out, the fallback.
    public let versions: PolicyVersions
    /// The decisions waiting for their feedback.
    public let decisions: PendingDecisions
    /// The service's Prometheus metrics.
    public let metrics: ServingMetrics
    /// Learns from joined feedback and publishes new production versions; nil when it is off.
    public let onlineLearning: OnlineLearning?
    /// Where every decision and reward is recorded (nil: nowhere); closed at shutdown by `run()`.
    public let log: InteractionLog?
    private let loadCandidate: (@Sendable (String) throws -> ServedPolicy)?

    /// A service deciding with `engine` (its model is the first production version) under
    /// `configuration`, recording decisions and rewards in `log`. `loadCandidate` turns a checkpoint
    /// path of `POST /v1/policies` into a served policy (nil: the endpoint answers 404);
    /// `onlineLearning`, when given, sees every decision and closing and publishes versions into
    /// `versions`. Throws a `ServingError` for invalid rollout settings.
    public init(engine: DecisionEngine, configuration: ServingConfiguration, log: InteractionLog? = nil,
                loadCandidate: (@Sendable (String) throws -> ServedPolicy)? = nil,
                onlineLearning: OnlineLearning? = nil) throws {
        try configuration.rollout.validate()
        let metrics = ServingMetrics()
        let versions = PolicyVersions(production: engine.model, fallback: engine.fallback, settings: configuration.rollout,
                                      metrics: metrics)
        self.engine = engine
        self.configuration = configuration
        self.metrics = metrics
        self.versions = versions
        self.log = log
        self.loadCandidate = loadCandidate
        self.onlineLearning = onlineLearning
        decisions = PendingDecisions(window: configuration.feedbackWindow, defaultReward: configuration.defaultReward,
                                     capacity: max(1, configuration.pendingCapacity)) { closed in
            let means = versions.recordReward(closed.reward, version: closed.version, role: closed.role)
            metrics.recordClosed(outcome: closed.outcome == .joined ? "joined" : "expired", policy: closed.role.rawValue,
                                 mean: means.role, version: closed.version, versionMean: means.version)
            onlineLearning?.observe(closed)
            // Expired decisions get their default reward in the log without waiting (the sweeper holds the
            // store's lock); joined ones are appended, and waited for, by `feedback`.
            if closed.outcome == .expired {
                log?.enqueue(RewardRecord(eventId: closed.eventId, reward: closed.reward, outcome: "expired", time: Date()))
            }
        }
        onlineLearning?.start(publishingInto: versions, metrics: metrics)
    }

    /// The router of every endpoint (every error answered as JSON and every request counted).
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        router.post("/v1/recommend") { request, _ in try await self.recommend(request) }
        router.post("/v1/feedback") { request, _ in try await self.feedback(request) }
        router.get("/v1/policies") { _, _ in JSONResponse.make(status: .ok, PolicyListResponse(policies: self.versions.summaries())) }
        router.post("/v1/policies") { request, _ in try await self.addCandidate(request) }
        router.patch("/v1/policies/:version") { request, context in
            let share = try RequestDecoding.decode(ShareRequest.self, from: try await self.collect(request)).share
            return JSONResponse.make(status: .ok, try self.versions.setShare(share, of: try Self.version(context)))
        }
        router.post("/v1/policies/:version/promote") { _, context in
            JSONResponse.make(status: .ok, try self.versions.promote(try Self.version(context)))
        }
        router.post("/v1/policies/:version/rollback") { _, context in
            JSONResponse.make(status: .ok, try self.versions.rollback(try Self.version(context)))
        }
        let document = OpenAPIDocument.yaml(observationWidth: engine.observationWidth, actionCount: engine.model.policy.actionCount)
        router.get("/openapi.yaml") { _, _ in OpenAPIDocument.response(document) }
        router.get("/healthz") { _, _ in JSONResponse.make(status: .ok, ["status": "ok"]) }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: self.metrics.exposition())))
        }
        return router
    }

    /// The application: the router on `configuration.host` and `port`, with the sweeper that expires
    /// decisions; `listening` is told the port it bound (the one picked when `port` is 0) once it
    /// accepts connections. `runService()` runs it until SIGINT or SIGTERM, then shuts down gracefully.
    public func makeApplication(listening: @escaping @Sendable (Int) -> Void = { _ in }) -> some ApplicationProtocol {
        Application(router: makeRouter(),
                     configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port),
                                                             serverName: "recorl serve"),
                     services: [FeedbackSweeper(decisions: decisions, interval: configuration.sweepInterval)],
                     onServerRunning: { [port = configuration.port] channel in listening(channel.localAddress?.port ?? port) })
    }

    /// Runs the application (`listening` as for `makeApplication`) until SIGINT or SIGTERM, then shuts it
    /// down gracefully (in-flight requests are answered first), stops online learning and closes the log (everything queued is committed).
    public func run(listening: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        defer { onlineLearning?.stop() }
        do {
            try await makeApplication(listening: listening).runService()
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
        if let slate = body.slate, !(1...engine.model.policy.actionCount).contains(slate) {
            throw ServingError(.unprocessableContent, field: "slate", value: "\(slate)",
                               expected: "1 to \(engine.model.policy.actionCount) items (the number of actions)")
        }
        let event = UUID()
        // The event's own generator: its stream is the id's first 8 bytes (also the routing key of a
        // request that names no user).
        let stream = withUnsafeBytes(of: event.uuid) { $0.loadUnaligned(as: UInt64.self) }
        let route = versions.route(key: body.user.map(TrafficSplit.key(user:)) ?? stream)
        let decision: Decision
        do {
            decision = try await engine.decide(features, with: route.served, explain: body.explain ?? false, slate: body.slate,
                                               stream: stream)
        } catch {
            throw ServingError(.internalServerError, expected: "the fallback policy to answer (it threw \(error))")
        }
        let role = decision.fallbackReason == nil ? route.role : .fallback
        if let reason = decision.fallbackReason { metrics.recordFallback(reason) }
        let eventId = event.uuidString.lowercased()
        // Committed before the decision is pending (so its expiry cannot reach the log first) and before
        // the answer (so every event id a caller holds is in the log).
        try await record(DecisionRecord(eventId: eventId, time: Date(), user: body.user, policy: role.rawValue,
                                        version: decision.served.version, features: features, action: decision.action,
                                        propensity: decision.propensity, slate: decision.slate))
        versions.recordDecision(version: decision.served.version)
        onlineLearning?.observe(eventId: eventId, user: body.user, features: features, action: decision.action)
        decisions.add(eventId, role: role, version: decision.served.version)
        return JSONResponse.make(status: .ok, RecommendResponse(
            eventId: eventId, action: decision.action, actionName: decision.served.actionNames[decision.action],
            propensity: decision.propensity, policy: role.rawValue, policyVersion: decision.served.version,
            scores: decision.scores, scoreKind: decision.scores == nil ? nil : decision.served.policy.scoreKind?.rawValue,
            slate: decision.slate, slateNames: decision.slate?.map { decision.served.actionNames[$0] }))
    }

    private func feedback(_ request: Request) async throws -> Response {
        let body = try RequestDecoding.decode(FeedbackRequest.self, from: try await collect(request))
        guard body.reward.isFinite else {
            throw ServingError(.unprocessableContent, field: "reward", value: "\(body.reward)", expected: "a finite number")
        }
        if body.terminal == true { onlineLearning?.markTerminal(body.eventId) }
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

    private func addCandidate(_ request: Request) async throws -> Response {
        let body = try RequestDecoding.decode(CandidateRequest.self, from: try await collect(request))
        guard let loadCandidate else {
            throw ServingError(.notFound, field: "route", value: "POST /v1/policies",
                               expected: "a service started with a checkpoint loader (recorl serve has one)")
        }
        guard body.share.isFinite, body.share > 0, body.share <= 1 else {
            throw ServingError(.unprocessableContent, field: "share", value: "\(body.share)", expected: "a share in (0, 1]")
        }
        guard FileManager.default.fileExists(atPath: body.checkpoint) else {
            throw ServingError(.notFound, field: "checkpoint", value: body.checkpoint, expected: "a checkpoint file on the server")
        }
        // Loading reads and checks a file: off the event loop.
        let served: ServedPolicy = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    continuation.resume(returning: try loadCandidate(body.checkpoint))
                } catch let error as ServingError {
                    continuation.resume(throwing: error)
                } catch {
                    continuation.resume(throwing: ServingError(.unprocessableContent, field: "checkpoint", value: body.checkpoint,
                                                               expected: "a checkpoint this service can serve (\(error))"))
                }
            }
        }
        return JSONResponse.make(status: .created, try versions.addCandidate(served, share: body.share))
    }

    private static func version(_ context: BasicRequestContext) throws -> String {
        guard let version = context.parameters.get("version") else {
            throw ServingError(.notFound, field: "version", value: "", expected: "a version in the path")
        }
        return version.removingPercentEncoding ?? version
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
