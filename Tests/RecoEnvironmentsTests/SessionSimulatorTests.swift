import Foundation
import RecoEnvironments
import RecoEvaluation
import RecoSimulators
import RecoTensor
import Testing

/// Distribution checks of the `session` simulator against its documented rules (docs/session.md),
/// with fixed seeds. Tolerances are 4 standard errors of the quantity measured unless said otherwise.
@Suite struct SessionSimulatorTests {
    /// A copy of `settings`' world started on stream `k` of `seed`, with its first observation.
    static func started(_ world: SessionWorld, seed: UInt64 = 5, k: Int = 0) -> (SessionEnvironment, [Float], RandomGenerator) {
        var environment = SessionEnvironment(world: world)
        var generator = RandomGenerator(seed: seed, stream: UInt64(k))
        var observation = [Float](repeating: .nan, count: environment.layout.width)
        observation.withUnsafeMutableBufferPointer { environment.reset(using: &generator, observation: $0) }
        return (environment, observation, generator)
    }

    /// One step with `items` (a slate, or one item; -1 shows nothing).
    static func step(_ environment: inout SessionEnvironment, _ items: [Int32], _ generator: inout RandomGenerator,
                     _ observation: inout [Float]) -> StepOutcome {
        items.withUnsafeBufferPointer { action in
            observation.withUnsafeMutableBufferPointer { environment.step(action, using: &generator, observation: $0) }
        }
    }

    static func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    /// The documented utility, computed here from the catalogue's embeddings and the user's interest.
    static func utility(_ world: SessionWorld, _ interest: [Float], _ item: Int) -> Double {
        let e = world.catalogue.embedding(item)
        var dot = 0.0
        for j in 0..<world.catalogue.width { dot += Double(interest[j]) * Double(e[j]) }
        return world.settings.affinityWeight * dot - world.settings.popularityWeight * world.settings.zipfExponent * log(Double(item + 1))
    }

    static func noClick(_ world: SessionWorld, _ user: SessionUser) -> Double {
        world.settings.noClickUtility + (user.highActivity ? 0 : world.settings.lowActivityNoClickShift)
    }

    @Test func uniformPolicyClickRateFollowsTheChoiceModel() throws {
        // Expected: for each user's first request with a uniform item i, P(click) = σ(v_i - v_0); the
        // clicks over n users have mean Σ p and variance Σ p(1 - p).
        let world = try SessionWorld()
        var picker = RandomGenerator(seed: 77)
        var expected = 0.0, variance = 0.0, clicks = 0, averageOverItems = 0.0
        let users = 20_000
        for k in 0..<users {
            var (environment, observation, generator) = Self.started(world, k: k)
            let item = picker.index(below: world.settings.items)
            let p = Self.sigmoid(Self.utility(world, environment.interest, item) - Self.noClick(world, environment.user))
            expected += p
            variance += p * (1 - p)
            if k < 200 {  // the uniform policy's expected CTR: the mean over all items for these users
                var sum = 0.0
                for i in 0..<world.settings.items {
                    sum += Self.sigmoid(Self.utility(world, environment.interest, i) - Self.noClick(world, environment.user))
                }
                averageOverItems += sum / Double(world.settings.items)
            }
            _ = Self.step(&environment, [Int32(item)], &generator, &observation)
            if environment.lastStep.clicked >= 0 { clicks += 1 }
        }
        print(String(format: "session uniform first-request CTR: observed %.4f, rule %.4f, mean over items (200 users) %.4f",
                     Double(clicks) / Double(users), expected / Double(users), averageOverItems / 200))
        #expect(abs(Double(clicks) - expected) < 4 * variance.squareRoot())
        #expect(abs(averageOverItems / 200 - expected / Double(users)) < 0.01)
    }

