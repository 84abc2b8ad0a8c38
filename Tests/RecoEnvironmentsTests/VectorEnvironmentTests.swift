import RecoEnvironments
import RecoSimulators
import RecoTensor
import Testing

@Suite struct VectorEnvironmentTests {
    /// Row `i` of `view` as an array.
    static func row(_ view: MatrixView, _ i: Int) -> [Float] {
        Array(UnsafeBufferPointer(start: view.rowPointer(i), count: view.columns))
    }

    /// Steps a vector of `count` copies made by `make` for `steps` steps with actions `action(step, copy)`,
    /// and checks every copy against a replica stepped alone on the same stream (`seed`, copy index):
    /// observations, rewards and flags; on an episode's end, the finished episode's last observation in
    /// `finalObservations` and the next episode's first in `observations`; and the drained summaries.
    /// Returns how many episodes ended by termination and by truncation.
    static func checkAgainstReplicas<E: Environment>(count: Int, seed: UInt64, steps: Int, make: () -> E,
                                                     action: (Int, Int) -> Int) -> (terminated: Int, truncated: Int) {
        let vector = VectorEnvironment(copies: count) { _ in make() }
        vector.reset(seed: seed)
        var replicas = (0..<count).map { _ in make() }
        var generators = (0..<count).map { RandomGenerator(seed: seed, stream: UInt64($0)) }
        for i in 0..<count { #expect(row(vector.observations, i) == replicas[i].reset(using: &generators[i])) }
        var returns = [Float](repeating: 0, count: count), lengths = [Int](repeating: 0, count: count)
        var ended = (terminated: 0, truncated: 0)
        for step in 0..<steps {
            let actions = (0..<count).map { Int32(action(step, $0)) }
            actions.withUnsafeBufferPointer { vector.step($0) }
            var expectedSummaries: [EpisodeSummary] = []
            for i in 0..<count {
                let (observation, outcome) = replicas[i].step(Int(actions[i]), using: &generators[i])
                #expect(vector.rewards[i] == outcome.reward)
                #expect(vector.terminated[i] == outcome.terminated && vector.truncated[i] == outcome.truncated)
                returns[i] += outcome.reward
                lengths[i] += 1
                if outcome.terminated || outcome.truncated {
                    #expect(row(vector.finalObservations, i) == observation)
                    #expect(row(vector.observations, i) == replicas[i].reset(using: &generators[i]))
                    expectedSummaries.append(EpisodeSummary(totalReward: returns[i], length: lengths[i]))
                    returns[i] = 0
                    lengths[i] = 0
                    if outcome.terminated { ended.terminated += 1 } else { ended.truncated += 1 }
                } else {
                    #expect(row(vector.observations, i) == observation)
                }
            }
            #expect(vector.drainCompletedEpisodes() == expectedSummaries)
            #expect(vector.drainCompletedEpisodes().isEmpty)
        }
        return ended
    }

    @Test func cartPoleCopiesResetAutomaticallyAndKeepTheFinalObservation() {
        // Mostly pushing right tips the poles over: many terminated episodes of different lengths.
        let ended = VectorEnvironmentTests.checkAgainstReplicas(count: 3, seed: 17, steps: 120, make: { CartPole() },
                                                                action: { step, copy in (step + copy) % 4 == 0 ? 0 : 1 })
        #expect(ended.terminated >= 6 && ended.truncated == 0)
    }

    @Test func cartPoleTimeLimitTruncates() {
        let ended = VectorEnvironmentTests.checkAgainstReplicas(count: 2, seed: 3, steps: 45, make: { CartPole(maxEpisodeSteps: 15) },
                                                                action: { step, _ in step % 2 })
        #expect(ended.truncated == 6 && ended.terminated == 0)
    }

    @Test func marketingCopiesTruncateAndTerminate() {
        // Always "discount 20% via sms" is a poor strategy for most users: some unsubscribe, others
        // reach the end of their 5 contacts.
        let poor = VectorEnvironmentTests.checkAgainstReplicas(count: 4, seed: 9, steps: 60, make: { MarketingEnvironment(contactsPerEpisode: 5) },
                                                               action: { _, _ in 9 })
        #expect(poor.terminated >= 1 && poor.truncated >= 1)
        let varied = VectorEnvironmentTests.checkAgainstReplicas(count: 4, seed: 9, steps: 30, make: { MarketingEnvironment(contactsPerEpisode: 5) },
                                                                 action: { step, copy in (5 * step + copy) % 18 })
        #expect(varied.terminated + varied.truncated >= 20)
    }

    @Test func finalObservationOfATruncatedMarketingEpisodeShowsAllContactsUsed() {
        let vector = VectorEnvironment(copies: 2) { _ in MarketingEnvironment(contactsPerEpisode: 2) }
        vector.reset(seed: 4)
        let adaptive = (0..<2).map { Int32(MarketingPolicyTests.adaptive(vector.copy($0).user)) }
        adaptive.withUnsafeBufferPointer { vector.step($0) }
        #expect(vector.observations[0, 10] == 0.5 && !vector.truncated[0])
        let next = (0..<2).map { Int32(MarketingPolicyTests.adaptive(vector.copy($0).user)) }
        next.withUnsafeBufferPointer { vector.step($0) }
        for i in 0..<2 {
            #expect(vector.truncated[i] && !vector.terminated[i])
            #expect(vector.finalObservations[i, 10] == 1 && vector.observations[i, 10] == 0)
        }
        #expect(vector.drainCompletedEpisodes().map(\.length) == [2, 2])
    }

    @Test func sameSeedGivesIdenticalRolloutsAndCopiesUseDifferentStreams() {
        func rollout(seed: UInt64) -> [Float] {
            let vector = VectorEnvironment(copies: 4) { _ in MarketingEnvironment() }
            vector.reset(seed: seed)
            var values = (0..<4).flatMap { VectorEnvironmentTests.row(vector.observations, $0) }
            for step in 0..<25 {
                let actions = (0..<4).map { Int32((step * 7 + $0) % 18) }
                actions.withUnsafeBufferPointer { vector.step($0) }
                values += (0..<4).flatMap { VectorEnvironmentTests.row(vector.observations, $0) } + Array(vector.rewards)
            }
            return values
        }
        #expect(rollout(seed: 5) == rollout(seed: 5))  // bit-identical on purpose
        #expect(rollout(seed: 5) != rollout(seed: 6))

        let cartPoles = VectorEnvironment(copies: 3) { _ in CartPole() }
        cartPoles.reset(seed: 5)
        let rows = (0..<3).map { VectorEnvironmentTests.row(cartPoles.observations, $0) }
        #expect(rows[0] != rows[1] && rows[1] != rows[2] && rows[0] != rows[2])
    }
}
