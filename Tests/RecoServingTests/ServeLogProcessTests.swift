import Foundation
import RecoServing
import RecoSimulators
import Testing

/// The built `recorl serve --log` as a process: killed with SIGKILL while requests are in flight it
/// loses nothing it acknowledged; stopped with SIGTERM its log is complete, and `recorl ope` and
/// `recorl log --from` read it. Serialized: each trains nothing (the checkpoint is shared) but runs a server.
@Suite("recorl serve --log (process)", .serialized)
struct ServeLogProcessTests {
    /// Event ids whose responses arrived, with the joined rewards acknowledged.
    final class Acknowledged: @unchecked Sendable {
        private let lock = NSLock()
        private var decisions = Set<String>(), rewards: [String: Double] = [:]
        func decision(_ id: String) { lock.withLock { _ = decisions.insert(id) } }
        func reward(_ id: String, _ reward: Double) { lock.withLock { rewards[id] = reward } }
        var count: Int { lock.withLock { decisions.count + rewards.count } }
        var snapshot: (decisions: Set<String>, rewards: [String: Double]) { lock.withLock { (decisions, rewards) } }
    }

    /// SplitMix64, for the fixed-seed moment of the kill.
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test("kill -9 while requests are in flight: every acknowledged decision and joined reward is in the log",
          .timeLimit(.minutes(5)))
    func killNineLosesNothingAcknowledged() async throws {
        let checkpoint = try Recorl.checkpoint.get()
        let width = try ServedPolicy.model(checkpoint: checkpoint).policy.policy.observationWidth
        for seed in [UInt64(14), 15, 16, 17] {
            let path = try Recorl.temporaryDirectory() + "/served.sqlite"
            let server = try await ServerProcess(checkpoint: checkpoint, ["--log", "sqlite:" + path])
            var generator = SplitMix(state: seed)
            // The kill comes after 30 to 129 acknowledgements, of at most 6 x 2 x 80 = 960 requests.
            let killAfter = 30 + Int(generator.next() % 100)
            let workers = 6, perWorker = 80
            let acknowledged = Acknowledged()
            await withTaskGroup(of: Void.self) { group in
                for worker in 0..<workers {
                    group.addTask {
                        for i in 0..<perWorker {
                            let features = (0..<width).map { Double(($0 * 7 + i + worker) % 5) }
                            guard let decision = try? await server.post("/v1/recommend", ["features": features, "user": "u\(worker)"]),
                                  decision.status == 200, let id = decision.body["eventId"] as? String else { return }
                            acknowledged.decision(id)
                            let reward = Double((i + worker) % 2)
                            guard let feedback = try? await server.post("/v1/feedback", ["eventId": id, "reward": reward]),
                                  feedback.status == 200 else { return }
                            acknowledged.reward(id, reward)
                        }
                    }
                }
                group.addTask {
                    let deadline = ContinuousClock.now + .seconds(60)
                    while acknowledged.count < killAfter && ContinuousClock.now < deadline {
                        try? await Task.sleep(for: .milliseconds(1))
                    }
                    kill(server.process.processIdentifier, SIGKILL)
                }
            }
            let ended = server.stop(signal: SIGKILL)
            #expect(ended.reason == .uncaughtSignal && ended.status == SIGKILL, "\(ended)")
            let (decisions, rewards) = acknowledged.snapshot
            #expect(decisions.count + rewards.count >= killAfter)
            #expect(decisions.count < workers * perWorker, "the kill came after every request")

            let logged = try InteractionLog.read(path: path)
            let byId = Dictionary(logged.map { ($0.decision.eventId, $0) }, uniquingKeysWith: { first, _ in first })
            let lostDecisions = decisions.filter { byId[$0] == nil }
            #expect(lostDecisions.isEmpty, "acknowledged decisions missing from the log: \(lostDecisions.count) of \(decisions.count)")
            let lostRewards = rewards.filter { id, reward in
                byId[id]?.reward?.reward != reward || byId[id]?.reward?.outcome != "joined"
            }
            #expect(lostRewards.isEmpty, "acknowledged rewards missing from the log: \(lostRewards.count) of \(rewards.count)")
            #expect(logged.allSatisfy { $0.decision.features.count == width && $0.decision.user?.hasPrefix("u") == true })
        }
    }

