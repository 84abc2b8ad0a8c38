import Foundation
import Testing
import RecoRL
import RecoTensor

@Suite struct PolicyGradientLossTests {
    /// Ratios 0.5, 1 and 1.5 against a clip range of 0.2, with positive and with negative advantages.
    func surrogate(advantage: Float) -> (PolicyGradientLoss.SurrogateStatistics, [Float]) {
        let old: [Float] = [0, 0, 0]
        let new: [Float] = [Foundation.log(0.5), 0, Foundation.log(1.5)]
        let advantages = [Float](repeating: advantage, count: 3)
        var coefficients = [Float](repeating: .nan, count: 3)
        let statistics = PolicyGradientLoss.clippedSurrogate(newLogProbabilities: new, oldLogProbabilities: old,
                                                             advantages: advantages, count: 3, clipRange: 0.2,
                                                             coefficients: &coefficients)
        return (statistics, coefficients)
    }

    @Test func clippedSurrogateWithPositiveAdvantages() {
        let (statistics, coefficients) = surrogate(advantage: 2)
        // r = 0.5: min(0.5 * 2, 0.8 * 2) = 1.0, unclipped, gradient -(1/3) * 0.5 * 2.
        // r = 1:   both terms 2, gradient -(1/3) * 2.
        // r = 1.5: min(3, 1.2 * 2 = 2.4) is the clipped term: no gradient.
        #expect(abs(statistics.loss - (-(1.0 + 2 + 2.4) / 3)) < 1e-6)
        #expect(abs(coefficients[0] - (-1.0 / 3)) < 1e-6)
        #expect(abs(coefficients[1] - (-2.0 / 3)) < 1e-6)
        #expect(coefficients[2] == 0)
        #expect(abs(statistics.clipFraction - 2.0 / 3) < 1e-6)
        // ((0.5 - 1) - log 0.5 + 0 + (1.5 - 1) - log 1.5) / 3
        #expect(abs(statistics.approximateKL - Float((-0.5 + 0.693147 + 0.5 - 0.405465) / 3)) < 1e-5)
    }

    @Test func clippedSurrogateWithNegativeAdvantages() {
        let (statistics, coefficients) = surrogate(advantage: -2)
        // r = 0.5: min(-1.0, 0.8 * -2 = -1.6) is the clipped term: no gradient (the ratio already fell).
        // r = 1:   -2, gradient -(1/3) * -2.
        // r = 1.5: min(-3, -2.4) = -3, unclipped, gradient -(1/3) * 1.5 * -2.
        #expect(abs(statistics.loss - (1.6 + 2 + 3) / 3) < 1e-6)
        #expect(coefficients[0] == 0)
        #expect(abs(coefficients[1] - 2.0 / 3) < 1e-6)
        #expect(abs(coefficients[2] - 1) < 1e-6)
    }

    /// The coefficients are the derivative of the loss in each new log-probability (away from the kinks).
    @Test func surrogateCoefficientsMatchFiniteDifferences() {
        let old: [Float] = [0.1, -0.3, 0.2, 0]
        let advantages: [Float] = [1.5, -0.7, 0.4, -2]
        let new: [Float] = [0.15, -0.1, -0.1, 0.05]   // ratios about 1.05, 1.22, 0.74, 1.05
        var coefficients = [Float](repeating: 0, count: 4)
        _ = PolicyGradientLoss.clippedSurrogate(newLogProbabilities: new, oldLogProbabilities: old, advantages: advantages,
                                                count: 4, clipRange: 0.2, coefficients: &coefficients)
        for i in 0..<4 {
            func loss(_ shift: Float) -> Float {
                var shifted = new
                shifted[i] += shift
                var unused = [Float](repeating: 0, count: 4)
                return PolicyGradientLoss.clippedSurrogate(newLogProbabilities: shifted, oldLogProbabilities: old,
                                                           advantages: advantages, count: 4, clipRange: 0.2,
                                                           coefficients: &unused).loss
            }
            let numeric = (loss(1e-3) - loss(-1e-3)) / 2e-3
            #expect(abs(numeric - coefficients[i]) < 2e-3, "sample \(i): \(numeric) vs \(coefficients[i])")
        }
    }

    @Test func valueLossClipsAroundTheCollectedValues() {
        let values = Matrix(rows: 3, columns: 1, values: [1, 1, 3])
        let returns: [Float] = [2, 0, 0]
        let old: [Float] = [1.5, 1.5, 2]
        let gradient = Matrix(rows: 3, columns: 1)
        // Sample 0: error -1; the clipped value 1.3 errs by -0.7, so the unclipped square 1 counts.
        // Sample 1: error 1; the clipped value 1.3 errs by 1.3 (1.69 > 1): the clipped term counts, no gradient.
        // Sample 2: error 3; the clipped value 2.2 errs by 2.2 (4.84 < 9): unclipped.
        let clipped = PolicyGradientLoss.valueLoss(values: values.view, returns: returns, oldValues: old, clipRange: 0.2,
                                                   coefficient: 0.5, gradient: gradient.view)
        #expect(abs(clipped - 0.5 * 0.5 * (1 + 1.69 + 9) / 3) < 1e-6)
        #expect(abs(gradient[0, 0] - (-1.0 / 6)) < 1e-6 && gradient[1, 0] == 0 && abs(gradient[2, 0] - 0.5) < 1e-6)
        let plain = PolicyGradientLoss.valueLoss(values: values.view, returns: returns, oldValues: old, clipRange: nil,
                                                 coefficient: 0.5, gradient: gradient.view)
        #expect(abs(plain - 0.5 * 0.5 * 11 / 3) < 1e-6)
        #expect(abs(gradient[1, 0] - 1.0 / 6) < 1e-6)
    }

    @Test func policyGradientLossWeighsLogProbabilitiesByAdvantage() {
        var coefficients = [Float](repeating: 0, count: 2)
        let loss = PolicyGradientLoss.policyGradient(logProbabilities: [-0.5, -2], advantages: [2, -1], count: 2,
                                                     coefficients: &coefficients)
        #expect(abs(loss - (-(2 * -0.5) - (-1 * -2)) / 2) < 1e-6)   // -(1/2)(A0 logp0 + A1 logp1)
        #expect(coefficients == [-1, 0.5])
    }

    @Test func advantagesAreNormalisedOverTheSamplesGiven() {
        var output = [Float](repeating: 0, count: 4)
        PolicyGradientLoss.normalizeAdvantages([1, 2, 3, 4], count: 4, into: &output)
        // Mean 2.5, unbiased standard deviation sqrt(5/3).
        let expected: [Float] = [-1.161895, -0.387298, 0.387298, 1.161895]
        for (value, reference) in zip(output, expected) { #expect(abs(value - reference) < 1e-5) }
        var single: Float = 7
        PolicyGradientLoss.normalizeAdvantages([3], count: 1, into: &single)
        #expect(single == 0)
    }
}
