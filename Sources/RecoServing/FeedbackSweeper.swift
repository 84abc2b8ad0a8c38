import ServiceLifecycle

/// A service that gives the default reward to pending decisions whose window has closed, every
/// `interval`, until the application shuts down.
struct FeedbackSweeper: Service {
    let decisions: PendingDecisions
    let interval: Duration

    func run() async throws {
        // Cancelled (its sleep throwing) at graceful shutdown.
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                decisions.expire()
            }
        }
    }
}
