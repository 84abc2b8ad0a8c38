import Foundation
import Testing
import RecoRL

@Suite struct ScheduleTests {
    @Test func exponentialDecaysFromStartToEnd() {
        let schedule = Schedule.exponential(start: 1, end: 0.1, rate: 0.001)
        func epsilon(_ step: Int) -> Float { schedule.value(at: step, of: 1) }
        #expect(epsilon(0) == 1)
        // Half way after ln 2 / rate steps.
        #expect(abs(epsilon(Int((Foundation.log(2.0) / 0.001).rounded())) - 0.55) < 1e-3)
        #expect(abs(epsilon(1_000) - Float(0.1 + 0.9 * Foundation.exp(-1.0))) < 1e-6)
        #expect(abs(epsilon(100_000) - 0.1) < 1e-6)
        #expect(zip([0, 10, 100, 1_000], [10, 100, 1_000, 10_000]).allSatisfy { epsilon($0) > epsilon($1) })
    }

    /// `reaching` means 99% of the way after exactly the given number of steps (a factor off in the
    /// rate, for example counting vector steps instead of environment steps, would miss it).
    @Test func reachingPlacesNinetyNinePercentAtTheGivenStep() {
        let schedule = Schedule.reaching(end: 0.05, after: 20_000)
        #expect(abs(schedule.value(at: 20_000, of: 1) - (0.05 + 0.01 * 0.95)) < 1e-5)
        #expect(abs(schedule.value(at: 10_000, of: 1) - (0.05 + 0.1 * 0.95)) < 1e-5)
    }

    /// Linear runs from start at step 0 to end at the run's last step and stays there; a horizon off by
    /// a factor (vector steps for environment steps) would put the midpoint elsewhere.
    @Test func linearGoesFromStartToEndOverTheRun() {
        let schedule = Schedule.linear(start: 0.4, end: 1)
        #expect(schedule.value(at: 0, of: 1_000) == 0.4)
        #expect(abs(schedule.value(at: 500, of: 1_000) - 0.7) < 1e-6)
        #expect(schedule.value(at: 1_000, of: 1_000) == 1)
        #expect(schedule.value(at: 5_000, of: 1_000) == 1)
        #expect(Schedule.linear(start: 1e-3, end: 0).value(at: 3, of: 8) == 1e-3 * (1 - Float(3) / 8))
        #expect(Schedule.constant(0.25).value(at: 77, of: 100) == 0.25)
    }

    /// JSON: exploration files written before keep their meaning (start, end, rate: exponential).
    @Test func decodesEachShapeFromJSON() throws {
        func decode(_ json: String) throws -> Schedule { try JSONDecoder().decode(Schedule.self, from: Data(json.utf8)) }
        #expect(try decode(#"{"start": 1, "end": 0.05, "rate": 0.0002}"#) == .exponential(start: 1, end: 0.05, rate: 0.0002))
        #expect(try decode(#"{"start": 0.4, "end": 1}"#) == .linear(start: 0.4, end: 1))
        #expect(try decode("0.5") == .constant(0.5))
        for schedule in [Schedule.exponential(start: 1, end: 0, rate: 0.01), .linear(start: 2, end: 3), .constant(4)] {
            #expect(try JSONDecoder().decode(Schedule.self, from: JSONEncoder().encode(schedule)) == schedule)
        }
    }
}
