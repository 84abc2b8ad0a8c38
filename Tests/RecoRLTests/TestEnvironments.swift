import RecoEnvironments
import RecoTensor

/// A tiny environment whose observation says where it is: `[step within episode, episode id]`.
/// Episodes end after `length` steps: terminated when `terminates`, else truncated (a time limit).
/// Reward is 1 per step.
struct CountingEnvironment: Environment {
    let length: Int
    let terminates: Bool
    private var step = 0
    private var episode: Float = 0

    init(length: Int, terminates: Bool) {
        self.length = length
        self.terminates = terminates
    }

    var observationSpace: Space { .box(lower: [0, 0], upper: [Float(length), .infinity]) }
    var actionSpace: Space { .discrete(2) }

    mutating func reset(using generator: inout RandomGenerator, observation: UnsafeMutableBufferPointer<Float>) {
        step = 0
        episode += 1
        observation[0] = 0
        observation[1] = episode
    }

    mutating func step(_ action: UnsafeBufferPointer<Int32>, using generator: inout RandomGenerator,
                       observation: UnsafeMutableBufferPointer<Float>) -> StepOutcome {
        step += 1
        observation[0] = Float(step)
        observation[1] = episode
        let ended = step >= length
        return StepOutcome(reward: 1, terminated: ended && terminates, truncated: ended && !terminates)
    }
}
