import Foundation
import RecoTestSupport
import Testing
@testable import RecoNetworks
@testable import RecoTensor

@Suite struct OptimizerTests {
    func store(_ values: [Float], gradients: [Float]) -> ParameterStore {
        let store = ParameterStore(tensors: [ParameterTensor(name: "w", shape: [values.count], offset: 0)])
        _ = store.values.update(from: values)
        _ = store.gradients.update(from: gradients)
        return store
    }

    /// The vectorised Adam kernel rounds exactly like its plain reference (odd length: vector body and tail).
    @Test func adamKernelMatchesItsReferenceBitForBit() {
        var generator = RandomGenerator(seed: 401)
        let n = 1037
        func buffers() -> [[Float]] {
            (0..<4).map { k in (0..<n).map { _ in k == 3 ? generator.uniform(0, 1) : generator.uniform(-1, 1) } }
        }
        let start = buffers()
        var (p1, m1, v1) = (start[0], start[2], start[3])
        var (p2, m2, v2) = (start[0], start[2], start[3])
        let constants = AdamStepConstants(beta1: 0.9, beta2: 0.999, epsilon: 1e-8, stepSize: 0.003,
                                          inverseRootCorrection2: 1.7, l2: 0.01, shrink: 0.999)
        Kernels.adamUpdate(parameters: &p1, gradients: start[1], firstMoment: &m1, secondMoment: &v1,
                           count: n, constants: constants)
        Kernels.adamUpdateReference(parameters: &p2, gradients: start[1], firstMoment: &m2, secondMoment: &v2,
                                    count: n, constants: constants)
        let fast = [p1, m1, v1], plain = [p2, m2, v2]
        #expect(fast == plain)
    }

    @Test func adamFollowsTheBiasCorrectedFormulaOverSteps() {
        let p = store([1, -2], gradients: [0.5, -0.1])
        let adam = Adam(learningRate: 0.1, parameterCount: 2)
        adam.step(p)
        // Step 1: m = 0.1 g, v = 0.001 g^2, corrected m/sqrt(v) = sign(g): p -= 0.1 sign(g).
        #expect(abs(p.values[0] - 0.9) < 1e-6 && abs(p.values[1] - (-1.9)) < 1e-6)
        _ = p.gradients.update(from: [0.5, 0.3])
        adam.step(p)
        // Step 2 for the second parameter, by hand in Double.
        let m = 0.9 * 0.1 * -0.1 + 0.1 * 0.3, v = 0.999 * 0.001 * 0.01 + 0.001 * 0.09
        let update = 0.1 * (m / (1 - 0.81)) / ((v / (1 - 0.998001)).squareRoot() + 1e-8)
        #expect(abs(Double(p.values[1]) - (-1.9 - update)) < 1e-6)
        #expect(adam.stepCount == 2)
    }

    @Test func adamWDecaysWeightsIndependentlyOfTheGradient() {
        let p = store([2], gradients: [0])
        let adamW = Adam(learningRate: 0.1, weightDecay: 0.5, decoupledWeightDecay: true, parameterCount: 1)
        adamW.step(p)
        #expect(abs(p.values[0] - 2 * (1 - 0.05)) < 1e-6)   // zero gradient: only the decay acts
        let l2 = store([2], gradients: [0])
        Adam(learningRate: 0.1, weightDecay: 0.5, parameterCount: 1).step(l2)
        #expect(abs(l2.values[0] - 1.9) < 1e-5)   // L2 goes through the moments: a full lr-sized step
    }

    @Test func sgdWithAndWithoutMomentum() {
        let plain = store([1, 1], gradients: [0.5, -1])
        SGD(learningRate: 0.1, parameterCount: 2).step(plain)
        #expect(Array(plain.values) == [0.95, 1.1])
        let heavy = store([1], gradients: [1])
        let sgd = SGD(learningRate: 0.1, momentum: 0.9, parameterCount: 1)
        sgd.step(heavy)   // u = 1, p = 0.9
        sgd.step(heavy)   // u = 1.9, p = 0.71
        #expect(abs(heavy.values[0] - 0.71) < 1e-6)
    }

    @Test func clippingBoundsTheGlobalNorm() {
        let p = store([0, 0, 0], gradients: [3, 0, 4])
        #expect(abs(p.clipGradientNorm(maxNorm: 1) - 5) < 1e-5)
        #expect(abs(p.gradientNorm() - 1) < 1e-4)
        #expect(allCloseArrays(Array(p.gradients), [0.6, 0, 0.8], 1e-4))
        let small = store([0, 0], gradients: [0.3, 0.4])
        small.clipGradientNorm(maxNorm: 1)
        #expect(Array(small.gradients) == [0.3, 0.4])
    }

    @Test func gradientNormOfALargeStoreMatchesDouble() {
        var generator = RandomGenerator(seed: 402)
        let n = 300_001
        let values = (0..<n).map { _ in generator.uniform(-1, 1) }
        let p = store([Float](repeating: 0, count: n), gradients: values)
        let expected = values.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(abs(Double(p.gradientNorm()) - expected) < 1e-5 * expected)
    }

    /// The trap of a target network that silently never updates: copies and Polyak averages must move
    /// the target's own parameters, and the two networks must not share storage afterwards.
    @Test func targetUpdatesMoveTheTargetAndKeepStorageSeparate() throws {
        var generator = RandomGenerator(seed: 403)
        let specs = SequentialNetwork.mlp(inputs: 3, hidden: [4], outputs: 2)
        let online = try SequentialNetwork(specs, maxBatch: 2, generator: &generator)
        let target = try SequentialNetwork(specs, maxBatch: 2, generator: &generator)
        let onlineBefore = Array(online.parameters.values), targetBefore = Array(target.parameters.values)
        #expect(onlineBefore != targetBefore)

        target.polyakAverage(from: online, tau: 0.25)
        let expected = zip(onlineBefore, targetBefore).map { 0.25 * $0 + 0.75 * $1 }
        #expect(allCloseArrays(Array(target.parameters.values), expected, 1e-6))

        target.copyParameters(from: online)
        #expect(Array(target.parameters.values) == onlineBefore)
        online.parameters.values[0] += 1
        #expect(target.parameters.values[0] == onlineBefore[0])
        // The target's forward pass uses the copied parameters.
        let x = Matrix(rows: 1, columns: 3, values: [0.3, -0.2, 0.9])
        let fromTarget = target.forward(x.view).toArray()
        online.parameters.values[0] -= 1
        #expect(fromTarget == online.forward(x.view).toArray())
    }
}

func allCloseArrays(_ a: [Float], _ b: [Float], _ tolerance: Float) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance }
}
