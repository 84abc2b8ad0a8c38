import Foundation
import RecoEnvironments
import RecoEvaluation
import RecoTensor
import Testing

/// A stochastic target: the probabilities of the two actions depend on the context's first value (0 or 1).
final class TableProbabilityPolicy: Policy, @unchecked Sendable {
    let table: [[Float]]
    let observationWidth = 1
    let actionCount = 2
    var scoreKind: ActionScoreKind? { .probability }

    init(_ table: [[Float]]) { self.table = table }

    func act(_ observations: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>,
             logProbabilities: UnsafeMutableBufferPointer<Float>?, using generator: inout RandomGenerator) throws {
        try checkBatch(observations, actions: actions.count, logProbabilities: logProbabilities?.count)
        for i in 0..<actions.count {
            let row = table[Int(observations[i, 0])]
            actions[i] = Int32(generator.categorical(row))
            logProbabilities?[i] = log(row[Int(actions[i])])
        }
    }

    func scores(_ observations: MatrixView, into scores: MatrixView) throws {
        try checkScores(observations, scores)
        for i in 0..<observations.rows {
            for a in 0..<actionCount { scores[i, a] = table[Int(observations[i, 0])][a] }
        }
    }

    /// `act` draws from the table, so the table is its distribution.
    func actionProbabilities(_ observations: MatrixView, into probabilities: MatrixView) throws {
        try scores(observations, into: probabilities)
    }
}

@Suite struct OffPolicyEstimatorTests {
    // The tiny log (context x, action a, propensity p, reward r):
    //   1: x=0 a=0 p=0.5  r=1
    //   2: x=0 a=1 p=0.5  r=0
    //   3: x=1 a=1 p=0.25 r=1
    //   4: x=1 a=0 p=0.75 r=0
    // Target pi(.|x=0) = [0.8, 0.2], pi(.|x=1) = [0.5, 0.5]; weights w = pi(a|x)/p:
    //   w1 = 0.8/0.5 = 1.6, w2 = 0.2/0.5 = 0.4, w3 = 0.5/0.25 = 2, w4 = 0.5/0.75 = 2/3.
    static func log() throws -> [LoggedInteraction] {
        [
            try LoggedInteraction(context: [0], action: 0, propensity: 0.5, reward: 1),
            try LoggedInteraction(context: [0], action: 1, propensity: 0.5, reward: 0),
            try LoggedInteraction(context: [1], action: 1, propensity: 0.25, reward: 1),
            try LoggedInteraction(context: [1], action: 0, propensity: 0.75, reward: 0),
        ]
    }
    static let target = TableProbabilityPolicy([[0.8, 0.2], [0.5, 0.5]])
    static let tolerance = 1e-6

    @Test func ipsByHand() throws {
        // IPS = (1.6*1 + 0.4*0 + 2*1 + (2/3)*0) / 4 = 3.6 / 4 = 0.9.
        let estimate = try OffPolicyEstimators.ips(Self.target, on: try Self.log())
        #expect(abs(estimate.value - 0.9) < Self.tolerance)
        #expect(estimate.samples == 4 && estimate.resamples == 1000)
        let weights = try OffPolicyEstimators.importanceWeights(Self.target, on: try Self.log())
        for (got, expected) in zip(weights, [1.6, 0.4, 2, 2.0 / 3]) { #expect(abs(got - expected) < Self.tolerance) }
    }

    @Test func effectiveSampleSizeByHand() throws {
        // (sum w)^2 / sum w^2 = (14/3)^2 / (2.56 + 0.16 + 4 + 4/9) = (196/9) / (64.48/9) = 196 / 64.48.
        let estimate = try OffPolicyEstimators.ips(Self.target, on: try Self.log())
        #expect(abs(estimate.effectiveSampleSize - 196 / 64.48) < 1e-5)
        #expect(OffPolicyEstimators.effectiveSampleSize([1, 1, 1]) == 3)
        #expect(OffPolicyEstimators.effectiveSampleSize([0, 0]) == 0)
    }

    @Test func clippedIPSByHand() throws {
        // Clip at 1.5: w = 1.5, 0.4, 1.5, 2/3; estimate = (1.5*1 + 1.5*1) / 4 = 0.75.
        // ESS = (4.0667)^2 / (2.25 + 0.16 + 2.25 + 4/9) = (61/15)^2 / (4.66 + 4/9).
        let estimate = try OffPolicyEstimators.clippedIPS(Self.target, on: try Self.log(), maxWeight: 1.5)
        #expect(abs(estimate.value - 0.75) < Self.tolerance)
        let ess = (61.0 / 15) * (61.0 / 15) / (4.66 + 4.0 / 9)
        #expect(abs(estimate.effectiveSampleSize - ess) < 1e-5)
        #expect(throws: LoggedDataError.self) {
            _ = try OffPolicyEstimators.clippedIPS(Self.target, on: try Self.log(), maxWeight: 0)
        }
    }

