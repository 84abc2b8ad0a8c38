import Foundation

/// A CSV file in a run directory that grows by one row per event as the run goes (`episodes.csv`,
/// `evaluations.csv`): a header, then rows whose column `stepColumn` holds the environment step they
/// belong to, in step order.
///
/// Rows are buffered and written once `bufferLimit` bytes are pending (0: at once), by `flush()`, and
/// when the file is released, so memory stays bounded however long the run. Resuming from the
/// snapshot of step `S`, the rows after `S` (written after that snapshot, and written again by the
/// resumed run) are cut off, as is an unfinished last line, so the file continues without duplicates;
/// the rest of the file is streamed, never read whole.
final class RunCSVFile {
    let url: URL
    private let handle: FileHandle
    private let bufferLimit: Int
    private var buffer = Data()

    /// A fresh file with `header` (the column names joined by commas) at `url`, or, with
    /// `keepingRowsThrough`, the existing file cut after its last row of a step at most that one (a
    /// missing file starts afresh). Throws `ExperimentError` when the file cannot be written or its
    /// header is not `header`.
    init(url: URL, header: String, stepColumn: Int, bufferLimit: Int, keepingRowsThrough resumedStep: Int?) throws {
        self.url = url
        self.bufferLimit = bufferLimit
        let files = FileManager.default
        if resumedStep == nil || !files.fileExists(atPath: url.path) {
            guard files.createFile(atPath: url.path, contents: Data((header + "\n").utf8)) else {
                throw ExperimentError("--out: cannot create \(url.path); expected a writable directory")
            }
        }
        do {
            handle = try FileHandle(forUpdating: url)
        } catch {
            throw ExperimentError("--out: cannot open \(url.path) (\(error.localizedDescription)); expected a writable file")
        }
        if let resumedStep {
            let kept = try RunCSVFile.keptLength(handle, url: url, header: header, stepColumn: stepColumn,
                                                 through: resumedStep)
            do {
                try handle.truncate(atOffset: kept)
                if kept == 0 { try handle.write(contentsOf: Data((header + "\n").utf8)) }
            } catch {
                throw ExperimentError("--resume: cannot cut \(url.path) back to step \(resumedStep) (\(error.localizedDescription)); expected a writable file")
            }
        }
        _ = try? handle.seekToEnd()
    }

    deinit {
        try? flush()
        try? handle.close()
    }

    /// Appends one row of `cells`, writing the pending rows once `bufferLimit` bytes are pending.
    func append(_ cells: [String]) throws {
        buffer.append(contentsOf: (cells.joined(separator: ",") + "\n").utf8)
        if buffer.count >= bufferLimit { try flush() }
    }

    /// Writes the pending rows.
    func flush() throws {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw ExperimentError("--out: cannot write \(url.path) (\(error.localizedDescription)); expected a writable file")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// The bytes of the file to keep when resuming from `step`: the header and the whole rows up to the
    /// first of a later step (or one that is unfinished or has no step); 0 when not even the header is
    /// whole. Throws when the header is another file's.
    private static func keptLength(_ handle: FileHandle, url: URL, header: String, stepColumn: Int,
                                   through step: Int) throws -> UInt64 {
        let headerBytes = Array(header.utf8)
        var kept: UInt64 = 0, line: [UInt8] = [], isHeader = true
        func read() throws -> Data? {
            do { return try handle.read(upToCount: 1 << 16) } catch {
                throw ExperimentError("--resume: cannot read \(url.path) (\(error.localizedDescription)); expected a readable file")
            }
        }
        scan: while let chunk = try read(), !chunk.isEmpty {
            for byte in chunk {
                guard byte == UInt8(ascii: "\n") else { line.append(byte); continue }
                if isHeader {
                    guard line == headerBytes else {
                        throw ExperimentError("--resume: \(url.path) starts with \"\(String(decoding: line, as: UTF8.self))\"; expected the header \"\(header)\"")
                    }
                    isHeader = false
                } else {
                    let cells = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
                    guard cells.count > stepColumn, let rowStep = Int(String(decoding: cells[stepColumn], as: UTF8.self)),
                          rowStep <= step else { break scan }
                }
                kept += UInt64(line.count + 1)
                line.removeAll(keepingCapacity: true)
            }
        }
        return kept
    }
}
