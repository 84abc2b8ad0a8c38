import Hummingbird

/// Answers every error as a JSON error body (an unknown route or method as a 404, an oversized body as a
/// 413) and counts every request with its status and duration in `ServingMetrics`.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServingMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as ServingError {
            response = error.response()
        } catch let error as any HTTPResponseError {
            response = Self.describe(error, request: request).response()
        } catch {
            response = ServingError(.internalServerError, expected: "the service to answer (\(error))").response()
        }
        let endpoint = context.endpointPath ?? "unknown"
        metrics.recordRequest(endpoint: endpoint, status: response.status.code, duration: ContinuousClock.now - start)
        return response
    }

    private static func describe(_ error: any HTTPResponseError, request: Request) -> ServingError {
        switch error.status {
        case .notFound:
            return ServingError(.notFound, field: "route", value: "\(request.method) \(request.uri.path)",
                                expected: "one of POST /v1/recommend, POST /v1/feedback, GET/POST /v1/policies, PATCH /v1/policies/{version}, POST /v1/policies/{version}/promote or /rollback, GET /healthz, GET /metrics, GET /openapi.yaml")
        case .contentTooLarge:
            return ServingError(.contentTooLarge, field: "body", value: "more than the limit",
                                expected: "a smaller body")
        default:
            return ServingError(error.status, expected: "a valid request (\(error.status))")
        }
    }
}
