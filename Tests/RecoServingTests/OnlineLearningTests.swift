import Foundation
import HummingbirdTesting
import RecoEnvironments
import RecoExperiments
import RecoRL
@testable import RecoServing
import Testing

@Suite("Online learning from served decisions")
struct OnlineLearningTests {
    typealias Transition = TransitionAssembler.Transition

    @Test("a user's decisions chain: the next decision's features are the successor; terminal feedback does not bootstrap")
    func chaining() {
        var assembler = TransitionAssembler(capacity: 10)
        var finished: [Transition] = []
        assembler.decision(eventId: "e1", user: "u", features: [1], action: 0, into: &finished)
        assembler.reward(eventId: "e1", 0.5, into: &finished)
        #expect(finished.isEmpty, "no successor yet")
        assembler.decision(eventId: "e2", user: "u", features: [2], action: 1, into: &finished)
        #expect(finished.count == 1)
        #expect(finished[0].features == [1] && finished[0].nextFeatures == [2] && finished[0].reward == 0.5 && !finished[0].terminated)

        // A successor before the reward: complete when the reward comes.
        assembler.decision(eventId: "e3", user: "u", features: [3], action: 2, into: &finished)
        #expect(finished.count == 1)
        assembler.reward(eventId: "e2", 1, into: &finished)
        #expect(finished.count == 2 && finished[1].features == [2] && finished[1].nextFeatures == [3])

        // The end of the episode: done = 1, and the user's next decision starts afresh.
        assembler.terminal(eventId: "e3", into: &finished)
        assembler.reward(eventId: "e3", 0.25, into: &finished)
        #expect(finished.count == 3 && finished[2].terminated && finished[2].action == 2)
        assembler.decision(eventId: "e4", user: "u", features: [4], action: 0, into: &finished)
        #expect(finished.count == 3, "a terminal decision takes no successor")

        // Users do not mix, and requests without a user are not learned from.
        assembler.decision(eventId: "f1", user: "v", features: [9], action: 1, into: &finished)
        assembler.reward(eventId: "f1", 0, into: &finished)
        assembler.reward(eventId: "e4", 0, into: &finished)
        #expect(finished.count == 3)
        assembler.decision(eventId: "x", user: nil, features: [0], action: 0, into: &finished)
        #expect(assembler.dropped == 1)
    }

    @Test("beyond its capacity the oldest open decision is dropped unlearned")
    func bounded() {
        var assembler = TransitionAssembler(capacity: 2)
        var finished: [Transition] = []
        assembler.decision(eventId: "a", user: "u1", features: [1], action: 0, into: &finished)
        assembler.decision(eventId: "b", user: "u2", features: [2], action: 0, into: &finished)
        assembler.decision(eventId: "c", user: "u3", features: [3], action: 0, into: &finished)
        #expect(assembler.dropped == 1)
        assembler.reward(eventId: "a", 1, into: &finished)
        assembler.decision(eventId: "d", user: "u1", features: [4], action: 0, into: &finished)
        #expect(finished.isEmpty, "a was dropped, so u1's next decision completes nothing")
    }

    @Test("served marketing users feed a DQN learner that publishes new production versions while serving goes on")
    func publishes() async throws {
        let (checkpoint, directory) = try trainMarketingCheckpoint(steps: 2_000)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (model, environment) = try ServedPolicy.model(checkpoint: checkpoint)
        let learner = try OnlineLearning.learner(try SavedAgent.load(checkpoint).agent)
        let learning = try OnlineLearning(agent: learner, baseVersion: model.version, actionNames: model.actionNames, publishEvery: 100)
        let engine = try DecisionEngine(model: model, fallback: try FallbackPolicy.random.make(for: environment), latencyBudget: .seconds(5))
        let service = try DecisionService(engine: engine, configuration: ServingConfiguration(port: 0), onlineLearning: learning)

        // Simulated customers, one copy stepped with the served actions; each episode is a new user.
        let simulator = environment.make(copies: 1)
        simulator.reset(seed: 3)
        try await live(service) { client in
            var versions = Set<String>()
            var user = 0
            var action: Int32 = 0
            // A decision is learned from once its successor (the user's next decision) or its terminal
            // feedback has come: the last decision of a truncated episode, and the very last one, never are.
            var unchainable = 0
            for _ in 0..<1_500 {
                let observation = (0..<simulator.observations.columns).map { Double(simulator.observations[0, $0]) }
                let response = try await post(client, "/v1/recommend", #"{"features": \#(observation), "user": "c\#(user)"}"#)
                action = Int32(try #require(response.body["action"] as? Int))
                versions.insert(try #require(response.body["policyVersion"] as? String))
                withUnsafePointer(to: action) { simulator.step(UnsafeBufferPointer(start: $0, count: 1)) }
                let eventId = try #require(response.body["eventId"] as? String)
                let terminated = simulator.terminated[0]
                let feedback = try await post(client, "/v1/feedback",
                                              #"{"eventId": "\#(eventId)", "reward": \#(simulator.rewards[0]), "terminal": \#(terminated)}"#)
                #expect(feedback.status == 200)
                if terminated || simulator.truncated[0] { user += 1 }
                if simulator.truncated[0] && !terminated { unchainable += 1 }
            }
            if !simulator.terminated[0] && !simulator.truncated[0] { unchainable += 1 }
            let expected = 1_500 - unchainable
            // Learning runs on its own thread: wait for it to catch up (bounded).
            let deadline = ContinuousClock.now + .seconds(120)
            while (learning.progress.published < 3 || learning.progress.transitions < expected) && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            let progress = learning.progress
            #expect(progress.transitions == expected, "every chained decision is learned from once")
            #expect(progress.updates > 0)
            #expect(progress.published >= 3)
            let production = service.versions.production.version
            #expect(production.hasPrefix(model.version + "+online."))
            #expect(versions.contains { $0.hasPrefix(model.version + "+online.") }, "published versions answered requests")
            // A published version is a copy: it decides on its own network, which learning moved.
            let listed = service.versions.summaries()
            #expect(listed.contains { $0.version == model.version && $0.role == .retired })
            #expect(sample(service.metrics.exposition(), "recorl_serve_published_versions_total").map { $0 >= 3 } == true)
        }
        service.onlineLearning?.stop()
    }
}
