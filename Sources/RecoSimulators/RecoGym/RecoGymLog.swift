import Foundation
import RecoEnvironments

/// One row of a RecoGym log (`generate_logs`'s data frame): an organic page view or a bandit
/// impression with its click and propensity.
public struct RecoGymLogRow: Equatable, Sendable, Codable {
    /// RecoGym's `z` column.
    public enum Kind: String, Equatable, Sendable, Codable {
        /// A page view (`v` holds the product).
        case organic
        /// A recommendation shown (`a`, `c` and `ps` hold the action, the click and its propensity).
        case bandit
    }
    /// `t`: the user's clock.
    public var time: Double
    /// `u`: the user's id.
    public var user: Int
    /// `z`.
    public var kind: Kind
    /// `v`: the viewed product (organic rows), nil for bandit rows.
    public var viewed: Int?
    /// `a`: the recommended product (bandit rows), nil for organic rows.
    public var action: Int?
    /// `c`: the click (bandit rows; 0 or 1 in RecoGym), nil for organic rows.
    public var click: Float?
    /// `ps`: the logging policy's probability of `action` (bandit rows, in (0, 1]), nil for organic rows.
    public var propensity: Double?
    /// `ps-a`: the logging policy's probability of every action (bandit rows, optional).
    public var allPropensities: [Double]?

    /// An organic view of `product`.
    public static func organic(time: Double, user: Int, product: Int) -> RecoGymLogRow {
        RecoGymLogRow(time: time, user: user, kind: .organic, viewed: product)
    }

    /// A bandit impression of `action` with its click and propensity.
    public static func bandit(time: Double, user: Int, action: Int, click: Float, propensity: Double,
                              allPropensities: [Double]? = nil) -> RecoGymLogRow {
        RecoGymLogRow(time: time, user: user, kind: .bandit, action: action, click: click, propensity: propensity,
                      allPropensities: allPropensities)
    }

    /// A row with the given columns (no validation; `RecoGymLog.read` validates what it reads).
    public init(time: Double, user: Int, kind: Kind, viewed: Int? = nil, action: Int? = nil, click: Float? = nil,
                propensity: Double? = nil, allPropensities: [Double]? = nil) {
        self.time = time
        self.user = user
        self.kind = kind
        self.viewed = viewed
        self.action = action
        self.click = click
        self.propensity = propensity
        self.allPropensities = allPropensities
    }
}

/// RecoGym logs as CSV with RecoGym's columns `t, u, z, v, a, c, ps, ps-a`, and their conversion to
/// bandit interactions.
///
/// Reading accepts what `pandas.DataFrame.to_csv` writes for a `generate_logs` frame: integers written
/// as floats (`3.0`), empty cells (or `nan`, `None`) for missing values, clicks as `0`/`1` or
/// `True`/`False`, `ps-a` empty, `()`, or a (quoted) list such as `"[0.1, 0.9]"` or `"[0.1 0.9]"`,
/// and an optional leading index column (header cell empty or `Unnamed: 0`); a UTF-8 byte-order mark
/// and CRLF line ends are ignored. `ps-a` may be absent from the header. Writing produces the eight columns, with integers as integers.
public enum RecoGymLog {
    /// RecoGym's columns, in order.
    public static let columns = ["t", "u", "z", "v", "a", "c", "ps", "ps-a"]

    // MARK: Writing

    /// The rows as CSV text: the header `t,u,z,v,a,c,ps,ps-a`, then one line per row.
    public static func csv(_ rows: [RecoGymLogRow]) -> String {
        var text = columns.joined(separator: ",") + "\n"
        for row in rows {
            var cells = [number(row.time), String(row.user), row.kind.rawValue]
            cells.append(row.viewed.map(String.init) ?? "")
            cells.append(row.action.map(String.init) ?? "")
            cells.append(row.click.map { number(Double($0)) } ?? "")
            cells.append(row.propensity.map { "\($0)" } ?? "")
            cells.append(row.allPropensities.map { "\"[" + $0.map { "\($0)" }.joined(separator: ", ") + "]\"" } ?? "")
            text += cells.joined(separator: ",") + "\n"
        }
        return text
    }

    /// Writes the rows as CSV to `url` (atomically).
    public static func write(_ rows: [RecoGymLogRow], to url: URL) throws {
        try csv(rows).write(to: url, atomically: true, encoding: .utf8)
    }

    private static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    // MARK: Reading

    /// Reads a RecoGym log from `url`; see `read(csv:)`.
    public static func read(contentsOf url: URL) throws -> [RecoGymLogRow] {
        let data = try Data(contentsOf: url)
        guard let text = String(data: data, encoding: .utf8) else {
            throw LoggedDataError.invalid(field: "file \(url.path)", value: "\(data.count) bytes",
                                          expected: "UTF-8 text (a RecoGym CSV log)")
        }
        return try read(csv: text)
    }

