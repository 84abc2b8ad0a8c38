import Foundation
import Testing
@testable import RecoExperiments
@testable import RecoRL
import RecoEnvironments
import RecoSimulators
@testable import RecoTensor

/// Issue 9, item 1: every size, count and text a user controls is bounded, and a bad one throws an error
/// naming the field, the value and what was expected instead of trapping or allocating without bound.
@Suite struct InputBoundsTests {
    /// The error `body` throws, as `ConfigurationError`.
    func configurationError(_ body: () throws -> Void) -> ConfigurationError? {
        do { try body() } catch let error as ConfigurationError { return error } catch { return nil }
        return nil
    }

    func decode<C: AlgorithmConfiguration>(_ type: C.Type, _ json: String) throws -> C {
        try JSONDecoder().decode(C.self, from: Data(json.utf8))
    }

    // MARK: sizes and counts of configurations

    @Test func sizesOfEveryAlgorithmAreBounded() throws {
        let cases: [(String, String, String)] = [
            ("dqn", #"{"hiddenLayers": [100000000]}"#, "hiddenLayers"),
            ("dqn", #"{"batchSize": 100000000}"#, "batchSize"),
            ("dqn", #"{"bufferCapacity": 1000000000}"#, "bufferCapacity"),
            ("dqn", #"{"nSteps": 100000000}"#, "nSteps"),
            ("dqn", #"{"gradientSteps": 100000000}"#, "gradientSteps"),
            ("dqn", #"{"learningStarts": 9223372036854775807}"#, "learningStarts"),
            ("dqn", #"{"prioritized": true, "priorityExponent": 1e38}"#, "priorityExponent"),
            ("sac", #"{"batchSize": 100000000}"#, "batchSize"),
            ("sac", #"{"hiddenLayers": [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]}"#, "hiddenLayers"),
            ("a2c", #"{"rolloutSteps": 1000000000}"#, "rolloutSteps"),
            ("ppo", #"{"rolloutSteps": 1000000000}"#, "rolloutSteps"),
            ("ppo", #"{"epochs": 100000000}"#, "epochs"),
            ("ppo", #"{"minibatches": 100000000}"#, "minibatches"),
        ]
        for (algorithm, json, field) in cases {
            let entry = try #require(AlgorithmRegistry.standard.entries.first { $0.name == algorithm })
            let error = configurationError {
                try entry.decodeConfiguration(Data(json.utf8)).validate(copies: 8)
            }
            #expect(error?.field == field, "\(algorithm) \(json): \(String(describing: error))")
            #expect(error?.value != nil)
            #expect(error.map { "\($0)".contains("expected") } == true)
        }
    }

    @Test func memoryIsCheckedBeforeAnythingIsAllocated() throws {
        // Each width is allowed, but two 65,536-wide layers would take 68 GiB of parameters.
        var dqn = DQNConfiguration()
        dqn.hiddenLayers = [65_536, 65_536]
        let wide = configurationError { try dqn.validate(copies: 8) }
        #expect(wide?.field == "hiddenLayers")
        #expect(wide.map { "\($0)".contains("4.0 GiB") } == true)
        // The replay: 100,000,000 transitions of 1,000 values is far past the limit.
        dqn = DQNConfiguration()
        dqn.bufferCapacity = 100_000_000
        #expect(configurationError { try dqn.validateMemory(copies: 8, observationWidth: 1_000, actions: 10) }?.field
                    == "bufferCapacity")
        // A rollout of a million steps over 4,096 copies.
        var ppo = PPOConfiguration()
        ppo.rolloutSteps = 1_000_000
        #expect(configurationError { try ppo.validate(copies: 4_096) }?.field == "rolloutSteps")
        // The defaults fit.
        try DQNConfiguration().validateMemory(copies: 8, observationWidth: 11, actions: 18)
        try PPOConfiguration().validateMemory(copies: 8, observationWidth: 11, actions: 18)
        try A2CConfiguration().validateMemory(copies: 8, observationWidth: 11, actions: 18)
        try SACConfiguration().validateMemory(copies: 8, observationWidth: 11, actions: 18)
    }

    @Test func arithmeticOnUserValuesCannotOverflow() throws {
        var ppo = PPOConfiguration()
        ppo.rolloutSteps = 1_000_000
        #expect(configurationError { try ppo.validate(copies: Int.max) }?.field == "rolloutSteps")
        var a2c = A2CConfiguration()
        a2c.rolloutSteps = 1_000_000
        #expect(configurationError { try a2c.validate(copies: Int.max / 2) }?.field == "rolloutSteps")

        // Rounding a run up to whole rollouts: an error, not a trap.
        var configuration = PPOConfiguration()
        configuration.hiddenLayers = [8]
        var generator = RandomGenerator(seed: 1)
        let spaces = try EnvironmentSpaces(observationSpace: .unboundedBox(4), actionSpace: .discrete(2), copies: 2)
        let agent = try PPOAgent(configuration: configuration, spaces: spaces, generator: &generator)
        do {
            _ = try agent.train(on: VectorEnvironment(copies: 2) { _ in CartPole() }, steps: Int.max, seed: 1,
                                generator: &generator)
            Issue.record("a run of Int.max steps was accepted")
        } catch let error as TrainingError {
            guard case let .invalidSetting(field, value, _) = error else { Issue.record("\(error)"); return }
            #expect(field == "steps" && value == "\(Int.max)")
        }

        // The evaluation schedule saturates instead of overflowing.
        let schedule = CallbackSchedule([ProgressCallback(every: Int.max) { _ in }])
        #expect(!schedule.isDue(at: 300, totalSteps: 301))
        #expect(schedule.isDue(at: 301, totalSteps: 301))
    }

    @Test func experimentRequestsAreBounded() throws {
        let experiment = Experiment()
        for (change, flag) in [({ (r: inout TrainingRequest) in r.copies = 100_000_000 }, "--envs"),
                               ({ (r: inout TrainingRequest) in r.steps = Int.max }, "--steps"),
                               ({ (r: inout TrainingRequest) in r.evaluationEpisodes = 0 }, "--eval-episodes"),
                               ({ (r: inout TrainingRequest) in r.output = "" }, "--out")] {
            var request = TrainingRequest()
            change(&request)
            do {
                _ = try experiment.resolvedConfiguration(request)
                Issue.record("\(flag) accepted")
            } catch {
                #expect("\(error)".hasPrefix(flag), "\(error)")
            }
        }
        #expect(throws: ExperimentError.self) { try RunDirectory(creating: "") }
    }

    // MARK: configuration text

    @Test func duplicateKeysAreErrorsNamingTheKey() throws {
        let flat = configurationError { try ConfigurationText.check(Data(#"{"gamma": 0.5, "learningRate": 1e-3, "gamma": 0.9}"#.utf8)) }
        #expect(flat?.field == "gamma")
        #expect(flat.map { "\($0)".contains("named twice") } == true)
        let nested = configurationError {
            try ConfigurationText.check(Data(#"{"exploration": {"start": 1, "end": 0.1, "start": 0.5}}"#.utf8))
        }
        #expect(nested?.field == "exploration.start")
        // A key spelt with an escape is the same key.
        let escaped = configurationError { try ConfigurationText.check(Data(#"{"gamma": 0.5, "g\u0061mma": 0.9}"#.utf8)) }
        #expect(escaped?.field == "gamma")
        // The same key in different objects, keys inside strings, and escaped quotes are fine.
        try ConfigurationText.check(Data(#"{"a": {"start": 1}, "b": {"start": 2}, "c": "\"start\": 1, \"start\""}"#.utf8))
        try ConfigurationText.check(Data(#"{"hiddenLayers": [64, 64], "exploration": {"start": 1, "end": 0.05, "rate": 0.0002}}"#.utf8))

        // Through the file path `--config` takes.
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bounds-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(#"{"batchSize": 64, "batchSize": 128}"#.utf8).write(to: url)
        var request = TrainingRequest()
        request.configurationFile = url.path
        do {
            _ = try Experiment().resolvedConfiguration(request)
            Issue.record("a duplicate key was accepted")
        } catch {
            #expect("\(error)".contains("batchSize: named twice"), "\(error)")
        }
    }

    @Test func hugeListsAndFilesAreRefusedBeforeDecoding() throws {
        let longList = "{\"hiddenLayers\": [" + Array(repeating: "1", count: 5_000).joined(separator: ",") + "]}"
        let list = configurationError { try ConfigurationText.check(Data(longList.utf8)) }
        #expect(list?.field == "hiddenLayers")
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(configurationError { try ConfigurationText.check(Data(("{\"hiddenLayers\": " + deep + "}").utf8)) }?.field
                    == "hiddenLayers")
        let huge = Data(count: ConfigurationLimits.maximumFileBytes + 1)
        #expect(configurationError { try ConfigurationText.check(huge) }?.field == "(file)")

        // A 50 MB list through `--config`: refused at once, having read only the first MiB.
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bounds-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        let big = "{\"hiddenLayers\": [" + String(repeating: "64,", count: 16_000_000) + "64]}"
        try Data(big.utf8).write(to: url)
        var request = TrainingRequest()
        request.configurationFile = url.path
        let start = Date()
        do {
            _ = try Experiment().resolvedConfiguration(request)
            Issue.record("a 50 MB list was accepted")
        } catch {
            #expect("\(error)".contains("at most \(ConfigurationLimits.maximumFileBytes) bytes"), "\(error)")
        }
        #expect(Date().timeIntervalSince(start) < 2)
    }

    // MARK: replay priorities

    @Test func hugeTDErrorsGiveFinitePriorities() throws {
        let buffer = try PrioritizedReplayBuffer(capacity: 4, observationWidth: 1, alpha: 1, beta: 0.4)
        let feed = ReplayFeed(into: buffer, copies: 1, nSteps: 1, gamma: 0.9)
        for t in 0..<4 {
            feed.add(ReplayTestStep(observations: [[Float(t)]], actions: [0], rewards: [0], nextObservations: [[0]],
                                    terminated: [false], truncated: [false]))
        }
        let batch = ReplayBatch(size: 4, observationWidth: 1)
        for i in 0..<4 { batch.indices[i] = i }
        let errors: [Float] = [.infinity, .greatestFiniteMagnitude, 1, .nan]
        errors.withUnsafeBufferPointer { buffer.updatePriorities(of: batch, tdErrors: $0) }
        #expect(buffer.maxPriority.isFinite)
        var generator = RandomGenerator(seed: 3)
        buffer.sample(into: batch, using: &generator)
        #expect((0..<4).allSatisfy { batch.weights[$0].isFinite })
    }

    // MARK: threads and BLAS kernels

    @Test func threadCountsAreBounded() throws {
        let maximum = ThreadPolicy.maximumThreadCount
        #expect(maximum >= 1 && maximum <= 256)
        try ThreadPolicy.validateThreadCount(1, source: "--threads")
        for bad in [0, -5, maximum + 1, 100_000, 3_000_000_000] {
            #expect(throws: ThreadCountError.self) { try ThreadPolicy.validateThreadCount(bad, source: "--threads") }
        }
        do {
            try ThreadPolicy.validateThreadCount(3_000_000_000, source: "--threads")
        } catch {
            #expect("\(error)" == "--threads: 3000000000 is not valid; expected \(ThreadPolicy.acceptedThreadCounts)")
        }
        #expect(try ThreadPolicy.environmentThreadCount([:]) == nil)
        #expect(try ThreadPolicy.environmentThreadCount(["RECORL_THREADS": " 1 "]) == 1)
        for bad in ["abc", "0", "-1", "0x10", "1e3", "100000", "99999999999999999999"] {
            #expect(throws: ThreadCountError.self) { try ThreadPolicy.environmentThreadCount(["RECORL_THREADS": bad]) }
        }
    }

    @Test func unknownBLASCoreTypesAreErrors() {
        #expect(BLASKernels.policyProblem(environment: [:]) == nil)
        for good in ["auto", "system", "haswell", "SKYLAKEX", " Zen "] {
            #expect(BLASKernels.policyProblem(environment: ["RECORL_BLAS_CORETYPE": good]) == nil, "\(good)")
        }
        let problem = BLASKernels.policyProblem(environment: ["RECORL_BLAS_CORETYPE": "BOGUS"])
        #expect(problem?.hasPrefix("RECORL_BLAS_CORETYPE: \"BOGUS\" is not valid; expected auto, system") == true)
        #expect(BLASKernels.preferredCoreType(environment: ["RECORL_BLAS_CORETYPE": "BOGUS"], cpuSupportsAVX512: true) == nil)
    }

    // MARK: marketing users

    @Test func userFeaturesAreDecimalNumbersOnly() throws {
        let rest = "frequency=3,monetary_value=200,engagement_score=0.78,discount_sensitive=1,free_shipping_preferred=0,"
            + "email_opens=0.87,sms_response=0.12,push_response=0.05,last_purchase_days=8"
        for bad in ["0x10", "0x1p3", "nan", "inf", "1e", ".", "+", "1.2.3", "１５"] {
            #expect(throws: MarketingUserError.self) { try MarketingUser.parse("recency=\(bad)," + rest) }
        }
        for good in ["15", "15.", ".5", "1.5e1", "+15", "1E1"] {
            _ = try MarketingUser.parse("recency=\(good)," + rest)
        }
    }
}
