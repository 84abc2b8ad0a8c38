import Testing
import RecoEnvironments
import RecoExperiments
import RecoEvaluation
import RecoRL
import RecoSimulators
import RecoTensor

/// Learning tests for the actor-critic family: each algorithm, trained with a fixed seed and budget, must
/// reach a level that a broken update (wrong sign, wrong advantage, target critics that never move)
/// would not.
@Suite(.serialized) struct PolicyLearningTests {
    enum Algorithm: String, CaseIterable { case a2c, ppo, sac }

    func makeAgent(_ algorithm: Algorithm, cartPole: Bool, environment: BatchedEnvironment,
                   generator: inout RandomGenerator) throws -> Agent {
        switch algorithm {
        case .a2c:
            return try A2CAgent(configuration: cartPole ? .cartPole : .marketing, for: environment, generator: &generator)
        case .ppo:
            return try PPOAgent(configuration: cartPole ? .cartPole : .marketing, for: environment, generator: &generator)
        case .sac:
            return try SACAgent(configuration: cartPole ? .cartPole : .marketing, for: environment, generator: &generator)
        }
    }

    func greedyReturn(_ agent: Agent, _ environment: BatchedEnvironment, episodes: Int) throws -> Float {
        try PolicyEvaluation.evaluate(environment, episodes: episodes, seed: 99, policy: agent.greedyPolicy).meanReturn
    }

    /// A2C and PPO within 200,000 environment steps, discrete SAC within 100,000: a mean return of at
    /// least 195 (PPO, A2C) or 150 (SAC) over 100 greedy episodes.
    @Test(arguments: Algorithm.allCases)
    func balancesCartPole(algorithm: Algorithm) throws {
        let copies = algorithm == .ppo ? 4 : 8
        let environment = VectorEnvironment(copies: copies) { _ in CartPole() }
        var generator = RandomGenerator(seed: 1)
        let agent = try makeAgent(algorithm, cartPole: true, environment: environment, generator: &generator)
        let steps = algorithm == .sac ? 100_000 : 200_000
        try agent.train(on: environment, steps: steps, seed: 1, generator: &generator)
        let score = try greedyReturn(agent, VectorEnvironment(copies: 100) { _ in CartPole() }, episodes: 100)
        #expect(score >= (algorithm == .sac ? 150 : 195), "\(algorithm): mean return \(score)")
    }

    /// Each algorithm on marketing (8 copies): at least 1.5 times the uniform random policy's return and
    /// above the best fixed strategy's, on the same 200 evaluation users as the DQN tests.
    @Test(arguments: Algorithm.allCases)
    func beatsTheMarketingBaselines(algorithm: Algorithm) throws {
        let environment = VectorEnvironment(copies: 8) { _ in MarketingEnvironment() }
        var generator = RandomGenerator(seed: 2)
        let agent = try makeAgent(algorithm, cartPole: false, environment: environment, generator: &generator)
        let steps = algorithm == .sac ? 30_000 : 60_000
        try agent.train(on: environment, steps: steps, seed: 2, generator: &generator)
        let score = try greedyReturn(agent, VectorEnvironment(copies: 100) { _ in MarketingEnvironment() }, episodes: 200)
        let baselines = DQNLearningTests.marketingBaselines
        #expect(score >= 1.5 * baselines.random, "\(algorithm): \(score) against random \(baselines.random)")
        #expect(score > baselines.bestFixed, "\(algorithm): \(score) against best fixed \(baselines.bestFixed)")
    }
}
