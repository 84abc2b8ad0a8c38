import Foundation

/// Locations of the reference files in the repository's `Fixtures/` directory.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    static func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: url(name))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// A list of numbers from a JSON fixture, as Float.
    static func floats(_ value: Any?) -> [Float] {
        (value as? [Any] ?? []).compactMap { ($0 as? NSNumber)?.floatValue }
    }

    /// A fresh temporary file path.
    static func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("recorl-\(UUID().uuidString)-\(name)")
    }
}

/// `||a - b||_inf / ||b||_inf`: relative error of a whole tensor (so entries near zero do not dominate).
func relativeError(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "length \(a.count) vs \(b.count)")
    let scale = b.map { abs($0) }.max() ?? 0
    let difference = zip(a, b).map { abs($0 - $1) }.max() ?? 0
    return scale == 0 ? difference : difference / scale
}