    @Test func slateChoiceFrequenciesFollowTheMultinomialLogit() throws {
        var settings = SessionSettings()
        settings.slateSize = 3
        settings.affinityWeight = 8  // clicks frequent enough to count per position
        let world = try SessionWorld(settings: settings)
        var picker = RandomGenerator(seed: 78)
        var expected = [Double](repeating: 0, count: 4), observed = [Double](repeating: 0, count: 4)
        var variances = [Double](repeating: 0, count: 4)
        for k in 0..<20_000 {
            var (environment, observation, generator) = Self.started(world, seed: 6, k: k)
            var indices = [Int](repeating: 0, count: 3)
            indices.withUnsafeMutableBufferPointer { picker.sampleWithoutReplacement(from: settings.items, into: $0) }
            // P(j) = exp(v_j) / (exp(v_0) + Σ exp(v_k)), computed here in Double.
            let v = indices.map { Self.utility(world, environment.interest, $0) }
            let v0 = Self.noClick(world, environment.user)
            let weights = v.map { exp($0 - v0) } + [1]
            let total = weights.reduce(0, +)
            for j in 0..<4 {
                let p = weights[j] / total
                expected[j] += p
                variances[j] += p * (1 - p)
            }
            _ = Self.step(&environment, indices.map { Int32($0) }, &generator, &observation)
            let clicked = environment.lastStep.clicked
            observed[clicked >= 0 ? indices.firstIndex(of: Int(clicked))! : 3] += 1
        }
        for j in 0..<4 {
            #expect(abs(observed[j] - expected[j]) < 4 * variances[j].squareRoot(), "option \(j): \(observed[j]) against \(expected[j])")
        }
        // The formula of the rule itself.
        let p = SessionDynamics.choiceProbabilities(utilities: [1, 2], noClick: 0)
        let z = exp(1.0) + exp(2.0) + 1
        #expect(abs(p[0] - exp(1) / z) < 1e-12 && abs(p[1] - exp(2) / z) < 1e-12 && abs(p[2] - 1 / z) < 1e-12)
    }

    /// Settings where every shown item is clicked and users never leave or change session.
    static func alwaysClicking() -> SessionSettings {
        var settings = SessionSettings()
        settings.affinityWeight = 0
        settings.popularityWeight = 0
        settings.noClickUtility = -30
        settings.lowActivityNoClickShift = 0
        settings.highActivityPatience = 1e9
        settings.lowActivityPatience = 1e9
        settings.sessionEndProbability = 0
        return settings
    }

    @Test func cartsAndPurchasesFollowTheClickAfterTheDocumentedDelays() throws {
        // One click at step 0, then nothing shown: a cart comes with probability 0.3 at step d, d uniform
        // in 1...3, crediting r2 = 2; a purchase follows with probability 0.5, 1...5 steps after the cart,
        // crediting r3 = 5.
        let world = try SessionWorld(settings: Self.alwaysClicking())
        var cartDelays = [Int](repeating: 0, count: 4), purchaseDelays = [Int](repeating: 0, count: 6)
        var carts = 0, purchases = 0
        let users = 6_000
        for k in 0..<users {
            var (environment, observation, generator) = Self.started(world, k: k)
            var outcome = Self.step(&environment, [7], &generator, &observation)
            #expect(environment.lastStep.clicked == 7 && outcome.reward == 1)
            var cartStep = -1
            for t in 1...9 {
                outcome = Self.step(&environment, [-1], &generator, &observation)
                let record = environment.lastStep
                if record.carts == 1 {
                    #expect(outcome.reward == 2)
                    cartDelays[t] += 1
                    carts += 1
                    cartStep = t
                }
                if record.purchases == 1 {
                    #expect(outcome.reward == 5)
                    purchaseDelays[t - cartStep] += 1
                    purchases += 1
                }
            }
        }
        let cartRate = Double(carts) / Double(users)
        #expect(abs(cartRate - 0.3) < 4 * (0.3 * 0.7 / Double(users)).squareRoot())
        #expect(abs(Double(purchases) / Double(carts) - 0.5) < 4 * (0.25 / Double(carts)).squareRoot())
        #expect(cartDelays[0] == 0)
        for d in 1...3 {
            let share = Double(cartDelays[d]) / Double(carts)
            #expect(abs(share - 1.0 / 3) < 4 * (2.0 / 9 / Double(carts)).squareRoot(), "cart delay \(d): \(share)")
        }
        for d in 1...5 {
            let share = Double(purchaseDelays[d]) / Double(purchases)
            #expect(abs(share - 0.2) < 4 * (0.16 / Double(purchases)).squareRoot(), "purchase delay \(d): \(share)")
        }
    }

