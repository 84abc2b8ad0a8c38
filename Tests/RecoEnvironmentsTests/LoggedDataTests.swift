import Foundation
import RecoEnvironments
import RecoEvaluation
import RecoSimulators
import RecoTensor
import Testing

@Suite struct LoggedDataTests {
    static let rows: [RecoGymLogRow] = [
        .organic(time: 0, user: 0, product: 3),
        .organic(time: 1, user: 0, product: 3),
        .organic(time: 2, user: 0, product: 1),
        .bandit(time: 3, user: 0, action: 2, click: 0, propensity: 0.25),
        .organic(time: 4, user: 0, product: 0),
        .bandit(time: 5, user: 0, action: 3, click: 1, propensity: 0.125, allPropensities: [0.25, 0.125, 0.5, 0.125]),
        .organic(time: 0, user: 1, product: 2),
        .bandit(time: 1, user: 1, action: 0, click: 0, propensity: 1),
    ]

    /// The malformation error of reading `text`, or nil when it reads.
    static func error(reading text: String) -> LoggedDataError? {
        do {
            _ = try RecoGymLog.read(csv: text)
            return nil
        } catch let error as LoggedDataError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    static let header = "t,u,z,v,a,c,ps,ps-a\n"

    @Test func csvRoundTrip() throws {
        let text = RecoGymLog.csv(Self.rows)
        #expect(text.hasPrefix(Self.header))
        #expect(text.contains("3,0,bandit,,2,0,0.25,\n"))
        #expect(try RecoGymLog.read(csv: text) == Self.rows)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("recorl-log-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try RecoGymLog.write(Self.rows, to: url)
        #expect(try RecoGymLog.read(contentsOf: url) == Self.rows)
    }

    @Test func readsPandasStyleLogs() throws {
        // What DataFrame.to_csv writes for generate_logs: an index column, floats for integer columns,
        // empty cells for None, () for ps-a without with_ps_all, numpy's space-separated arrays.
        let text = """
            ,t,u,z,v,a,c,ps,ps-a
            0,0.0,0,organic,3.0,,,,
            1,1.0,0,bandit,,2.0,1.0,0.1,()
            2,2.0,0,bandit,,4.0,False,0.1,"[0.1 0.9
             0.0]"

            """
        let rows = try RecoGymLog.read(csv: text)
        #expect(rows == [
            .organic(time: 0, user: 0, product: 3),
            .bandit(time: 1, user: 0, action: 2, click: 1, propensity: 0.1),
            .bandit(time: 2, user: 0, action: 4, click: 0, propensity: 0.1, allPropensities: [0.1, 0.9, 0.0]),
        ])
        // A byte-order mark and CRLF line ends are ignored.
        #expect(try RecoGymLog.read(csv: "\u{FEFF}t,u,z,v,a,c,ps,ps-a\r\n0,0,organic,1,,,,\r\n") == [.organic(time: 0, user: 0, product: 1)])
        // ps-a may be absent.
        #expect(try RecoGymLog.read(csv: "t,u,z,v,a,c,ps\n0,0,organic,1,,,\n") == [.organic(time: 0, user: 0, product: 1)])
    }

    @Test func badNumberNamesLineAndColumn() {
        let error = Self.error(reading: Self.header + "0,0,organic,3,,,,\n1,x0,organic,2,,,,\n")
        #expect(error == .malformed(line: 3, column: "u", value: "x0", expected: "a non-negative integer"))
        #expect(error?.description.contains("line 3, column u") == true)
        #expect(Self.error(reading: Self.header + "abc,0,organic,3,,,,\n")
            == .malformed(line: 2, column: "t", value: "abc", expected: "a finite number"))
        #expect(Self.error(reading: Self.header + "0,0,organic,3.5,,,,\n")
            == .malformed(line: 2, column: "v", value: "3.5", expected: "a non-negative integer"))
        #expect(Self.error(reading: Self.header + "0,0,bandit,,1,2,0.5,\n")
            == .malformed(line: 2, column: "c", value: "2", expected: "a click, 0 or 1"))
        #expect(Self.error(reading: Self.header + "0,0,search,3,,,,\n")
            == .malformed(line: 2, column: "z", value: "search", expected: "organic or bandit"))
    }

    @Test func missingColumnNamesLineAndColumn() {
        // Line 3 stops after c: ps and ps-a are missing.
        let error = Self.error(reading: Self.header + "0,0,organic,3,,,,\n1,0,bandit,,1,0\n")
        guard case let .malformed(line, column, _, expected)? = error else {
            Issue.record("expected a malformed-row error, got \(String(describing: error))")
            return
        }
        #expect(line == 3)
        #expect(column == "ps")
        #expect(expected.contains("8 cells"))
        // A bandit row with an empty action.
        #expect(Self.error(reading: Self.header + "1,0,bandit,,,0,0.5,\n")
            == .malformed(line: 2, column: "a", value: "", expected: "a non-negative integer"))
    }

    @Test func propensityOutsideUnitIntervalIsAnError() {
        for bad in ["0", "1.5", "-0.1"] {
            let error = Self.error(reading: Self.header + "0,0,organic,3,,,,\n1,0,bandit,,1,0,\(bad),\n")
            #expect(error == .malformed(line: 3, column: "ps", value: bad,
                                        expected: "the propensity of the action, a probability in (0, 1]"))
        }
        #expect(throws: LoggedDataError.self) {
            _ = try LoggedInteraction(context: [0], action: 0, propensity: 0, reward: 1)
        }
        #expect(throws: LoggedDataError.self) {
            _ = try LoggedInteraction(context: [0], action: 0, propensity: 1.5, reward: 1)
        }
    }

    @Test func wrongHeaderIsOneClearError() {
        let error = Self.error(reading: "user,item,rating\n1,2,5\n")
        #expect(error == .wrongHeader(header: "user,item,rating", expected: "t,u,z,v,a,c,ps,ps-a (ps-a optional)"))
        #expect(error?.description.hasPrefix("not a RecoGym log") == true)
        #expect(Self.error(reading: "") == .wrongHeader(header: "", expected: "t,u,z,v,a,c,ps,ps-a"))
    }

    @Test func banditContextsAreViewCountsSinceThePreviousBanditRow() throws {
        let interactions = try RecoGymLog.banditInteractions(Self.rows, products: 4)
        #expect(interactions.count == 3)
        let first = try LoggedInteraction(context: [0, 1, 0, 2], action: 2, propensity: 0.25, reward: 0, user: 0, time: 3)
        #expect(interactions[0] == first)
        #expect(interactions[1].context == [1, 0, 0, 0])
        #expect(interactions[1].reward == 1)
        #expect(interactions[1].propensity == 0.125)
        #expect(interactions[2].context == [0, 0, 1, 0])
        #expect(interactions[2].user == 1)
        #expect(throws: LoggedDataError.self) { _ = try RecoGymLog.banditInteractions(Self.rows, products: 3) }
    }

    @Test func readsALogGeneratedByRecoGymLogs() throws {
        let configuration = RecoGymConfiguration()
        let products = configuration.numProducts
        var random = NumpyRandomState(seed: UInt32(configuration.randomSeed))
        let world = RecoGymWorld(configuration: configuration, random: &random)
        random.seed(UInt32(configuration.randomSeed))
        let events = RecoGymLogs.generate(world: world, configuration: configuration, users: 5, random: &random)
        let rows = events.map { event -> RecoGymLogRow in
            event.kind == .organic
                ? .organic(time: Double(event.time), user: event.user, product: event.product)
                : .bandit(time: Double(event.time), user: event.user, action: event.product, click: event.click ? 1 : 0,
                          propensity: 1 / Double(products))
        }
        let read = try RecoGymLog.read(csv: RecoGymLog.csv(rows))
        #expect(read == rows)
        let interactions = try RecoGymLog.banditInteractions(read, products: products)
        #expect(interactions.count == events.filter { $0.kind == .bandit }.count)
        #expect(interactions.allSatisfy { abs($0.propensity - 0.1) < 1e-7 })
        #expect(interactions.reduce(0) { $0 + $1.reward } == Float(events.filter(\.click).count))
        // Every organic view before a user's last impression is counted once, in the next impression's context.
        for user in 0..<5 {
            let own = events.filter { $0.user == user }
            guard let last = own.lastIndex(where: { $0.kind == .bandit }) else { continue }
            let views = own[..<last].filter { $0.kind == .organic }.count
            let counted = interactions.filter { $0.user == user }.reduce(Float(0)) { $0 + $1.context.reduce(0, +) }
            #expect(counted == Float(views))
        }
        // The first impression's context is the first organic session, as the environment observes it.
        let firstSession = events.prefix { $0.kind == .organic && $0.user == 0 }
        var counts = [Float](repeating: 0, count: products)
        for event in firstSession { counts[event.product] += 1 }
        #expect(interactions[0].context == counts)
    }

    @Test func logsAPolicyWithItsPropensities() throws {
        let environment = VectorEnvironment(copies: 2) { _ in RecoGymEnvironment() }
        let policy = try UniformRandomPolicy(observationWidth: 10, actionCount: 10)
        var generator = RandomGenerator(seed: 7)
        let log = try PolicyLogging.log(policy, on: environment, steps: 50, seed: 3, generator: &generator)
        #expect(log.count == 100)
        #expect(log.allSatisfy { abs($0.propensity - 0.1) < 1e-6 && $0.context.count == 10 })
        #expect(log[0].user == 0 && log[1].user == 1 && log[0].time == 0 && log[2].time == 1)
        // Uniform target on uniform-logged data: every weight is 1, so IPS is the mean reward.
        let estimate = try OffPolicyEstimators.ips(policy, on: log, bootstrap: BootstrapSettings(resamples: 50, seed: 1))
        let mean = log.reduce(0.0) { $0 + Double($1.reward) } / Double(log.count)
        #expect(abs(estimate.value - mean) < 1e-6)
        #expect(abs(estimate.effectiveSampleSize - 100) < 1e-3)
    }
}