    /// Parses CSV text with RecoGym's columns into rows.
    ///
    /// Throws `LoggedDataError.wrongHeader` when the first line is not RecoGym's header, and
    /// `LoggedDataError.malformed` (naming the line, the column, the value and what was expected) for a
    /// row with too few or too many cells, a number that does not parse, a missing value, a `z` other
    /// than `organic` or `bandit`, a click other than 0 or 1, or a propensity outside (0, 1].
    public static func read(csv text: String) throws -> [RecoGymLogRow] {
        let records = try parseRecords(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        guard let header = records.first else {
            throw LoggedDataError.wrongHeader(header: "", expected: columns.joined(separator: ","))
        }
        var names = header.cells.map { $0.trimmingCharacters(in: .whitespaces) }
        var skipsIndex = false
        if let first = names.first, first.isEmpty || first.hasPrefix("Unnamed") {
            skipsIndex = true
            names.removeFirst()
        }
        let required = Array(columns.prefix(7))
        guard names == required || names == columns else {
            throw LoggedDataError.wrongHeader(header: header.cells.joined(separator: ","),
                                              expected: columns.joined(separator: ",") + " (ps-a optional)")
        }
        let width = names.count + (skipsIndex ? 1 : 0)
        var rows: [RecoGymLogRow] = []
        rows.reserveCapacity(records.count - 1)
        for record in records.dropFirst() {
            if record.cells.count == 1, trimmingSpaces(record.cells[0]).isEmpty { continue }
            guard record.cells.count == width else {
                if record.cells.count < width {
                    let missing = names[record.cells.count - (skipsIndex ? 1 : 0)]
                    throw LoggedDataError.malformed(line: record.line, column: missing, value: "",
                                                    expected: "\(width) cells (\(names.joined(separator: ","))), found \(record.cells.count)")
                }
                throw LoggedDataError.malformed(line: record.line, column: "(after \(names.last ?? ""))",
                                                value: record.cells[width],
                                                expected: "\(width) cells (\(names.joined(separator: ","))), found \(record.cells.count)")
            }
            let cells = Array(record.cells.dropFirst(skipsIndex ? 1 : 0))
            rows.append(try parseRow(cells, names: names, line: record.line))
        }
        return rows
    }

    private static func parseRow(_ cells: [String], names: [String], line: Int) throws -> RecoGymLogRow {
        func cell(_ name: String) -> String? {
            guard let index = names.firstIndex(of: name) else { return nil }
            let value = trimmingSpaces(cells[index])
            return isMissing(value) ? nil : value
        }
        func fail(_ column: String, _ expected: String) -> LoggedDataError {
            let raw = names.firstIndex(of: column).map { cells[$0] } ?? ""
            return .malformed(line: line, column: column, value: raw, expected: expected)
        }
        func double(_ column: String) throws -> Double {
            guard let text = cell(column) else { throw fail(column, "a number") }
            guard let value = Double(text), value.isFinite else { throw fail(column, "a finite number") }
            return value
        }
        func integer(_ column: String) throws -> Int {
            guard let text = cell(column) else { throw fail(column, "a non-negative integer") }
            guard let value = Double(text), value.isFinite, value >= 0, value == value.rounded(), value < 1e15 else {
                throw fail(column, "a non-negative integer")
            }
            return Int(value)
        }
        let time = try double("t")
        let user = try integer("u")
        guard let z = cell("z"), let kind = RecoGymLogRow.Kind(rawValue: z) else { throw fail("z", "organic or bandit") }
        switch kind {
        case .organic:
            return .organic(time: time, user: user, product: try integer("v"))
        case .bandit:
            let action = try integer("a")
            guard let clickText = cell("c") else { throw fail("c", "a click, 0 or 1") }
            let click: Float
            switch clickText {
            case "True", "true": click = 1
            case "False", "false": click = 0
            default:
                guard let value = Double(clickText), value == 0 || value == 1 else { throw fail("c", "a click, 0 or 1") }
                click = Float(value)
            }
            let propensity = try double("ps")
            guard propensity > 0, propensity <= 1 else {
                throw fail("ps", "the propensity of the action, a probability in (0, 1]")
            }
            var all: [Double]?
            if let text = cell("ps-a") {
                let inner = text.trimmingCharacters(in: CharacterSet(charactersIn: "[]() \n\t"))
                let parts = inner.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" || $0 == "\t" })
                if !parts.isEmpty {
                    var values: [Double] = []
                    for part in parts {
                        guard let value = Double(part), value >= 0, value <= 1 else {
                            throw fail("ps-a", "a list of probabilities in [0, 1] such as [0.1, 0.9] (found '\(part)')")
                        }
                        values.append(value)
                    }
                    all = values
                }
            }
            return .bandit(time: time, user: user, action: action, click: click, propensity: propensity,
                           allPropensities: all)
        }
    }

    /// `value` without leading and trailing spaces and tabs (Foundation's `trimmingCharacters` costs
    /// more than the rest of the parse together).
    private static func trimmingSpaces(_ value: String) -> String {
        let utf8 = value.utf8
        guard let first = utf8.first, let last = utf8.last else { return value }
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        guard isSpace(first) || isSpace(last) else { return value }
        guard let start = utf8.firstIndex(where: { !isSpace($0) }), let end = utf8.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(value[start...end])
    }

    private static func isMissing(_ value: String) -> Bool {
        value.isEmpty || value == "nan" || value == "NaN" || value == "None" || value == "()"
    }

    /// CSV records with the line each starts on (RFC 4180 quoting; quoted cells may span lines).
    private static func parseRecords(_ text: String) throws -> [(line: Int, cells: [String])] {
        var records: [(line: Int, cells: [String])] = []
        var cells: [String] = []
        var cell = ""
        var quoted = false, afterQuote = false
        var line = 1, recordLine = 1
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func endRecord() {
            cells.append(cell)
            records.append((recordLine, cells))
            cells = []
            cell = ""
        }
        while let scalar = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if scalar == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { cell.unicodeScalars.append("\"") } else { quoted = false; afterQuote = true; pending = next }
                    } else {
                        quoted = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    cell.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case ",":
                cells.append(cell)
                cell = ""
                afterQuote = false
            case "\r":
                continue
            case "\n":
                endRecord()
                afterQuote = false
                line += 1
                recordLine = line
            case "\"" where cell.isEmpty && !afterQuote:
                quoted = true
            default:
                cell.unicodeScalars.append(scalar)
            }
        }
        if quoted {
            throw LoggedDataError.malformed(line: recordLine, column: "(quoted cell)", value: cell,
                                            expected: "a closing quote")
        }
        if !cell.isEmpty || !cells.isEmpty { endRecord() }
        return records
    }

    // MARK: Bandit interactions

    /// The bandit rows of `rows` as interactions, in order: the context of a bandit row is its user's
    /// organic views before it encoded as `observation` says (`recentViews`: counts since that user's
    /// previous bandit row, as `RecoGymEnvironment`'s default observation; `viewHistory`: counts since
    /// the user's first row and the last viewed product); the reward is the click, the propensity
    /// `ps`, and user and time are kept. Rows of different users may interleave.
    ///
    /// Throws `LoggedDataError.invalid` naming the row (0-based) for a product or action outside
    /// `0..<products`, or a bandit row without action, click or a propensity in (0, 1].
    public static func banditInteractions(_ rows: [RecoGymLogRow], products: Int,
                                          observation: RecoGymObservation = .recentViews) throws -> [LoggedInteraction] {
        guard products >= 1 else {
            throw LoggedDataError.invalid(field: "products", value: "\(products)", expected: "at least 1")
        }
        var encoders: [Int: RecoGymObservationEncoder] = [:]
        var interactions: [LoggedInteraction] = []
        for (index, row) in rows.enumerated() {
            switch row.kind {
            case .organic:
                guard let product = row.viewed, (0..<products).contains(product) else {
                    throw LoggedDataError.invalid(field: "row \(index) v", value: row.viewed.map(String.init) ?? "nil",
                                                  expected: "a product in 0..<\(products)")
                }
                encoders[row.user, default: RecoGymObservationEncoder(encoding: observation, products: products)].view(product)
            case .bandit:
                guard let action = row.action, (0..<products).contains(action) else {
                    throw LoggedDataError.invalid(field: "row \(index) a", value: row.action.map(String.init) ?? "nil",
                                                  expected: "an action in 0..<\(products)")
                }
                guard let click = row.click else {
                    throw LoggedDataError.invalid(field: "row \(index) c", value: "nil", expected: "a click")
                }
                guard let propensity = row.propensity, propensity > 0, propensity <= 1 else {
                    throw LoggedDataError.invalid(field: "row \(index) ps", value: row.propensity.map { "\($0)" } ?? "nil",
                                                  expected: "a probability in (0, 1]")
                }
                var encoder = encoders[row.user] ?? RecoGymObservationEncoder(encoding: observation, products: products)
                let context = encoder.row
                interactions.append(try LoggedInteraction(context: context, action: action, propensity: Float(propensity),
                                                          reward: click, user: row.user, time: row.time))
                encoder.acted()
                encoders[row.user] = encoder
            }
        }
        return interactions
    }
}