    @Test("SIGTERM flushes the log; ope --log sqlite: estimates from it and log --from exports it as RecoGym CSV",
          .timeLimit(.minutes(5)))
    func serveThenEvaluateAndExport() async throws {
        let checkpoint = try Recorl.checkpoint.get()
        let width = try ServedPolicy.model(checkpoint: checkpoint).policy.policy.observationWidth
        let directory = try Recorl.temporaryDirectory()
        let path = directory + "/served.sqlite"
        let server = try await ServerProcess(checkpoint: checkpoint, ["--log", "sqlite:" + path, "--log-durability", "power",
                                                                      "--feedback-window-seconds", "0.5"])
        let decisions = 40, joined = 30
        for i in 0..<decisions {
            let features = (0..<width).map { Double(($0 + i) % 3) }
            let decision = try await server.post("/v1/recommend", ["features": features, "user": "user\(i % 4)"])
            #expect(decision.status == 200, "\(decision.body)")
            let id = try #require(decision.body["eventId"] as? String)
            if i < joined {
                let action = try #require(decision.body["action"] as? Int)
                let feedback = try await server.post("/v1/feedback", ["eventId": id, "reward": action == 0 ? 1 : 0])
                #expect(feedback.status == 200, "\(feedback.body)")
            }
        }
        // The last ten expire (default reward 0) within about half a second; waited for, bounded.
        let deadline = ContinuousClock.now + .seconds(20)
        while try InteractionLog.read(path: path).filter({ $0.reward != nil }).count < decisions && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        let ended = server.stop(signal: SIGTERM)
        #expect(ended.reason == .exit && ended.status == 0, "\(ended)")
        let logged = try InteractionLog.read(path: path)
        #expect(logged.count == decisions)
        #expect(logged.filter { $0.reward?.outcome == "joined" }.count == joined)
        #expect(logged.filter { $0.reward?.outcome == "expired" }.count == decisions - joined)

        let ope = try Recorl.run(["ope", "--log", "sqlite:" + path, "--checkpoint", checkpoint, "--resamples", "200"])
        #expect(ope.status == 0, "\(ope.error)")
        #expect(ope.output.contains("on \(decisions) served decisions with rewards"), "\(ope.output)")
        for estimator in ["ips", "clipped-ips", "snips", "dr"] {
            #expect(ope.output.split(separator: "\n").contains { $0.hasPrefix(estimator + " ") }, "\(ope.output)")
        }

        let csv = directory + "/served.csv"
        let export = try Recorl.run(["log", "--from", "sqlite:" + path, "--out", csv])
        #expect(export.status == 0, "\(export.error)")
        let rows = try RecoGymLog.read(contentsOf: URL(fileURLWithPath: csv))
        #expect(rows.count == decisions)
        #expect(Set(rows.map(\.user)) == [0, 1, 2, 3])
        #expect(rows.map(\.time) == (0..<decisions).map(Double.init))
        #expect(zip(rows, logged).allSatisfy { $0.action == $1.decision.action && Double($0.click ?? -1) == $1.reward?.reward })

        // A log of another width than the checkpoint's: one line naming --checkpoint.
        let narrow = directory + "/narrow.sqlite"
        let log = try InteractionLog(path: narrow)
        try await log.append(decisionRecord("n", features: [1, 2]))
        try await log.append(RewardRecord(eventId: "n", reward: 1, outcome: "joined", time: Date()))
        await log.close()
        let mismatch = try Recorl.run(["ope", "--log", "sqlite:" + narrow, "--checkpoint", checkpoint])
        #expect(mismatch.status == 1 && mismatch.error.split(separator: "\n").count == 1, "\(mismatch.error)")
        #expect(mismatch.error.contains("--checkpoint") && mismatch.error.contains("expected 2"), "\(mismatch.error)")

        // A log that cannot be created: one line naming it.
        let unwritable = try Recorl.run(["serve", "--checkpoint", checkpoint, "--port", "0", "--log", "sqlite:/nonexistent/dir/x.sqlite"])
        #expect(unwritable.status == 1 && unwritable.error.split(separator: "\n").count == 1, "\(unwritable.error)")
        #expect(unwritable.error.contains("--log") && unwritable.error.contains("/nonexistent/dir/x.sqlite"), "\(unwritable.error)")
    }
}
