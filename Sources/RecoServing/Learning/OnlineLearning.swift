import Foundation
import RecoRL
import RecoTensor

/// Online learning from served decisions (off by default): the feedback the service joins becomes
/// transitions (`TransitionAssembler`) that an off-policy agent (DQN, SAC) learns from on a thread of its
/// own, and every `publishEvery` transitions learned from, a copy of the agent's greedy policy is
/// published as the new production version. Serving never waits for learning: the request path only
/// hands decisions and rewards over under a lock, and published versions are separate copies (saved and
/// loaded through a checkpoint), so the agent keeps training while they serve.
///
/// The transitions are one-step (`discount = gamma` of the agent) whatever the agent's n-step setting;
/// the served policy is greedy, so the data carry no exploration beyond what the candidate and holdout
/// shares bring.
public final class OnlineLearning: @unchecked Sendable {
    /// Transitions learned from between two published versions.
    public let publishEvery: Int
    /// Transitions gathered before the first update (the agent comes pretrained, so this is a warm-up
    /// of the replay, not the agent's own `learningStarts`, which counts environment steps of training).
    public let learningStarts: Int
    private let agent: OffPolicyLearner
    private let registry: AlgorithmRegistry
    private let baseVersion: String
    private let actionNames: [String]
    private let condition = NSCondition()
    private var assembler: TransitionAssembler
    private var queue: [TransitionAssembler.Transition] = []
    private var stopping = false
    private var thread: Thread?
    private var generator: RandomGenerator
    private var counts = Counts()

    /// What online learning has done so far.
    public struct Counts: Sendable, Equatable {
        /// Transitions handed to the agent's replay.
        public var transitions = 0
        /// Gradient updates run.
        public var updates = 0
        /// Versions published.
        public var published = 0
    }

    /// Learning for `agent` (loaded from the checkpoint `baseVersion` names), updating on the agent's
    /// `trainFrequency` and `gradientSteps` once `learningStarts` transitions have arrived, with a
    /// published version every `publishEvery` transitions (at least 1); `registry` reloads the agent's
    /// saved copies; at most `openDecisions` decisions wait for their reward or successor.
    public init(agent: OffPolicyLearner, baseVersion: String, actionNames: [String], publishEvery: Int,
                learningStarts: Int = 256, seed: UInt64 = 0, registry: AlgorithmRegistry = .standard,
                openDecisions: Int = 100_000) throws {
        guard publishEvery >= 1 else {
            throw ServingError(.unprocessableContent, field: "publishEvery", value: "\(publishEvery)", expected: "at least 1 transition")
        }
        guard learningStarts >= 0 else {
            throw ServingError(.unprocessableContent, field: "learningStarts", value: "\(learningStarts)", expected: "at least 0 transitions")
        }
        self.learningStarts = learningStarts
        self.agent = agent
        self.baseVersion = baseVersion
        self.actionNames = actionNames
        self.publishEvery = publishEvery
        self.registry = registry
        generator = RandomGenerator(seed: seed)
        assembler = TransitionAssembler(capacity: openDecisions)
    }

    /// The agent `agent` of a checkpoint, as an off-policy learner, or a `ServingError` naming
    /// `onlineLearning` for an agent that learns on-policy or from logs.
    public static func learner(_ agent: Agent) throws -> OffPolicyLearner {
        guard let learner = agent as? OffPolicyLearner else {
            throw ServingError(.unprocessableContent, field: "onlineLearning", value: agent.algorithm,
                               expected: "an off-policy agent (dqn or sac) to learn online from served decisions")
        }
        return learner
    }

    /// What has been learned and published so far.
    public var progress: Counts { condition.withLock { counts } }

    // MARK: - From the request path (quick, under the lock)

    /// Records a served decision.
    func observe(eventId: String, user: String?, features: [Float], action: Int) {
        handOver { $0.decision(eventId: eventId, user: user, features: features, action: action, into: &$1) }
    }

