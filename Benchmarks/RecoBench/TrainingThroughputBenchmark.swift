import Foundation
import RecoEnvironments
import RecoRL
import RecoSimulators
import RecoTensor

/// End-to-end DQN training on the marketing environment with the command line's default settings:
/// environment steps per second, and the trained policy's return next to the baselines'.
struct TrainingThroughputResult: Codable {
    let environment: String
    let steps: Int
    let copies: Int
    let seconds: Double
    let stepsPerSecond: Double
    let gradientSteps: Int
    let trainedReturn: Float
    let randomReturn: Float
    let bestFixedReturn: Float

    static func measure(steps: Int, copies: Int, configuration: DQNConfiguration) throws -> TrainingThroughputResult {
        let environment = VectorEnvironment(count: copies) { _ in MarketingEnvironment() }
        var generator = RandomGenerator(seed: 11)
        let evaluation = VectorEnvironment(count: 100) { _ in MarketingEnvironment() }
        let agent = try DQNAgent(configuration: configuration, observationDimension: environment.observationSpace.width,
                                 actionCount: environment.actionSpace.choices ?? 0, environments: copies,
                                 maxActingBatch: max(copies, evaluation.count), generator: &generator)
        let start = DispatchTime.now().uptimeNanoseconds
        try agent.train(on: environment, steps: steps, seed: 11, generator: &generator, reportInterval: steps)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let actions = environment.actionSpace.choices ?? 0
        let trained = PolicyEvaluation.evaluate(evaluation, episodes: 200, seed: 5, policy: agent.greedyActions)
        let random = PolicyEvaluation.evaluate(evaluation, episodes: 200, seed: 5,
                                               policy: PolicyEvaluation.uniformRandom(actions: actions, seed: 6))
        let fixed = PolicyEvaluation.bestFixedAction(evaluation, actions: actions, episodes: 200, seed: 5)
        return TrainingThroughputResult(environment: "marketing", steps: steps, copies: copies, seconds: seconds,
                                        stepsPerSecond: Double(steps) / seconds, gradientSteps: agent.gradientStepCount,
                                        trainedReturn: trained.meanReturn, randomReturn: random.meanReturn,
                                        bestFixedReturn: fixed.result.meanReturn)
    }

    var text: String {
        String(format: """
            DQN training on %@ with the default settings (%d copies): %d steps in %.2f s = %.0f environment steps/s \
            (%d gradient steps; Stable-Baselines3's DQN: about 1,340 steps/s here)
            mean return over 200 evaluation episodes: trained %.3f, uniform random %.3f, best fixed strategy %.3f
            """, environment, copies, steps, seconds, stepsPerSecond, gradientSteps, trainedReturn, randomReturn,
                   bestFixedReturn)
    }
}
