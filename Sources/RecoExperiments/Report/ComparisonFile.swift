import Foundation

/// The `compare.json` that `recorl compare --out DIR` writes (`ComparisonReport.write`): each
/// algorithm's summary over seeds and the two baselines, for the report's comparison table and chart.
public struct ComparisonFile: Decodable {
    /// One summary per algorithm, in the order compared.
    public var summaries: [ComparisonSummary]
    /// The uniform-random and best-fixed baselines on the same evaluation episodes.
    public var baselines: Baselines

    /// `compare.json` in `directory`.
    static func read(_ directory: String) throws -> ComparisonFile {
        let path = URL(fileURLWithPath: directory).appendingPathComponent("compare.json").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw ExperimentError("--compare: \(path) does not exist; expected the --out directory of recorl compare")
        }
        let file = try ReportJSON.decode(ComparisonFile.self, path: path, flag: "--compare",
                                         expected: "the compare.json that recorl compare writes")
        for (index, summary) in file.summaries.enumerated() {
            let values = [summary.meanReturn, summary.returnConfidenceHalfWidth, summary.returnStandardDeviation]
            guard values.allSatisfy(\.isFinite) else {
                throw ExperimentError("\(path), field summaries[\(index)]: a return is not finite; expected finite numbers")
            }
        }
        return file
    }
}
