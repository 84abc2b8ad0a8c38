import Foundation
import RecoEnvironments
import RecoEvaluation
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
        let environment = VectorEnvironment(copies: copies) { _ in MarketingEnvironment() }
        var generator = RandomGenerator(seed: 11)
        let evaluation = VectorEnvironment(copies: 100) { _ in MarketingEnvironment() }
        let agent = try DQNAgent(configuration: configuration, for: environment, generator: &generator)
        let start = DispatchTime.now().uptimeNanoseconds
        try agent.train(on: environment, steps: steps, seed: 11, generator: &generator)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let trained = try PolicyEvaluation.evaluate(evaluation, episodes: 200, seed: 5, policy: agent.greedyPolicy)
        let random = try PolicyEvaluation.uniformRandom(evaluation, episodes: 200, seed: 5, policySeed: 6)
        let fixed = try PolicyEvaluation.bestFixedAction(evaluation, episodes: 200, seed: 5)
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
