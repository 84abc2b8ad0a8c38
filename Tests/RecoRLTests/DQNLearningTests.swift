import Testing
import RecoEnvironments
import RecoExperiments
import RecoEvaluation
import RecoRL
import RecoSimulators
import RecoTensor

/// Learning tests: each variant, trained with a fixed seed and budget, must reach a level that a broken
/// update (wrong target, wrong sign, no target update) would not.
@Suite(.serialized) struct DQNLearningTests {
    func trained(_ configuration: DQNConfiguration, on environment: BatchedEnvironment, steps: Int,
                 seed: UInt64) throws -> DQNAgent {
        var generator = RandomGenerator(seed: seed)
        let agent = try DQNAgent(configuration: configuration, for: environment, generator: &generator)
        try agent.train(on: environment, steps: steps, seed: seed, generator: &generator)
        return agent
    }

    func greedyReturn(_ agent: DQNAgent, _ environment: BatchedEnvironment, episodes: Int) throws -> Float {
        try PolicyEvaluation.evaluate(environment, episodes: episodes, seed: 99, policy: agent.greedyPolicy).meanReturn
    }

    /// DQN balances the pole: mean return of at least 195 over 100 greedy episodes after 100,000
    /// environment steps (8 copies).
    @Test func dqnSolvesCartPoleWithin100kSteps() throws {
        let environment = VectorEnvironment(copies: 8) { _ in CartPole() }
        let agent = try trained(.cartPole, on: environment, steps: 100_000, seed: 1)
        let evaluation = VectorEnvironment(copies: 100) { _ in CartPole() }
        let score = try greedyReturn(agent, evaluation, episodes: 100)
        #expect(score >= 195, "mean return \(score)")
    }

    /// Marketing baselines over the same 200 evaluation users.
    static let marketingBaselines: (random: Float, bestFixed: Float) = {
        let evaluation = VectorEnvironment(copies: 100) { _ in MarketingEnvironment() }
        // Both baselines are fixed policies on a fixed environment: they cannot fail to evaluate.
        let random = try! PolicyEvaluation.uniformRandom(evaluation, episodes: 200, seed: 99, policySeed: 5).meanReturn
        let fixed = try! PolicyEvaluation.bestFixedAction(evaluation, episodes: 200, seed: 99).result.meanReturn
        return (random, fixed)
    }()

    /// Each variant on marketing, 30,000 environment steps (8 copies): at least 1.5 times the uniform
    /// random policy's return and above the best fixed strategy's.
    @Test(arguments: ["dqn", "double", "dueling", "n-step", "prioritized"])
    func variantBeatsTheMarketingBaselines(variant: String) throws {
        var configuration = DQNConfiguration.marketing
        switch variant {
        case "double": configuration.double = true
        case "dueling": configuration.dueling = true
        case "n-step": configuration.nSteps = 3
        case "prioritized": configuration.prioritized = true
        default: break
        }
        let environment = VectorEnvironment(copies: 8) { _ in MarketingEnvironment() }
        let agent = try trained(configuration, on: environment, steps: 30_000, seed: 2)
        let score = try greedyReturn(agent, VectorEnvironment(copies: 100) { _ in MarketingEnvironment() }, episodes: 200)
        let baselines = DQNLearningTests.marketingBaselines
        #expect(score >= 1.5 * baselines.random, "\(variant): \(score) against random \(baselines.random)")
        #expect(score > baselines.bestFixed, "\(variant): \(score) against best fixed \(baselines.bestFixed)")
    }
}
