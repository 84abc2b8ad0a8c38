import Foundation

/// A CSV file of numbers read for the report (`episodes.csv`, `evaluations.csv`, `sentiment.csv`,
/// `ratings.csv`): a header naming at least the expected columns (in any order; others are ignored),
/// then rows of plain comma-separated cells. Every problem throws an `ExperimentError` naming the
/// file, the line and the field, the value and what was expected.
struct ReportCSV {
    let path: String
    /// Each data row's 1-based line number and cells, in file order.
    let rows: [(line: Int, cells: [Substring])]
    private let columnIndex: [String: Int]

    /// The file at `url`, which must exist (`flag` names the option it came from) and name `columns`
    /// in its header.
    init(_ url: URL, columns: [String], flag: String) throws {
        path = url.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw ExperimentError("\(flag): \(path) does not exist; expected a file with the columns \(columns.joined(separator: ","))")
        }
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw ExperimentError("\(flag): cannot read \(path) (\(error.localizedDescription)); expected a readable UTF-8 CSV file")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        guard let headerLine = lines.first else {
            throw ExperimentError("\(path) line 1: the file is empty; expected the header \(columns.joined(separator: ","))")
        }
        let header = headerLine.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var index: [String: Int] = [:]
        for column in columns {
            guard let position = header.firstIndex(of: column) else {
                throw ExperimentError("\(path) line 1: the header \"\(headerLine)\" has no column \"\(column)\"; "
                                      + "expected the columns \(columns.joined(separator: ","))")
            }
            index[column] = position
        }
        columnIndex = index
        var rows: [(line: Int, cells: [Substring])] = []
        rows.reserveCapacity(lines.count - 1)
        for (offset, line) in lines.enumerated().dropFirst() {
            let trimmed = line.hasSuffix("\r") ? line.dropLast() : line
            let cells = trimmed.split(separator: ",", omittingEmptySubsequences: false)
            guard cells.count == header.count else {
                throw ExperimentError("\(path) line \(offset + 1): \(cells.count) fields; expected \(header.count) "
                                      + "(\(header.joined(separator: ",")))")
            }
            rows.append((offset + 1, cells))
        }
        self.rows = rows
    }

    /// The finite number in `column` of the row at `row`.
    func number(_ column: String, row: Int) throws -> Double {
        guard let value = try optionalNumber(column, row: row) else {
            throw ExperimentError("\(path) line \(rows[row].line), field \(column): empty; expected a finite number")
        }
        return value
    }

    /// The finite number in `column` of the row at `row`, or nil when the cell is empty.
    func optionalNumber(_ column: String, row: Int) throws -> Double? {
        let cell = rows[row].cells[columnIndex[column]!].trimmingCharacters(in: .whitespaces)
        if cell.isEmpty { return nil }
        guard let value = Double(cell), value.isFinite else {
            throw ExperimentError("\(path) line \(rows[row].line), field \(column): \"\(cell)\" is not valid; expected a finite number")
        }
        return value
    }

    /// The number in `column` of the row at `row`, which must be at least `minimum`.
    func number(_ column: String, row: Int, atLeast minimum: Double) throws -> Double {
        let value = try number(column, row: row)
        guard value >= minimum else {
            throw ExperimentError("\(path) line \(rows[row].line), field \(column): \(rows[row].cells[columnIndex[column]!]) "
                                  + "is not valid; expected a number at least \(AxisTicks.label(minimum, step: 1))")
        }
        return value
    }
}