    @Test func delayedRewardsAreDiscountedAndDroppedAtTheEpisodesEnd() throws {
        var settings = Self.alwaysClicking()
        settings.cartProbability = 1
        settings.cartDelayMin = 2
        settings.cartDelayMax = 2
        settings.purchaseProbability = 1
        settings.purchaseDelayMin = 3
        settings.purchaseDelayMax = 3
        settings.delayDiscount = 0.5
        let world = try SessionWorld(settings: settings)
        var (environment, observation, generator) = Self.started(world)
        var rewards: [Float] = []
        rewards.append(Self.step(&environment, [3], &generator, &observation).reward)
        for _ in 0..<6 { rewards.append(Self.step(&environment, [-1], &generator, &observation).reward) }
        // Cart at step 2 worth 2 · 0.5², purchase at step 5 worth 5 · 0.5⁵.
        #expect(rewards == [1, 0, 0.5, 0, 0, 5.0 / 32, 0])

        settings.maxSteps = 2  // the episode ends before the cart: it is dropped
        let short = try SessionWorld(settings: settings)
        var (environment2, observation2, generator2) = Self.started(short)
        let first = Self.step(&environment2, [3], &generator2, &observation2)
        let second = Self.step(&environment2, [-1], &generator2, &observation2)
        #expect(first.reward == 1 && second.reward == 0 && second.truncated)
        // The next episode (VectorEnvironment resets at once) never sees the cart.
        observation2.withUnsafeMutableBufferPointer { environment2.reset(using: &generator2, observation: $0) }
        for _ in 0..<4 {
            let later = Self.step(&environment2, [-1], &generator2, &observation2)
            #expect(later.reward == 0 && environment2.lastStep.carts == 0)
        }
    }

    @Test func interestDriftMatchesTheDocumentedRate() throws {
        // Within a session u ← normalize(u + σ n), n ~ N(0, I/E): after k steps E[1 - cos(u_0, u_k)] is
        // about 1 - exp(-k σ² (E - 1) / (2E)) = 0.0458 for k = 10, σ = 0.1, E = 16.
        var settings = Self.alwaysClicking()
        settings.noClickUtility = 30  // nothing clicked; drift does not depend on clicks anyway
        let world = try SessionWorld(settings: settings)
        let k = 10, users = 3_000
        var sum = 0.0
        for user in 0..<users {
            var (environment, observation, generator) = Self.started(world, k: user)
            let start = environment.interest
            for _ in 0..<k { _ = Self.step(&environment, [-1], &generator, &observation) }
            let end = environment.interest
            sum += 1 - Double(zip(start, end).map { $0 * $1 }.reduce(0, +))
        }
        let sigma = settings.withinSessionDrift, e = Double(settings.embeddingWidth)
        let expected = 1 - exp(-Double(k) * sigma * sigma * (e - 1) / (2 * e))
        let observed = sum / Double(users)
        print(String(format: "session drift: 1 - cos after %d steps %.4f, rule %.4f", k, observed, expected))
        #expect(abs(observed - expected) < 0.1 * expected)
    }

    @Test func theTailsShareOfOrganicDemandIsTheZipfSum() throws {
        // s = 1, I = 1000, head = 200 items: tail share (H_1000 - H_200) / H_1000 = 0.2148.
        let world = try SessionWorld()
        let harmonic = { (n: Int) in (1...n).reduce(0.0) { $0 + 1 / Double($1) } }
        let expected = (harmonic(1_000) - harmonic(200)) / harmonic(1_000)
        #expect(abs(world.catalogue.tailDemandShare - expected) < 1e-9)
        #expect(abs(expected - 0.2148) < 1e-3)
        var generator = RandomGenerator(seed: 9)
        let draws = 200_000
        var tail = 0, first = 0
        for _ in 0..<draws {
            let item = world.catalogue.sampleOrganic(using: &generator)
            if world.catalogue.isTail(item) { tail += 1 }
            if item == 0 { first += 1 }
        }
        let share = Double(tail) / Double(draws)
        #expect(abs(share - expected) < 4 * (expected * (1 - expected) / Double(draws)).squareRoot())
        let p0 = 1 / harmonic(1_000)
        #expect(abs(Double(first) / Double(draws) - p0) < 4 * (p0 * (1 - p0) / Double(draws)).squareRoot())
    }

