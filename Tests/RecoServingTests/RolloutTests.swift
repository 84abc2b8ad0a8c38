import Foundation
import Hummingbird
import HummingbirdTesting
import RecoEnvironments
import RecoServing
import Testing

@Suite("/v1/policies: candidates, staged roll-out, promotion and rollback over HTTP")
struct RolloutTests {
    /// A loader of test "checkpoints": files named `argmax-*` or `argmin-*` (which must exist) become
    /// the policy of that name, with the file name as version.
    static let loader: @Sendable (String) throws -> ServedPolicy = { path in
        let name = URL(fileURLWithPath: path).lastPathComponent
        let policy: Policy = name.hasPrefix("argmin") ? ArgminPolicy(width: 3) : ArgmaxPolicy(width: 3)
        return try ServedPolicy(policy: policy, version: name, actionNames: ["a0", "a1", "a2"])
    }

    /// An empty file named `name` in a fresh temporary directory.
    static func checkpointFile(_ name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rollout-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        try Data().write(to: URL(fileURLWithPath: path))
        return path
    }

    /// GET /v1/policies: the listed versions.
    static func policies(_ client: any TestClientProtocol) async throws -> [[String: Any]] {
        try await client.execute(uri: "/v1/policies", method: .get) { response in
            try #require(try object(response.body)["policies"] as? [[String: Any]])
        }
    }

