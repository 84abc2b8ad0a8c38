import ArgumentParser
import Foundation
import RecoExperiments
import RecoServing

extension FallbackPolicy: ExpressibleByArgument {}
extension LogDurability: ExpressibleByArgument {}

/// `recorl serve`: decisions of a saved agent's greedy policy over HTTP, with feedback joined to them,
/// a safe fallback and Prometheus metrics (`RecoServing.DecisionService`).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a saved policy over HTTP: POST /v1/recommend, POST /v1/feedback, /v1/policies (roll-out), GET /healthz, GET /metrics.")

    @Option(help: "Checkpoint written by `recorl train`.") var checkpoint: String
    @OptionGroup var environmentData: EnvironmentDataOptions
    @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
    @Option(parsing: .unconditional, help: "Port to listen on (0: any free port).") var port: Int = 8080
    @Option(parsing: .unconditional, help: "Seconds a decision waits for its feedback before it gets the default reward.")
    var feedbackWindowSeconds: Double = 60
    @Option(parsing: .unconditional, help: "Reward of a decision whose window closes without feedback.") var defaultReward: Double = 0
    @Option(help: "Policy answering when the model throws or is late: \(FallbackPolicy.allCases.map(\.rawValue).joined(separator: ", ")).")
    var fallback: FallbackPolicy = .bestFixed
    @Option(parsing: .unconditional, help: "Milliseconds the model may take before the fallback answers.") var latencyBudgetMs: Double = 50
    @Option(parsing: .unconditional, help: "Share of the users (stable hash of their id) the fallback answers as a holdout, in [0, 1).")
    var fallbackShare: Double = 0
    @Option(parsing: .unconditional, help: "Roll a candidate back when its recent mean reward falls below the fallback's by more than this (needs --fallback-share > 0).")
    var rollbackMargin: Double?
    @Option(parsing: .unconditional, help: "Latest rewards of the candidate and of the fallback that automatic rollback compares.")
    var rollbackWindow: Int = 200
    @Flag(help: "Learn online from joined feedback (off-policy agents: dqn, sac) and publish new production versions.")
    var onlineLearning = false
    @Option(parsing: .unconditional, help: "With --online-learning: transitions learned from between two published versions.")
    var publishEvery: Int = 1_000
    @Option(parsing: .unconditional, help: "With --online-learning: transitions gathered before the first update.")
    var onlineLearningStarts: Int = 256
    @Option(help: "Interaction log of every decision and reward: sqlite:PATH (created if missing).") var log: String?
    @Option(help: "What a logged record survives: process (a crash of the server) or power (a power loss too; slower).")
    var logDurability: LogDurability = .processCrash

    /// The longest feedback window: one day.
    static let maximumWindowSeconds = 86_400.0
    /// The largest latency budget: one minute.
    static let maximumBudgetMilliseconds = 60_000.0

    mutating func validate() throws {
        try Bounds.requirePath(checkpoint, flag: "--checkpoint")
        if let envConfig = environmentData.envConfig {
            throw ValidationError("--env-config: \(envConfig) is fixed by the checkpoint (it records its settings); expected no --env-config")
        }
        if host.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--host: \"\(host)\" is not valid; expected an address such as 127.0.0.1")
        }
        guard (0...65_535).contains(port) else {
            throw ValidationError("--port: \(port) is not valid; expected a port in 0...65535")
        }
        guard feedbackWindowSeconds.isFinite, feedbackWindowSeconds > 0, feedbackWindowSeconds <= Self.maximumWindowSeconds else {
            throw ValidationError("--feedback-window-seconds: \(feedbackWindowSeconds) is not valid; expected seconds in (0, \(Int(Self.maximumWindowSeconds))]")
        }
        guard defaultReward.isFinite else {
            throw ValidationError("--default-reward: \(defaultReward) is not valid; expected a finite number")
        }
        guard latencyBudgetMs.isFinite, latencyBudgetMs > 0, latencyBudgetMs <= Self.maximumBudgetMilliseconds else {
            throw ValidationError("--latency-budget-ms: \(latencyBudgetMs) is not valid; expected milliseconds in (0, \(Int(Self.maximumBudgetMilliseconds))]")
        }
        guard fallbackShare.isFinite, fallbackShare >= 0, fallbackShare < 1 else {
            throw ValidationError("--fallback-share: \(fallbackShare) is not valid; expected a share in [0, 1)")
        }
        if let rollbackMargin {
            guard rollbackMargin.isFinite, rollbackMargin >= 0 else {
                throw ValidationError("--rollback-margin: \(rollbackMargin) is not valid; expected a finite margin of at least 0")
            }
            guard fallbackShare > 0 else {
                throw ValidationError("--rollback-margin: \(rollbackMargin) needs --fallback-share above 0; expected a holdout whose reward the candidate is compared with")
            }
        }
        try Bounds.requirePositive(rollbackWindow, atMost: 1_000_000, flag: "--rollback-window")
        try Bounds.requirePositive(publishEvery, atMost: 100_000_000, flag: "--publish-every")
        guard (0...100_000_000).contains(onlineLearningStarts) else {
            throw ValidationError("--online-learning-starts: \(onlineLearningStarts) is not valid; expected transitions in 0...100000000")
        }
        if let log, InteractionLog.path(ofLocation: log) == nil {
            throw ValidationError("--log: \(log) is not valid; expected sqlite:PATH (an SQLite file for the interaction log)")
        }
    }

    func run() throws {
        let (model, environment) = try ServedPolicy.model(checkpoint: checkpoint, dataset: environmentData.data)
        let engine = try DecisionEngine(model: model, fallback: try fallback.make(for: environment),
                                        latencyBudget: .milliseconds(latencyBudgetMs))
        let interactionLog = try log.flatMap(InteractionLog.path(ofLocation:)).map { path -> InteractionLog in
            do { return try InteractionLog(path: path, durability: logDurability) } catch { throw ExperimentError("--log: \(error)") }
        }
        let learning = try onlineLearning ? OnlineLearning(
            agent: try OnlineLearning.learner(try SavedAgent.load(checkpoint, dataset: environmentData.data).agent),
            baseVersion: model.version, actionNames: model.actionNames, publishEvery: publishEvery,
            learningStarts: onlineLearningStarts) : nil
        let dataset = environmentData.data
        let service = try DecisionService(
            engine: engine,
            configuration: ServingConfiguration(
                host: host, port: port, feedbackWindow: .seconds(feedbackWindowSeconds), defaultReward: defaultReward,
                rollout: RolloutSettings(fallbackShare: fallbackShare, rollbackMargin: rollbackMargin, rollbackWindow: rollbackWindow)),
            log: interactionLog,
            loadCandidate: { path in try ServedPolicy.candidate(checkpoint: path, dataset: dataset, servingEnvironment: environment.name) },
            onlineLearning: learning)
        let (host, version, name, fallback) = (host, model.version, environment.name, engine.fallback.version)
        try Self.block(service) { port in
            // Once listening, with the port bound (the one picked for --port 0).
            print("serving \(version) on \(name) (fallback \(fallback)) at http://\(host):\(port)")
            fflush(stdout)
        }
    }

    /// Runs `service` until SIGINT or SIGTERM shut it down gracefully, and rethrows its error.
    private static func block(_ service: DecisionService, listening: @escaping @Sendable (Int) -> Void) throws {
        let outcome = Outcome()
        let finished = DispatchSemaphore(value: 0)
        Task {
            do {
                try await service.run(listening: listening)
            } catch {
                outcome.error = error
            }
            finished.signal()
        }
        finished.wait()
        if let error = outcome.error { throw error }
    }

    /// The error the application ended with, written before the semaphore is signalled and read after.
    private final class Outcome: @unchecked Sendable {
        var error: Error?
    }
}
