import Foundation
import RecoTestSupport
import Testing
@testable import RecoRL
import RecoEnvironments
import RecoNetworks
import RecoSimulators
import RecoTensor

@Suite struct ActorCriticTests {
    /// `W W^T` (rows fewer than columns) or `W^T W` equals `gain^2 I` within `tolerance`.
    func expectOrthogonal(_ network: SequentialNetwork, layer: String, rows: Range<Int>? = nil, gain: Float) throws {
        let tensor = try #require(network.parameters.tensor(named: "\(layer).weight"))
        let full = MatrixView(base: network.parameters.values.baseAddress! + tensor.offset, rows: tensor.shape[0],
                              columns: tensor.shape[1])
        let weight = full.rows(rows ?? 0..<full.rows)
        let small = min(weight.rows, weight.columns)
        let gram = Matrix(rows: small, columns: small)
        if weight.rows <= weight.columns {
            BLAS.gemm(weight, weight, transposeB: true, into: gram.view)
        } else {
            BLAS.gemm(weight, transposeA: true, weight, into: gram.view)
        }
        for i in 0..<small {
            for j in 0..<small {
                #expect(abs(gram[i, j] - (i == j ? gain * gain : 0)) < 1e-5 * max(1, gain * gain), "layer \(layer) [\(i), \(j)]")
            }
        }
    }

    /// Hidden layers get gain sqrt(2), the policy head 0.01 and the value head 1, separately or in a
    /// shared network's split head.
    @Test func initialisationIsOrthogonalWithTheUsualGains() throws {
        var generator = RandomGenerator(seed: 31)
        let separate = try ActorCriticNetworks(observationWidth: 6, actionCount: 5, hidden: [32, 16], activation: .tanh,
                                               shared: false, learningRate: 1e-3, adamEpsilon: 1e-5, maxBatch: 4,
                                               generator: &generator)
        try expectOrthogonal(separate.actor, layer: "0", gain: Float(2).squareRoot())
        try expectOrthogonal(separate.actor, layer: "2", gain: Float(2).squareRoot())
        try expectOrthogonal(separate.actor, layer: "4", gain: 0.01)
        let critic = try #require(separate.critic)
        try expectOrthogonal(critic, layer: "0", gain: Float(2).squareRoot())
        try expectOrthogonal(critic, layer: "4", gain: 1)
        let shared = try ActorCriticNetworks(observationWidth: 6, actionCount: 5, hidden: [32, 16], activation: .tanh,
                                             shared: true, learningRate: 1e-3, adamEpsilon: 1e-5, maxBatch: 4,
                                             generator: &generator)
        #expect(shared.isShared && shared.actor.outputWidth == 6)
        try expectOrthogonal(shared.actor, layer: "4", rows: 0..<5, gain: 0.01)
        try expectOrthogonal(shared.actor, layer: "4", rows: 5..<6, gain: 1)
    }

    /// Cart-pole's spaces with 2 copies.
    let cartPoleSpaces = try! EnvironmentSpaces(observationSpace: .unboundedBox(4), actionSpace: .discrete(2), copies: 2)

    /// A rollout of 8 steps over 2 cart-pole copies collected with `agent`'s own policy.
    func collectRollout(_ networks: ActorCriticNetworks, seed: UInt64) throws -> RolloutBuffer {
        let environment = VectorEnvironment(copies: 2) { _ in CartPole() }
        environment.reset(seed: seed)
        var generator = RandomGenerator(seed: seed)
        let rollout = RolloutBuffer(steps: 8, copies: 2, observationWidth: 4)
        let policy = CategoricalPolicy(networks, mode: .sampling)
        let observations = Matrix(rows: 2, columns: 4)
        let actions = OwnedBuffer<Int32>(repeating: 0, count: 2)
        let logProbabilities = OwnedBuffer<Float>(repeating: 0, count: 2), values = OwnedBuffer<Float>(repeating: 0, count: 2)
        while !rollout.isFull {
            observations.view.copy(from: environment.observations)
            try policy.act(observations.view, into: actions.elements, logProbabilities: logProbabilities.elements,
                           values: values.elements, using: &generator)
            environment.step(UnsafeBufferPointer(actions.elements))
            rollout.add(observations: observations.view, actions: UnsafeBufferPointer(actions.elements),
                        logProbabilities: UnsafeBufferPointer(logProbabilities.elements),
                        values: UnsafeBufferPointer(values.elements), rewards: environment.rewards,
                        terminated: environment.terminated, truncated: environment.truncated,
                        finalValues: UnsafeBufferPointer(values.elements))
        }
        // Spread-out advantages so the policy loss is not flat.
        let lastValues: [Float] = [0.5, -0.5]
        lastValues.withUnsafeBufferPointer { rollout.computeAdvantages(lastValues: $0, gamma: 0.9, lambda: 0.8) }
        return rollout
    }