    @Test("a candidate answers its share of the users, the same users each time, until promoted")
    func stagedRollout() async throws {
        let path = try Self.checkpointFile("argmax-v2")
        try await live(try makeService(loadCandidate: Self.loader)) { client in
            let added = try await post(client, "/v1/policies", #"{"checkpoint": "\#(path)", "share": 0.25}"#)
            #expect(added.status == 201)
            #expect(added.body["role"] as? String == "candidate" && added.body["version"] as? String == "argmax-v2")

            var answeredBy: [String: String] = [:]
            for i in 0..<200 {
                let response = try await post(client, "/v1/recommend", #"{"features": [0, 1, 0], "user": "u\#(i)"}"#)
                answeredBy["u\(i)"] = response.body["policy"] as? String
            }
            let candidateUsers = answeredBy.filter { $0.value == "candidate" }.map(\.key)
            #expect((30...70).contains(candidateUsers.count), "about a quarter of 200 users: \(candidateUsers.count)")
            for user in candidateUsers.prefix(10) {
                let again = try await post(client, "/v1/recommend", #"{"features": [0, 1, 0], "user": "\#(user)"}"#)
                #expect(again.body["policy"] as? String == "candidate")
                #expect(again.body["policyVersion"] as? String == "argmax-v2")
            }
            let listed = try await Self.policies(client)
            #expect(listed.map { $0["role"] as? String } == ["production", "candidate", "fallback"])
            #expect(listed[1]["decisions"] as? Int == candidateUsers.count + min(10, candidateUsers.count))

            let patched = try await client.execute(uri: "/v1/policies/argmax-v2", method: .patch, headers: [.contentType: "application/json"],
                                                   body: ByteBuffer(string: #"{"share": 0.5}"#)) { ($0.status.code, try object($0.body)) }
            #expect(patched.0 == 200 && patched.1["share"] as? Double == 0.5)

            let promoted = try await post(client, "/v1/policies/argmax-v2/promote", "")
            #expect(promoted.status == 200 && promoted.body["role"] as? String == "production")
            let after = try await post(client, "/v1/recommend", #"{"features": [0, 1, 0], "user": "anyone"}"#)
            #expect(after.body["policy"] as? String == "production" && after.body["policyVersion"] as? String == "argmax-v2")
            let roles = try await Self.policies(client).map { "\($0["version"] as? String ?? ""):\($0["role"] as? String ?? "")" }
            #expect(roles == ["argmax-v2:production", "uniform-random:fallback", "test-1:retired"])
        }
    }

    @Test("a deliberately bad candidate is rolled back automatically once it falls behind the fallback's holdout")
    func automaticRollback() async throws {
        let path = try Self.checkpointFile("argmin-bad")
        let rollout = RolloutSettings(fallbackShare: 0.3, rollbackMargin: 0.1, rollbackWindow: 15)
        let service = try makeService(rollout: rollout, loadCandidate: Self.loader)
        try await live(service) { client in
            let added = try await post(client, "/v1/policies", #"{"checkpoint": "\#(path)", "share": 0.5}"#)
            #expect(added.status == 201)
            // The reward is 1 for the largest feature's action: production earns 1, the uniform fallback
            // about 1/3, the candidate (always the smallest) 0.
            var candidateAfterRollback = 0
            var rolledBackAt: Int?
            for i in 0..<400 {
                let features = [Double(i % 3), Double((i + 1) % 3), Double((i + 2) % 3)]
                let best = features.firstIndex(of: features.max()!)!
                let decision = try await post(client, "/v1/recommend", #"{"features": \#(features), "user": "u\#(i)"}"#)
                let eventId = try #require(decision.body["eventId"] as? String)
                let reward = decision.body["action"] as? Int == best ? 1 : 0
                _ = try await post(client, "/v1/feedback", #"{"eventId": "\#(eventId)", "reward": \#(reward)}"#)
                if rolledBackAt != nil, decision.body["policy"] as? String == "candidate" { candidateAfterRollback += 1 }
                if rolledBackAt == nil, try await Self.policies(client).first(where: { $0["version"] as? String == "argmin-bad" })?["role"] as? String == "retired" {
                    rolledBackAt = i
                }
            }
            let at = try #require(rolledBackAt, "the bad candidate was never rolled back")
            #expect(at < 200, "rolled back after \(at) decisions")
            #expect(candidateAfterRollback == 0)
            let bad = try #require(try await Self.policies(client).first { $0["version"] as? String == "argmin-bad" })
            #expect((bad["note"] as? String)?.hasPrefix("rolled back automatically") == true)
            #expect(bad["meanReward"] as? Double == 0)
            let metrics = service.metrics.exposition()
            #expect(sample(metrics, "recorl_serve_rollbacks_total", #"trigger="automatic""#) == 1)
            #expect(sample(metrics, "recorl_serve_version_mean_reward", #"version="argmin-bad""#) == 0)
        }
    }

    @Test("bad requests to /v1/policies are 4xx naming the field")
    func refusals() async throws {
        let path = try Self.checkpointFile("argmax-v2")
        try await live(try makeService(loadCandidate: Self.loader)) { client in
            let missing = try await post(client, "/v1/policies", #"{"checkpoint": "/no/such/file", "share": 0.5}"#)
            #expect(missing.status == 404)
            #expect(try error(missing.body)["field"] as? String == "checkpoint")
            let share = try await post(client, "/v1/policies", #"{"checkpoint": "\#(path)", "share": 1.5}"#)
            #expect(share.status == 422)
            #expect(try error(share.body)["field"] as? String == "share")
            let malformed = try await post(client, "/v1/policies", #"{"share": 0.5}"#)
            #expect(malformed.status == 400)
            #expect(try error(malformed.body)["field"] as? String == "checkpoint")
            let first = try await post(client, "/v1/policies", #"{"checkpoint": "\#(path)", "share": 0.5}"#)
            #expect(first.status == 201)
            let second = try await post(client, "/v1/policies", #"{"checkpoint": "\#(path)", "share": 0.5}"#)
            #expect(second.status == 409)
            let unknown = try await post(client, "/v1/policies/nope/promote", "")
            #expect(unknown.status == 404)
            #expect(try error(unknown.body)["value"] as? String == "nope")
            let notCandidate = try await post(client, "/v1/policies/test-1/promote", "")
            #expect(notCandidate.status == 409)
        }
        // Without a loader the endpoint does not exist for this service.
        try await live(try makeService()) { client in
            let absent = try await post(client, "/v1/policies", #"{"checkpoint": "x", "share": 0.5}"#)
            #expect(absent.status == 404)
        }
    }
}