    /// Records that decision `eventId` ended its user's episode.
    func markTerminal(_ eventId: String) {
        handOver { $0.terminal(eventId: eventId, into: &$1) }
    }

    /// Records the settled reward of a decision.
    func observe(_ closed: ClosedDecision) {
        handOver { $0.reward(eventId: closed.eventId, closed.reward, into: &$1) }
    }

    private func handOver(_ body: (inout TransitionAssembler, inout [TransitionAssembler.Transition]) -> Void) {
        condition.withLock {
            let before = queue.count
            body(&assembler, &queue)
            if queue.count > before { condition.signal() }
        }
    }

    // MARK: - The learning thread

    /// Starts the learning thread, which publishes into `versions`.
    func start(publishingInto versions: PolicyVersions, metrics: ServingMetrics) {
        let thread = Thread { [self] in learn(versions: versions, metrics: metrics) }
        thread.name = "recorl online learning"
        condition.withLock { self.thread = thread }
        thread.start()
    }

    /// Stops the learning thread after the transitions it holds (it publishes nothing more).
    func stop() {
        condition.withLock {
            stopping = true
            condition.signal()
        }
    }

    private func learn(versions: PolicyVersions, metrics: ServingMetrics) {
        let width = agent.observationWidth
        let batch = TransitionBatch(capacity: 256, observationWidth: width)
        let schedule = agent.updateSchedule
        let gamma = agent.returnSteps.gamma
        var sincePublished = 0
        var updatedSincePublished = false
        while true {
            let taken: [TransitionAssembler.Transition] = condition.withLock {
                while queue.isEmpty && !stopping { condition.wait() }
                defer { queue.removeAll(keepingCapacity: true) }
                return queue
            }
            if taken.isEmpty { return }
            // In chunks that end where a version is due, so one is published every `publishEvery`
            // transitions however many arrive at once.
            var position = 0
            while position < taken.count {
                let chunk = taken[position..<min(position + min(batch.capacity, publishEvery - sincePublished), taken.count)]
                position = chunk.endIndex
                batch.removeAll()
                for transition in chunk {
                    transition.features.withUnsafeBufferPointer { features in
                        transition.nextFeatures.withUnsafeBufferPointer { next in
                            batch.append(observation: features.baseAddress!, action: transition.action, reward: transition.reward,
                                         nextObservation: next.baseAddress!, terminated: transition.terminated, discount: gamma)
                        }
                    }
                }
                agent.replay.add(batch)
                var updates = 0
                for _ in chunk {
                    let seen = condition.withLock { () -> Int in counts.transitions += 1; return counts.transitions }
                    guard seen > learningStarts, seen % schedule.trainFrequency == 0 else { continue }
                    for _ in 0..<schedule.gradientSteps {
                        _ = agent.update(using: &generator)
                        updates += 1
                    }
                }
                condition.withLock { counts.updates += updates }
                sincePublished += chunk.count
                updatedSincePublished = updatedSincePublished || updates > 0
                if sincePublished >= publishEvery {
                    if updatedSincePublished { publish(into: versions, metrics: metrics) }
                    sincePublished = 0
                    updatedSincePublished = false
                }
            }
        }
    }

    /// Saves the agent and loads the copy back as an independent greedy policy, published as production.
    private func publish(into versions: PolicyVersions, metrics: ServingMetrics) {
        let number = condition.withLock { counts.published + 1 }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("recorl-online-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: file) }
        do {
            try agent.save(to: file)
            let copy = try registry.load(from: file).agent
            let version = "\(baseVersion)+online.\(number)"
            let served = try ServedPolicy(policy: copy.greedyPolicy, version: version, actionNames: actionNames)
            let learned = condition.withLock { counts.transitions }
            versions.publish(served, note: "published by online learning after \(learned) transitions")
            condition.withLock { counts.published = number }
            metrics.recordPublished()
        } catch {
            // A copy that cannot be written or read back is not published; serving goes on with the last one.
            FileHandle.standardError.write(Data("recorl serve: online learning could not publish version \(number): \(error)\n".utf8))
        }
    }
}