    /// The full PPO loss (clipped surrogate, clipped value loss, entropy bonus), through a shared and a
    /// separate network, against central finite differences on a spread of parameters.
    @Test(arguments: [false, true])
    func ppoGradientMatchesFiniteDifferences(shared: Bool) throws {
        var configuration = PPOConfiguration()
        configuration.hiddenLayers = [8]
        configuration.sharedNetwork = shared
        configuration.maxGradientNorm = nil
        configuration.entropyCoefficient = 0.05
        configuration.normalizeAdvantages = false
        var generator = RandomGenerator(seed: 41)
        let agent = try PPOAgent(configuration: configuration, spaces: cartPoleSpaces, generator: &generator)
        // Larger weights than the 0.01 policy-head gain, so the policy term is not negligible.
        for store in [agent.networks.actor.parameters] + (agent.networks.critic.map { [$0.parameters] } ?? []) {
            var noise = RandomGenerator(seed: 42)
            for i in 0..<store.count { store.values[i] += 0.3 * noise.normal() }
        }
        let rollout = try collectRollout(agent.networks, seed: 5)
        let batch = rollout.all
        _ = try #require(agent.lossAndGradients(batch))
        let stores = [agent.networks.actor.parameters] + (agent.networks.critic.map { [$0.parameters] } ?? [])
        for store in stores {
            let worst = GradientCheck.worstViolation(buffer: store.values.baseAddress!, count: store.count,
                                                     analytic: Array(store.gradients)) {
                Double(agent.lossAndGradients(batch)?.loss ?? .nan)
            }
            #expect(worst.excess <= 0, "parameter \(worst.index): analytic \(worst.analytic) numeric \(worst.numeric)")
        }
    }

    /// With per-minibatch normalisation each minibatch's advantages have mean 0, so at the first epoch,
    /// before any step (ratio 1), every minibatch's policy loss is 0. Normalising over the whole rollout
    /// instead would leave each minibatch a nonzero mean and a nonzero loss.
    @Test func advantagesAreNormalisedPerMinibatch() throws {
        var configuration = PPOConfiguration()
        configuration.hiddenLayers = [8]
        configuration.minibatches = 4
        var generator = RandomGenerator(seed: 43)
        let agent = try PPOAgent(configuration: configuration, spaces: cartPoleSpaces, generator: &generator)
        let rollout = try collectRollout(agent.networks, seed: 6)
        rollout.shuffle(using: &generator)
        var means: [Float] = []
        for k in 0..<4 {
            let minibatch = rollout.minibatch(k, of: 4)
            means.append((0..<minibatch.size).reduce(0) { $0 + minibatch.advantages[$1] } / Float(minibatch.size))
            let update = try #require(agent.lossAndGradients(minibatch))
            #expect(abs(update.policyLoss) < 1e-5, "minibatch \(k): policy loss \(update.policyLoss)")
            #expect(update.clipFraction == 0)
        }
        #expect(Set(means).count > 1, "the raw minibatch means differ, so the test can tell the axes apart")
    }

    /// Update k of K (from 0) uses learningRate * (1 - k / K): the full rate first, 1/K of it last.
    @Test func learningRateAnnealsLinearlyPerUpdate() throws {
        var configuration = A2CConfiguration()
        configuration.hiddenLayers = [8]
        configuration.learningRate = 1e-3
        var generator = RandomGenerator(seed: 44)
        let agent = try A2CAgent(configuration: configuration, spaces: cartPoleSpaces, generator: &generator)
        var rates: [Float] = []
        let perUpdate = configuration.rolloutSteps * 2
        try agent.train(on: VectorEnvironment(copies: 2) { _ in CartPole() }, steps: 8 * perUpdate, seed: 1,
                        generator: &generator, callbacks: [ProgressCallback(every: perUpdate) { progress in
                            rates.append(progress.metrics[.learningRate] ?? .nan)
                        }])
        #expect(rates.count == 8)
        for (k, rate) in rates.enumerated() { #expect(abs(rate - 1e-3 * (1 - Float(k) / 8)) < 1e-9) }
        #expect(agent.gradientStepCount == 8)
    }

    /// Training reports PPO's metrics: clip fraction, approximate KL, explained variance and entropy.
    @Test func ppoReportsItsTrainingMetrics() throws {
        var configuration = PPOConfiguration()
        configuration.hiddenLayers = [8]
        configuration.rolloutSteps = 16
        var generator = RandomGenerator(seed: 45)
        let agent = try PPOAgent(configuration: configuration, spaces: cartPoleSpaces, generator: &generator)
        let last = try agent.train(on: VectorEnvironment(copies: 2) { _ in CartPole() }, steps: 128, seed: 1,
                                   generator: &generator)
        let metrics = last.metrics
        for metric in [Metric.clipFraction, .approximateKL, .explainedVariance, .entropy, .policyLoss, .valueLoss] {
            #expect(metrics[metric]?.isFinite == true, "\(metric)")
        }
        let entropy = try #require(metrics[.entropy])
        #expect(entropy > 0 && entropy <= Float(Foundation.log(2.0)) + 1e-6)
        #expect(agent.gradientStepCount == 4 * configuration.epochs * configuration.minibatches)
    }
}
