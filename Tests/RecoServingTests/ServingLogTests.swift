import Foundation
import HummingbirdTesting
import RecoEnvironments
import RecoServing
import RecoSimulators
import Testing

@Suite("Serving with an interaction log")
struct ServingLogTests {
    @Test("a decision is in the log when its answer arrives, and its joined feedback when that is answered")
    func logsDecisionsAndJoinedRewards() async throws {
        let path = try temporaryLogPath()
        let log = try InteractionLog(path: path)
        // The default window (60 s): the tests run side by side on a loaded machine, and joining is what is checked.
        let service = try makeService(log: log)
        try await live(service) { client in
            let first = try await post(client, "/v1/recommend", #"{"features": [0, 1, 0], "user": "alice"}"#)
            let firstId = try #require(first.body["eventId"] as? String)
            // Committed before the answer: readable at once.
            let logged = try #require(try InteractionLog.read(path: path).first)
            #expect(logged.decision == DecisionRecord(eventId: firstId, time: logged.decision.time, user: "alice", policy: "production",
                                                      version: "test-1", features: [0, 1, 0], action: 1, propensity: 1))
            #expect(abs(logged.decision.time.timeIntervalSinceNow) < 60)
            let joined = try await post(client, "/v1/feedback", #"{"eventId": "\#(firstId)", "reward": 0.75}"#)
            #expect(joined.status == 200)
            #expect(try InteractionLog.read(path: path).first?.reward?.reward == 0.75)
            #expect(try InteractionLog.read(path: path).first?.reward?.outcome == "joined")
        }
        await log.close()
    }

    @Test("a decision whose window closes without feedback gets the default reward in the log")
    func logsExpiredRewards() async throws {
        let path = try temporaryLogPath()
        let log = try InteractionLog(path: path)
        let service = try makeService(window: .milliseconds(200), defaultReward: -0.5, log: log)
        try await live(service) { client in
            let second = try await post(client, "/v1/recommend", #"{"features": [2, 1, 0]}"#)
            let secondId = try #require(second.body["eventId"] as? String)
            // Expired by the sweeper, then committed with the next batch (waited for: a loaded machine is slow).
            let deadline = ContinuousClock.now + .seconds(60)
            var expired: RewardRecord?
            while expired == nil && ContinuousClock.now < deadline {
                expired = try InteractionLog.read(path: path).first { $0.decision.eventId == secondId }?.reward
                if expired == nil { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(expired?.outcome == "expired")
            #expect(expired?.reward == -0.5)
            #expect(try InteractionLog.read(path: path).first { $0.decision.eventId == secondId }?.decision.user == nil)
        }
        await log.close()
    }

    @Test("a log that cannot write answers 503 naming the log, and the service keeps running")
    func logFailureIs503() async throws {
        let path = try temporaryLogPath()
        let log = try InteractionLog(path: path)
        await log.close()
        try await live(try makeService(log: log)) { client in
            let answer = try await post(client, "/v1/recommend", #"{"features": [0, 1, 0]}"#)
            #expect(answer.status == 503)
            #expect(try error(answer.body)["field"] as? String == "log")
            #expect((try error(answer.body)["expected"] as? String)?.contains(path) == true)
            let health = try await client.execute(uri: "/healthz", method: .get) { $0.status.code }
            #expect(health == 200)
        }
    }

    @Test("the log exported as RecoGym CSV reads back with RecoGymLog.read")
    func recoGymExport() async throws {
        let path = try temporaryLogPath()
        let log = try InteractionLog(path: path)
        let users: [String?] = ["bob", "ann", "bob", nil, "ann"]
        for (i, user) in users.enumerated() {
            try await log.append(decisionRecord("e\(i)", second: 1_700_000_000 + Double(i), user: user, action: i % 3,
                                                propensity: i == 0 ? 1 : 0.5))
            try await log.append(RewardRecord(eventId: "e\(i)", reward: Double(i % 2), outcome: "joined", time: Date()))
        }
        try await log.append(decisionRecord("pending", second: 1_700_000_100))
        await log.close()

        let csv = try Recorl.temporaryDirectory() + "/log.csv"
        let written = try ServedLogExport.write(from: path, to: URL(fileURLWithPath: csv))
        #expect(written.rows == 5 && written.withoutReward == 1)
        let rows = try RecoGymLog.read(contentsOf: URL(fileURLWithPath: csv))
        #expect(rows == [
            .bandit(time: 0, user: 0, action: 0, click: 0, propensity: 1),
            .bandit(time: 1, user: 1, action: 1, click: 1, propensity: 0.5),
            .bandit(time: 2, user: 0, action: 2, click: 0, propensity: 0.5),
            .bandit(time: 3, user: 2, action: 0, click: 1, propensity: 0.5),
            .bandit(time: 4, user: 1, action: 1, click: 0, propensity: 0.5),
        ])
        #expect(try String(contentsOfFile: csv, encoding: .utf8).hasPrefix("t,u,z,v,a,c,ps,ps-a\n"))

        // A reward RecoGym cannot hold (not a click) is an error naming the event.
        let graded = try temporaryLogPath()
        let gradedLog = try InteractionLog(path: graded)
        try await gradedLog.append(decisionRecord("g"))
        try await gradedLog.append(RewardRecord(eventId: "g", reward: 0.5, outcome: "joined", time: Date()))
        await gradedLog.close()
        let refused = #expect(throws: InteractionLogError.self) { try ServedLogExport.write(from: graded, to: URL(fileURLWithPath: csv)) }
        #expect(refused.map { "\($0)" }?.contains("event g") == true)
    }

    @Test("the mean-reward model of doubly robust: the mean of each action, the overall mean for an unseen one")
    func actionMeans() throws {
        let log = try [(0, 1.0), (0, 0.0), (1, 1.0)].map { action, reward in
            try LoggedInteraction(context: [0], action: action, propensity: 0.5, reward: Float(reward))
        }
        let model = ActionMeanRewardModel(fittedTo: log, actionCount: 3)
        #expect(model.means == [0.5, 1, 2.0 / 3])
    }
}
