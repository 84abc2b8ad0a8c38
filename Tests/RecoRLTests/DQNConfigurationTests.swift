import Foundation
import Testing
import RecoRL

@Suite struct DQNConfigurationTests {
    func decode(_ json: String) throws -> DQNConfiguration {
        try JSONDecoder().decode(DQNConfiguration.self, from: Data(json.utf8))
    }

    @Test func partialFilesKeepDefaultsAndRoundTrip() throws {
        let configuration = try decode(#"{"batchSize": 32, "double": false, "exploration": {"start": 1, "end": 0.1, "rate": 0.01}}"#)
        #expect(configuration.batchSize == 32 && configuration.double == false)
        #expect(configuration.learningRate == DQNConfiguration().learningRate)
        #expect(configuration.exploration == Schedule.exponential(start: 1, end: 0.1, rate: 0.01))
        let again = try JSONDecoder().decode(DQNConfiguration.self, from: JSONEncoder().encode(configuration))
        #expect(again == configuration)
        #expect(try decode(#"{"maxGradientNorm": null}"#).maxGradientNorm == nil)
    }

    @Test func unknownFieldsAndWrongTypesNameTheField() {
        #expect(throws: ConfigurationError.self) { try decode(#"{"batchsize": 32}"#) }
        do {
            _ = try decode(#"{"batchsize": 32}"#)
        } catch let error as ConfigurationError {
            #expect(error.field == "batchsize")
        } catch {
            Issue.record("unexpected \(error)")
        }
        do {
            _ = try decode(#"{"gamma": "high"}"#)
            Issue.record("a string gamma was accepted")
        } catch let error as ConfigurationError {
            #expect(error.field == "gamma")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func validationNamesFieldValueAndRange() {
        var configuration = DQNConfiguration()
        configuration.gamma = 1.5
        #expect(throws: ConfigurationError(field: "gamma", value: "1.5", expected: "a number in [0, 1]")) {
            try configuration.validate()
        }
        configuration = DQNConfiguration()
        configuration.hiddenLayers = [64, 0]
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
    }
}
