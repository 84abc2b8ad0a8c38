import Foundation
import RecoSimulators
import Testing

@Suite struct RecoGymConfigurationTests {
    @Test func decodesRecoGymsNamesAndDefaultsMissingKeys() throws {
        let json = #"{"num_products": 25, "K": 3, "prob_leave_organic": 0.02, "normalize_beta": true, "agent": null}"#
        let configuration = try JSONDecoder().decode(RecoGymConfiguration.self, from: Data(json.utf8))
        #expect(configuration.numProducts == 25 && configuration.K == 3)
        #expect(configuration.probLeaveOrganic == 0.02 && configuration.normalizeBeta)
        #expect(configuration.probOrganicToBandit == 0.25 && configuration.sigmaMuOrganic == 3)
        let encoded = String(decoding: try JSONEncoder().encode(configuration), as: UTF8.self)
        #expect(encoded.contains("\"sigma_omega_initial\"") && encoded.contains("\"number_of_flips\""))
    }

    @Test func validationNamesFieldValueAndExpectation() {
        var configuration = RecoGymConfiguration()
        configuration.probOrganicToBandit = 1.5
        #expect(throws: RecoGymConfigurationError(field: "prob_organic_to_bandit", value: "1.5",
                                                  expected: "a probability in [0, 1]")) { try configuration.validate() }
        configuration = RecoGymConfiguration()
        configuration.numberOfFlips = 6
        #expect(throws: RecoGymConfigurationError.self) { try RecoGymEnvironment(configuration: configuration) }
        do {
            try configuration.validate()
        } catch {
            #expect("\(error)".contains("number_of_flips = 6"))
        }
        configuration = RecoGymConfiguration()
        configuration.numProducts = 0
        #expect(throws: RecoGymConfigurationError.self) { try configuration.validate() }
    }

    /// With flips each flipped product's bandit row is its partner's organic row; normalised rows have unit norm.
    @Test func flipsSwapSimilarPairsAndNormalizeBetaScalesRows() throws {
        var configuration = RecoGymConfiguration()
        configuration.numberOfFlips = 2
        configuration.normalizeBeta = true
        let world = try RecoGymEnvironment(configuration: configuration).world
        let k = configuration.K
        var moved = 0
        for i in 0..<configuration.numProducts {
            let row = Array(world.beta[(i * k)..<(i * k + k)])
            let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(norm - 1) < 1e-12)
            let own = Array(world.gamma[(i * k)..<(i * k + k)])
            let ownNorm = own.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if zip(row, own).contains(where: { abs($0 - $1 / ownNorm) > 1e-12 }) { moved += 1 }
        }
        #expect(moved == 4)
    }
}
