import Foundation
import Testing
@testable import RecoRL
import RecoEnvironments
import RecoExperiments
import RecoSimulators
import RecoTensor

/// Discrete SAC's quantities on a 2-state, 3-action example worked by hand.
///
/// State 0: logits (0, ln 2, 0), so pi = (1/4, 1/2, 1/4); Q1 = (1, 2, 3), Q2 = (2, 1, 3), min Q = (1, 1, 3).
/// State 1: logits (0, 0, 0), so pi = (1/3, 1/3, 1/3); Q1 = (0, 3, 6), Q2 = (1, 2, 6), min Q = (0, 2, 6).
/// Temperature alpha = 0.5.
@Suite struct SACTests {
    let logits = Matrix(rows: 2, columns: 3, values: [0, Float(Foundation.log(2.0)), 0, 0, 0, 0])
    let q1 = Matrix(rows: 2, columns: 3, values: [1, 2, 3, 0, 3, 6])
    let q2 = Matrix(rows: 2, columns: 3, values: [2, 1, 3, 1, 2, 6])
    // H0 = -(2 * 1/4 ln 1/4 + 1/2 ln 1/2) = ln 2 + (ln 2) / 2 = 1.0397208; H1 = ln 3 = 1.0986123.
    let entropies: [Float] = [1.0397208, 1.0986123]

    /// V(s) = sum_a pi (min Q - alpha log pi) = sum_a pi min Q + alpha H:
    /// V0 = (1/4 + 1/2 + 3/4) + 0.5 * 1.0397208 = 2.0198604; V1 = 8/3 + 0.5 * 1.0986123 = 3.2159728.
    @Test func softStateValue() {
        var values: [Float] = [0, 0]
        var entropy: [Float] = [0, 0]
        Kernels.softStateValues(logits: logits.view, q1: q1.view, q2: q2.view, temperature: 0.5, into: &values, entropy: &entropy)
        #expect(abs(values[0] - 2.0198604) < 1e-5 && abs(values[1] - 3.2159728) < 1e-5, "\(values)")
        #expect(abs(entropy[0] - entropies[0]) < 1e-5 && abs(entropy[1] - entropies[1]) < 1e-5)
    }

    /// L(s) = sum_a pi (alpha log pi - min Q) = -V(s). With f = alpha log pi - min Q and a gradient scale of
    /// 1/2 (the batch mean), dL/dz = (1/2) pi (f - L):
    /// state 0: f = (-0.6931472 - 1, -0.3465736 - 1, -0.6931472 - 3), f - L = (0.3267132, 0.6732868, -1.6732868),
    ///          gradient (0.0408392, 0.1683217, -0.2091609);
    /// state 1: f - L = (8/3, 2/3, -10/3), gradient (4/9, 1/9, -5/9).
    @Test func softActorLossAndGradient() {
        var losses: [Float] = [0, 0]
        var entropy: [Float] = [0, 0]
        let gradient = Matrix(rows: 2, columns: 3)
        Kernels.softActorLoss(logits: logits.view, q1: q1.view, q2: q2.view, temperature: 0.5, gradientScale: 0.5,
                              losses: &losses, entropy: &entropy, gradient: gradient.view)
        #expect(abs(losses[0] + 2.0198604) < 1e-5 && abs(losses[1] + 3.2159728) < 1e-5, "\(losses)")
        let expected: [Float] = [0.0408392, 0.1683217, -0.2091609, 4.0 / 9, 1.0 / 9, -5.0 / 9]
        for (value, reference) in zip(gradient.view.toArray(), expected) { #expect(abs(value - reference) < 1e-5) }
    }

    /// With the target entropy half of log 3 (0.5493061), the mean entropy 1.0691666 is above target, so
    /// the gradient on log alpha is positive: alpha (mean H - target) = 0.5 * 0.5198605 = 0.2599302.
    @Test func temperatureGradient() {
        var configuration = SACConfiguration()
        configuration.targetEntropyFraction = 0.5
        let target = configuration.targetEntropy(actions: 3)
        #expect(abs(target - 0.5493061) < 1e-6)
        let gradient = entropies.withUnsafeBufferPointer {
            SACAgent.temperatureGradient(temperature: 0.5, entropies: $0, targetEntropy: target)
        }
        #expect(abs(gradient - 0.2599302) < 1e-5)
    }

    /// One update moves each target critic by Polyak averaging toward its critic (a target that never
    /// updates, or updates from a copy, would fail), lowers the temperature of a near-uniform policy whose
    /// entropy is above target, and changes the actor.
    @Test func updateMovesTargetsTemperatureAndActor() throws {
        var configuration = SACConfiguration()
        configuration.hiddenLayers = [16]
        configuration.batchSize = 8
        configuration.tau = 0.25
        configuration.targetEntropyFraction = 0.3
        var generator = RandomGenerator(seed: 11)
        let environment = VectorEnvironment(copies: 2) { _ in CartPole() }
        let agent = try SACAgent(configuration: configuration, for: environment, generator: &generator)
        try agent.train(on: environment, steps: 40, seed: 3, generator: &generator)
        let targetBefore = Array(agent.target1.parameters.values)
        let actorBefore = Array(agent.actor.parameters.values)
        let temperatureBefore = agent.temperature
        agent.update(using: &generator)
        let critic = Array(agent.critic1.parameters.values)
        for (i, value) in agent.target1.parameters.values.enumerated() {
            #expect(abs(value - (0.25 * critic[i] + 0.75 * targetBefore[i])) < 1e-6)
        }
        #expect(agent.temperature < temperatureBefore)
        #expect(Array(agent.actor.parameters.values) != actorBefore)
    }

    /// Training takes one gradient step per `trainFrequency` environment steps from `learningStarts` on, and
    /// the tuned temperature stays positive and finite.
    @Test func trainingKeepsTheTemperaturePositiveAndFinite() throws {
        var configuration = SACConfiguration.cartPole
        configuration.learningStarts = 64
        var generator = RandomGenerator(seed: 12)
        let environment = VectorEnvironment(copies: 4) { _ in CartPole() }
        let agent = try SACAgent(configuration: configuration, for: environment, generator: &generator)
        try agent.train(on: environment, steps: 2_000, seed: 4, generator: &generator)
        #expect(agent.temperature > 0 && agent.temperature.isFinite)
        #expect(agent.gradientStepCount == (2_000 - 64) / 4 + 1)
    }
}
