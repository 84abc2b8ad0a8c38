import CZlib
import Foundation

/// A fresh temporary directory for one test's input files.
struct TestDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("recodata-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name`, returning its path.
    func write(_ name: String, _ text: String) throws -> String { try write(name, Data(text.utf8)) }

    /// Writes `data` to `name`, returning its path.
    func write(_ name: String, _ data: Data) throws -> String {
        let path = url.appendingPathComponent(name).path
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Writes `text` gzip-compressed with zlib to `name`, returning its path.
    func writeGzip(_ name: String, _ text: String) throws -> String {
        let path = url.appendingPathComponent(name).path
        guard let file = gzopen(path, "wb") else { throw CocoaError(.fileWriteUnknown) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
        gzclose(file)
        guard written == Int32(bytes.count) else { throw CocoaError(.fileWriteUnknown) }
        return path
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// A 2018-layout review line.
func line2018(_ user: String, _ item: String, rating: String = "5.0", time: Int = 1_500_000_000, text: String = "good",
              extra: String = "") -> String {
    "{\"overall\": \(rating), \"verified\": true, \"reviewerID\": \"\(user)\", \"asin\": \"\(item)\", \"style\": {\"Size:\": \" M\"}, \"reviewText\": \"\(text)\", \"summary\": \"s\", \"unixReviewTime\": \(time)\(extra)}"
}