    @Test func thePenaltyByHand() throws {
        var settings = SessionSettings()
        settings.items = 100
        settings.categories = 4
        let world = try SessionWorld(settings: settings)
        let c = world.catalogue
        let same = (1..<100).first { c.category($0) == c.category(0) }!
        let other = (1..<100).first { c.category($0) != c.category(0) }!
        let recent: [Int32] = [Int32(same), -1, Int32(other)]
        func penalty(_ shown: [Int32], _ kind: SessionSimilarity) -> Float {
            shown.withUnsafeBufferPointer { s in recent.withUnsafeBufferPointer { SessionDynamics.penalty(shown: s, recent: $0, kind: kind, catalogue: c) } }
        }
        #expect(penalty([0], .category) == 1)
        let lonely = (1..<100).first { item in ![c.category(same), c.category(other)].contains(c.category(item)) }!
        #expect(penalty([Int32(lonely)], .category) == 0)
        #expect(penalty([0, Int32(lonely)], .category) == 0.5)
        let cosines = [c.cosine(0, same), c.cosine(0, other)]
        #expect(abs(penalty([0], .embedding) - max(0, cosines.max()!)) < 1e-6)
        #expect(penalty([], .category) == 0)

        // In the environment: R' = R - lambda · penalty; showing item 0 twice gives penalty 1.
        settings.diversityPenalty = 0.5
        let penalised = try SessionWorld(settings: settings)
        var (environment, observation, generator) = Self.started(penalised)
        let first = Self.step(&environment, [0], &generator, &observation)
        #expect(environment.lastStep.penalty == 0 && first.reward == environment.lastStep.tieredReward)
        let second = Self.step(&environment, [0], &generator, &observation)
        #expect(environment.lastStep.penalty == 1 && environment.lastStep.repeats == 1)
        #expect(second.reward == environment.lastStep.tieredReward - 0.5)
    }

    @Test func boredUsersLeave() throws {
        // Never clicking: b = 1, then with the item repeated 0.8 · 1 + 1 + 1 = 2.8 (≥ 2.5: a low-activity
        // user leaves at the 2nd request), then 0.8 · 2.8 + 2 = 4.24 (≥ 4: a high-activity one at the 3rd).
        // Without repeats b = 1, 1.8, 2.44, 2.95: the low-activity user leaves at the 4th request.
        for (high, repeating, length) in [(false, true, 2), (true, true, 3), (false, false, 4), (true, false, 8)] {
            var settings = SessionSettings()
            settings.noClickUtility = 50
            settings.sessionEndProbability = 0
            settings.highActivityShare = high ? 1 : 0
            let world = try SessionWorld(settings: settings)
            var (environment, observation, generator) = Self.started(world)
            var steps = 0, outcome = StepOutcome(reward: 0)
            repeat {
                steps += 1
                outcome = Self.step(&environment, [Int32(repeating ? 1 : steps)], &generator, &observation)
            } while !outcome.terminated && steps < 20
            #expect(steps == length && outcome.terminated && !outcome.truncated, "high \(high) repeating \(repeating): \(steps)")
        }
    }

    @Test func metricDefinitionsByHand() throws {
        var settings = SessionSettings()
        settings.items = 10
        settings.categories = 2
        settings.headShare = 0.2  // head: items 0 and 1; tail: 2...9 (8 items)
        let world = try SessionWorld(settings: settings)
        var accumulator = SessionMetricsAccumulator(catalogue: world.catalogue)
        func record(_ time: Int, clicked: Int32, carts: Int = 0, purchases: Int = 0, repeats: Int = 0, high: Bool, new: Bool,
                    reward: Float) -> SessionStepRecord {
            var r = SessionStepRecord()
            (r.time, r.shown, r.clicked, r.carts, r.purchases, r.repeats) = (time, 1, clicked, carts, purchases, repeats)
            (r.highActivity, r.isNewUser, r.reward) = (high, new, reward)
            return r
        }
        // Episode 1, a new low-activity user: items 0, 2, 2 (a repeat), click on the second request,
        // its purchase at the third.
        accumulator.add(record(0, clicked: -1, high: false, new: true, reward: 0), shown: [0], done: false)
        accumulator.add(record(1, clicked: 2, high: false, new: true, reward: 1), shown: [2], done: false)
        accumulator.add(record(2, clicked: -1, purchases: 1, repeats: 1, high: false, new: true, reward: 5), shown: [2], done: true)
        // Episode 2, a returning high-activity user: item 3 clicked.
        accumulator.add(record(0, clicked: 3, high: true, new: false, reward: 1), shown: [3], done: true)
        let r = accumulator.report
        #expect(r.requests == 4 && r.episodes == 2)
        #expect(r.clickThroughRate == 2.0 / 4)
        #expect(r.conversionRate == 1.0 / 4)
        #expect(r.lowActivityConversionRate == 1.0 / 3)
        #expect(r.tailCoverage == 2.0 / 8)  // items 2 and 3
        #expect(r.repetitionRate == 1.0 / 4)
        #expect(r.sessionLength == 2)
        #expect(r.newUserClickThroughRate == 1.0 / 3)
        #expect(r.meanReturn == 3.5)
    }

