import Foundation
import Testing
import RecoRL

@Suite struct ExplorationScheduleTests {
    @Test func decaysExponentiallyFromStartToEnd() {
        let schedule = ExplorationSchedule(start: 1, end: 0.1, rate: 0.001)
        #expect(schedule.epsilon(at: 0) == 1)
        // Half way after ln 2 / rate steps.
        #expect(abs(schedule.epsilon(at: Int((Foundation.log(2.0) / 0.001).rounded())) - 0.55) < 1e-3)
        #expect(abs(schedule.epsilon(at: 1_000) - Float(0.1 + 0.9 * Foundation.exp(-1.0))) < 1e-6)
        #expect(abs(schedule.epsilon(at: 100_000) - 0.1) < 1e-6)
        #expect(zip([0, 10, 100, 1_000], [10, 100, 1_000, 10_000]).allSatisfy { schedule.epsilon(at: $0) > schedule.epsilon(at: $1) })
    }

    /// `reaching` means 99% of the way after exactly the given number of steps (a factor off in the
    /// rate, for example counting vector steps instead of environment steps, would miss it).
    @Test func reachingPlacesNinetyNinePercentAtTheGivenStep() {
        let schedule = ExplorationSchedule.reaching(end: 0.05, after: 20_000)
        #expect(abs(schedule.epsilon(at: 20_000) - (0.05 + 0.01 * 0.95)) < 1e-5)
        #expect(abs(schedule.epsilon(at: 10_000) - (0.05 + 0.1 * 0.95)) < 1e-5)
    }
}
