import Testing
import RecoRL
import RecoTensor

@Suite struct BellmanTargetTests {
    // Three transitions, two actions. Target network values of s': rows [1, 3], [2, 0], [5, 5];
    // online values of s' (for Double DQN): [4, 0], [0, 1], [0, 9].
    let targetValues = Matrix(rows: 3, columns: 2, values: [1, 3, 2, 0, 5, 5])
    let onlineValues = Matrix(rows: 3, columns: 2, values: [4, 0, 0, 1, 0, 9])
    let rewards: [Float] = [1, 0.5, 2]
    let discounts: [Float] = [0.9, 0.81, 0.9]   // the second covers two steps (n = 2)
    let dones: [Float] = [0, 0, 1]              // the third episode terminated: no bootstrap

    func targets(double: Bool) -> [Float] {
        var selected = [Int32](repeating: -1, count: 3), bootstrap = [Float](repeating: 0, count: 3)
        var y = [Float](repeating: 0, count: 3)
        BellmanTargets.compute(targetValues: targetValues.view, selectionValues: double ? onlineValues.view : nil,
                               rewards: rewards, discounts: discounts, dones: dones, selectedActions: &selected,
                               bootstrapValues: &bootstrap, into: &y)
        return y
    }

    @Test func dqnBootstrapsFromTheTargetMaximum() {
        // y = r + gamma^k (1 - done) max_a Q_target(s', a): 1 + 0.9 * 3, 0.5 + 0.81 * 2, 2 (terminal).
        let y = targets(double: false)
        #expect(abs(y[0] - 3.7) < 1e-6 && abs(y[1] - 2.12) < 1e-6)
        #expect(y[2] == 2)
    }

    @Test func doubleDQNSelectsWithOnlineAndEvaluatesWithTarget() {
        // a* = argmax online = [0, 1, 1]; Q_target(s', a*) = [1, 0, 5]: 1 + 0.9 * 1, 0.5 + 0, 2 (terminal).
        let y = targets(double: true)
        #expect(abs(y[0] - 1.9) < 1e-6 && abs(y[1] - 0.5) < 1e-6)
        #expect(y[2] == 2)
    }

    /// The classic bug multiplies the bootstrap by `done` instead of `1 - done`: then terminal targets
    /// would bootstrap and non-terminal ones would not. Here the non-terminal targets exceed their
    /// rewards and the terminal one equals its reward exactly.
    @Test func terminalTransitionsDoNotBootstrapAndOthersDo() {
        for double in [false, true] {
            let y = targets(double: double)
            #expect(y[0] > rewards[0])
            #expect(y[2] == rewards[2])
        }
    }
}
