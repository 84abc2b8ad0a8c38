import RecoEnvironments
import RecoTensor

/// Array-based conveniences for stepping one environment copy in tests.
extension Environment {
    /// Resets and returns the first observation.
    mutating func reset(using generator: inout RandomGenerator) -> [Float] {
        var observation = [Float](repeating: .nan, count: observationSpace.width)
        observation.withUnsafeMutableBufferPointer { reset(using: &generator, observation: $0) }
        return observation
    }

    /// Takes discrete action `action` and returns the next observation with the outcome.
    mutating func step(_ action: Int, using generator: inout RandomGenerator) -> (observation: [Float], outcome: StepOutcome) {
        var observation = [Float](repeating: .nan, count: observationSpace.width)
        let actions = [Int32(action)]
        let outcome = actions.withUnsafeBufferPointer { action in
            observation.withUnsafeMutableBufferPointer { step(action, using: &generator, observation: $0) }
        }
        return (observation, outcome)
    }
}