    @Test func selfNormalizedIPSByHand() throws {
        // SNIPS = sum w r / sum w = 3.6 / (14/3) = 10.8 / 14 = 0.771428...
        let estimate = try OffPolicyEstimators.selfNormalizedIPS(Self.target, on: try Self.log())
        #expect(abs(estimate.value - 10.8 / 14) < Self.tolerance)
    }

    @Test func doublyRobustByHand() throws {
        // rhat(x, a) = 0.6 for a = 0, 0.2 for a = 1 (whatever x).
        // Direct part: x=0: 0.8*0.6 + 0.2*0.2 = 0.52; x=1: 0.5*0.6 + 0.5*0.2 = 0.4.
        //   1: 0.52 + 1.6*(1 - 0.6)   = 1.16
        //   2: 0.52 + 0.4*(0 - 0.2)   = 0.44
        //   3: 0.40 + 2*(1 - 0.2)     = 2.00
        //   4: 0.40 + (2/3)*(0 - 0.6) = 0.00
        // DR = 3.6 / 4 = 0.9.
        let model = ClosureRewardModel { _, action in action == 0 ? 0.6 : 0.2 }
        let estimate = try OffPolicyEstimators.doublyRobust(Self.target, on: try Self.log(), rewardModel: model)
        #expect(abs(estimate.value - 0.9) < Self.tolerance)
        // A perfect-on-average constant model 0.5: terms 1.3, 0.3, 1.5, 1/6; DR = (19.6/6)/4 = 0.81666...
        let constant = ClosureRewardModel { _, _ in 0.5 }
        let second = try OffPolicyEstimators.doublyRobust(Self.target, on: try Self.log(), rewardModel: constant)
        #expect(abs(second.value - 19.6 / 24) < Self.tolerance)
        let broken = ClosureRewardModel { _, _ in .nan }
        #expect(throws: LoggedDataError.self) {
            _ = try OffPolicyEstimators.doublyRobust(Self.target, on: try Self.log(), rewardModel: broken)
        }
    }

    @Test func deterministicTargetUsesTheIndicatorOfItsAction() throws {
        // Always action 1: w = 0, 1/0.5 = 2, 1/0.25 = 4, 0; IPS = (2*0 + 4*1) / 4 = 1; ESS = 36 / 20 = 1.8.
        let always = try FixedActionPolicy(action: 1, observationWidth: 1, actionCount: 2)
        let estimate = try OffPolicyEstimators.ips(always, on: try Self.log())
        #expect(abs(estimate.value - 1) < Self.tolerance)
        #expect(abs(estimate.effectiveSampleSize - 1.8) < Self.tolerance)
    }

    @Test func bootstrapIntervalIsSeededAndBracketsTheEstimate() throws {
        let settings = BootstrapSettings(resamples: 200, seed: 11)
        let a = try OffPolicyEstimators.ips(Self.target, on: try Self.log(), bootstrap: settings)
        let b = try OffPolicyEstimators.ips(Self.target, on: try Self.log(), bootstrap: settings)
        #expect(a == b)
        #expect(a.confidenceInterval.contains(a.value))
        // Resample means of four terms in {0, 1.6, 2}: between 0 and 2.
        #expect(a.confidenceInterval.lowerBound >= 0 && a.confidenceInterval.upperBound <= 2)
        #expect(a.confidenceInterval.lowerBound < a.confidenceInterval.upperBound)
        // Equal terms leave nothing to resample.
        let flat = [try LoggedInteraction(context: [0], action: 0, propensity: 0.5, reward: 1),
                    try LoggedInteraction(context: [0], action: 0, propensity: 0.5, reward: 1)]
        let constant = try OffPolicyEstimators.ips(Self.target, on: flat, bootstrap: settings)
        #expect(abs(constant.value - 1.6) < Self.tolerance)
        #expect(abs(constant.confidenceInterval.lowerBound - 1.6) < Self.tolerance)
        #expect(abs(constant.confidenceInterval.upperBound - 1.6) < Self.tolerance)
    }

    @Test func badInputIsRefusedByName() throws {
        #expect(throws: LoggedDataError.invalid(field: "log", value: "0 interactions", expected: "at least 1 interaction")) {
            _ = try OffPolicyEstimators.ips(Self.target, on: [])
        }
        let wide = [try LoggedInteraction(context: [0, 1], action: 0, propensity: 0.5, reward: 1)]
        #expect(throws: LoggedDataError.self) { _ = try OffPolicyEstimators.ips(Self.target, on: wide) }
        let outside = [try LoggedInteraction(context: [0], action: 5, propensity: 0.5, reward: 1)]
        #expect(throws: LoggedDataError.self) { _ = try OffPolicyEstimators.selfNormalizedIPS(Self.target, on: outside) }
        #expect(throws: LoggedDataError.self) {
            _ = try OffPolicyEstimators.ips(Self.target, on: try Self.log(), bootstrap: BootstrapSettings(resamples: 0))
        }
    }
}