    @Test func groupTransferRaisesNewUsersEarlyClickThroughRate() throws {
        // Every evaluated user is new; the transfer policy assigns them to the nearest group centroid by
        // context (then by their first clicks) and recommends that group's items; popularity recommends
        // everyone the same items. CTR over the first five requests.
        var settings = SessionSettings()
        settings.newUserShare = 1
        let world = try SessionWorld(settings: settings)
        var training = settings
        training.newUserShare = 0  // training users bring their histories
        let trainingWorld = try SessionWorld(settings: training)
        let transfer = try SessionRecommender(kind: .groupTransfer, world: trainingWorld)
        let popularity = try SessionRecommender(kind: .popularity, world: trainingWorld)
        let environment = VectorEnvironment(copies: 50) { _ in SessionEnvironment(world: world) }
        let withTransfer = try SessionMetrics.evaluate(environment, episodes: 2_000, seed: 11, policy: transfer)
        let without = try SessionMetrics.evaluate(environment, episodes: 2_000, seed: 11, policy: popularity)
        print(String(format: "session cold start, new users' CTR@5: group transfer %.4f (%d requests), popularity %.4f (%d requests)",
                     withTransfer.newUserClickThroughRate, withTransfer.newUserEarlyRequests,
                     without.newUserClickThroughRate, without.newUserEarlyRequests))
        #expect(withTransfer.newUserEarlyRequests > 5_000)
        #expect(withTransfer.newUserClickThroughRate > without.newUserClickThroughRate + 0.03)
    }

