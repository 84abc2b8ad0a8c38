import Foundation
import Testing

/// `recorl train` and `recorl evaluate` on `--env reviews`: a prepared synthetic dataset, a short run,
/// the top-K table from the checkpoint and from the baselines alone, and the flag errors.
@Suite struct ReviewsCommandTests {
    let directory: URL
    var data: String { directory.appendingPathComponent("data").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("recorl-reviews-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let fixture = RecorlCommandTests.packageRoot.appendingPathComponent("Fixtures/synthetic_reviews.json").path
        let prepared = try RecorlCommandTests().run(["data", "prepare", "--reviews", fixture, "--min-reviews", "2", "--out", data])
        #expect(prepared.status == 0, "\(prepared.error)")
    }

    @Test func trainsThenEvaluatesWithTheTopKTable() throws {
        let run = directory.appendingPathComponent("run").path
        let trained = try RecorlCommandTests().run(["train", "--env", "reviews", "--data", data, "--steps", "3000",
                                                    "--eval-episodes", "20", "--out", run], seconds: 120)
        #expect(trained.status == 0, "\(trained.error)")
        #expect(trained.output.contains("NDCG@10") && trained.output.contains("trained dqn (greedy)"))
        let evaluated = try RecorlCommandTests().run(["evaluate", "--checkpoint", run + "/checkpoint.safetensors", "--k", "5",
                                                      "--episodes", "20"])
        #expect(evaluated.status == 0, "\(evaluated.error)")
        for name in ["NDCG@5", "trained dqn (greedy)", "popularity", "item co-occurrence", "matrix factorisation (ALS)"] {
            #expect(evaluated.output.contains(name), "\(name) missing from:\n\(evaluated.output)")
        }
        let baselines = try RecorlCommandTests().run(["evaluate", "--env", "reviews", "--data", data])
        #expect(baselines.status == 0 && baselines.output.contains("popularity") && !baselines.output.contains("trained"))
    }

    @Test func compareAddsTheTopKTable() throws {
        let compared = try RecorlCommandTests().run(["compare", "--env", "reviews", "--data", data, "--algos", "dqn,ppo",
                                                     "--seeds", "1", "--steps", "2000", "--eval-episodes", "10",
                                                     "--out", directory.appendingPathComponent("compare").path], seconds: 120)
        #expect(compared.status == 0, "\(compared.error)")
        for name in ["NDCG@10", "dqn seed 1", "ppo seed 1", "popularity"] {
            #expect(compared.output.contains(name), "\(name) missing from:\n\(compared.output)")
        }
    }

    @Test func environmentSettingsAreRecordedWithTheRun() throws {
        let settings = directory.appendingPathComponent("settings.json")
        try Data(#"{"horizon": 5, "rewardWeight": "rating"}"#.utf8).write(to: settings)
        let run = directory.appendingPathComponent("run-rating").path
        let trained = try RecorlCommandTests().run(["train", "--env", "reviews", "--data", data, "--env-config", settings.path,
                                                    "--steps", "2000", "--eval-episodes", "10", "--out", run], seconds: 120)
        #expect(trained.status == 0, "\(trained.error)")
        #expect(trained.output.contains("the next 5 reviewed items (rating gains)"))
        let evaluated = try RecorlCommandTests().run(["evaluate", "--checkpoint", run + "/checkpoint.safetensors", "--episodes", "10"])
        #expect(evaluated.status == 0 && evaluated.output.contains("the next 5 reviewed items (rating gains)"), "\(evaluated.error)")
        let slate = directory.appendingPathComponent("slate.json")
        try Data(#"{"slateSize": 3}"#.utf8).write(to: slate)
        let baselines = try RecorlCommandTests().run(["evaluate", "--env", "reviews", "--data", data, "--env-config", slate.path])
        #expect(baselines.status == 0 && baselines.output.contains("popularity"), "\(baselines.error)")
    }

    @Test func dataFlagsAreOneLineErrors() throws {
        let unknown = directory.appendingPathComponent("unknown.json")
        try Data(#"{"horizn": 5}"#.utf8).write(to: unknown)
        let slate = directory.appendingPathComponent("slate.json")
        try Data(#"{"slateSize": 3}"#.utf8).write(to: slate)
        let cases: [([String], String)] = [
            (["train", "--env", "reviews", "--steps", "10"], "--env reviews: needs --data DIR"),
            (["train", "--env", "marketing", "--data", data, "--steps", "10"], "--data: \(data) is not valid with --env marketing"),
            (["train", "--env", "reviews", "--data", directory.path, "--steps", "10"], "--data \(directory.path):"),
            (["evaluate", "--env", "marketing"], "--env: marketing has no offline top-K table"),
            (["evaluate"], "--checkpoint: missing"),
            (["evaluate", "--env", "reviews", "--data", data, "--k", "0"], "--k: 0 is not valid"),
            (["train", "--env", "reviews", "--env-config", unknown.path, "--steps", "10"], "--env-config: needs --data DIR"),
            (["train", "--env", "reviews", "--data", data, "--env-config", unknown.path, "--steps", "10"],
             "--env-config: reviews setting horizn: is not a setting"),
            (["train", "--env", "reviews", "--data", data, "--env-config", slate.path, "--steps", "10"], "actionSpace"),
        ]
        for (arguments, expected) in cases {
            let outcome = try RecorlCommandTests().run(arguments)
            #expect(outcome.status != 0, "\(arguments)")
            #expect(outcome.firstErrorLine.contains(expected), "\(arguments): \(outcome.firstErrorLine)")
            #expect(outcome.error.split(separator: "\n").count == 1, "\(arguments): \(outcome.error)")
        }
    }
}