    @Test func badSettingsAreOneLineErrors() throws {
        func failure(_ json: String) -> String? {
            do {
                _ = try SessionSettings.decode(json: json)
                return nil
            } catch {
                return "\(error)"
            }
        }
        let cases = [
            (#"{"items": 10, "categories": 2, "slateSize": 20}"#, ["slateSize", "20", "1 to the 10 items"]),
            (#"{"cartReward": -1}"#, ["cartReward", "-1", "at least 0"]),
            (#"{"clickReward": -0.5}"#, ["clickReward", "-0.5"]),
            (#"{"diversityPenalty": -0.1}"#, ["diversityPenalty", "-0.1", "at least 0"]),
            (#"{"items": 1}"#, ["items", "1"]),
            (#"{"similarity": "colour"}"#, ["similarity", "wrong type"]),
            (#"{"slate": 3}"#, ["slate", "one of"]),
            (#"{"cartDelayMin": 3, "cartDelayMax": 2}"#, ["cartDelayMax", "2"]),
            (#"[1, 2]"#, ["settings", "JSON object"]),
        ]
        for (json, words) in cases {
            let message = try #require(failure(json), "\(json) was accepted")
            #expect(!message.contains("\n"), "\(message)")
            for word in words { #expect(message.contains(word), "\(json): \(message)") }
        }
        #expect(failure(#"{"items": 500, "slateSize": 5, "similarity": "embedding", "diversityPenalty": 0.2}"#) == nil)
        #expect(throws: SessionSettingsError.self) { try SessionEnvironment(settings: { var s = SessionSettings(); s.diversityPenalty = -1; return s }()) }
    }

    @Test func sameSeedSameTrajectoryAndSnapshotsResume() throws {
        var settings = SessionSettings()
        settings.slateSize = 2
        let world = try SessionWorld(settings: settings)
        func run(_ environment: VectorEnvironment<SessionEnvironment>, steps: Int, actions seed: UInt64) -> [Float] {
            var picker = RandomGenerator(seed: seed)
            var trace: [Float] = []
            var actions = [Int32](repeating: 0, count: environment.copies * 2)
            for _ in 0..<steps {
                for i in 0..<environment.copies {
                    actions[2 * i] = Int32(picker.index(below: 40))
                    actions[2 * i + 1] = Int32(40 + picker.index(below: 40))
                }
                actions.withUnsafeBufferPointer { environment.step($0) }
                trace += Array(environment.rewards) + environment.observations.toArray()
            }
            return trace
        }
        let a = VectorEnvironment(copies: 4) { _ in SessionEnvironment(world: world) }
        let b = VectorEnvironment(copies: 4) { _ in SessionEnvironment(world: world) }
        a.reset(seed: 3)
        b.reset(seed: 3)
        #expect(run(a, steps: 100, actions: 1) == run(b, steps: 100, actions: 1))
        // The same settings build the same world.
        let again = try SessionWorld(settings: settings)
        #expect(Array(again.catalogue.embeddings) == Array(world.catalogue.embeddings))
        // A snapshot taken mid-run resumes the same trajectory.
        let snapshot = try a.snapshot()
        let tail = run(a, steps: 50, actions: 2)
        let c = VectorEnvironment(copies: 4) { _ in SessionEnvironment(world: world) }
        try c.restore(from: snapshot)
        #expect(run(c, steps: 50, actions: 2) == tail)
    }

    @Test func theObservationShowsTheWindowAndContext() throws {
        var settings = SessionSettings()
        settings.newUserShare = 1
        settings.windowLength = 4
        let world = try SessionWorld(settings: settings)
        var (environment, observation, generator) = Self.started(world)
        let layout = environment.layout
        #expect(layout.width == 6 * 4 + 7 && environment.observationIds == ObservationIds(columns: 4, vocabulary: 1_001))
        #expect(observation[0..<4].allSatisfy { $0 == 1_000 })  // a new user: padding only
        let device = (0..<3).filter { observation[layout.deviceOffset + $0] == 1 }
        #expect(device.count == 1)
        let sin = observation[layout.timeOffset], cos = observation[layout.timeOffset + 1]
        #expect(abs(sin * sin + cos * cos - 1) < 1e-5)
        _ = Self.step(&environment, [17], &generator, &observation)
        #expect(observation[0..<3].allSatisfy { $0 == 1_000 } && observation[3] == 17)
        let kind = environment.lastStep.clicked == 17 ? 1 : 0
        #expect(observation[layout.slotFeatureOffset(3) + kind] == 1)
        #expect(observation[layout.progressOffset] == Float(1) / 50)
        var returning = settings
        returning.newUserShare = 0
        let (_, full, _) = Self.started(try SessionWorld(settings: returning))
        #expect(full[0..<4].allSatisfy { $0 < 1_000 })  // four organic clicks
        #expect((0..<4).allSatisfy { full[layout.slotFeatureOffset($0) + 1] == 1 })
    }

    @Test func aMillionItemsBuildAndStep() throws {
        var settings = SessionSettings()
        settings.items = 1_000_000
        let world = try SessionWorld(settings: settings)
        #expect(world.catalogue.bytes < 100_000_000)  // 64 MB of embeddings, 2 MB categories, 8 MB popularity
        let environment = VectorEnvironment(copies: 16) { _ in SessionEnvironment(world: world) }
        environment.reset(seed: 1)
        var picker = RandomGenerator(seed: 2)
        var actions = [Int32](repeating: 0, count: 16)
        var episodes = 0
        for _ in 0..<2_000 {
            for i in 0..<16 { actions[i] = Int32(picker.index(below: 1_000_000)) }
            actions.withUnsafeBufferPointer { environment.step($0) }
            episodes += environment.drainCompletedEpisodes().count
        }
        #expect(episodes > 100)
        #expect(environment.observations.toArray().allSatisfy { $0.isFinite && $0 <= 1_000_000 })
    }
}
