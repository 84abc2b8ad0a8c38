import Foundation

/// The summary's distributions as CSV files beside a prepared dataset, ready to plot: the sentiment
/// histogram (the source paper's sentiment-distribution figure) and the reviews per star.
extension DatasetSummary {
    /// The sentiment histogram's file name.
    public static let sentimentFile = "sentiment.csv"
    /// The ratings' file name.
    public static let ratingsFile = "ratings.csv"

    /// `bin_lower,bin_upper,count`: one row per bin of `sentimentCounts`, in order, the bins splitting
    /// [-1, 1] equally (bin `b` of `n` is [-1 + 2b/n, -1 + 2(b+1)/n); the last includes 1).
    public func sentimentCSV() -> String {
        let bins = sentimentCounts.count
        let rows = sentimentCounts.enumerated().map { bin, count in
            "\(Double(2 * bin - bins) / Double(bins)),\(Double(2 * (bin + 1) - bins) / Double(bins)),\(count)\n"
        }
        return "bin_lower,bin_upper,count\n" + rows.joined()
    }

    /// `rating,count`: one row per entry of `ratingCounts` (stars 0 to 5, a rating counted at the star it
    /// rounds to).
    public func ratingsCSV() -> String {
        "rating,count\n" + ratingCounts.enumerated().map { "\($0),\($1)\n" }.joined()
    }

    /// Writes `sentiment.csv` and `ratings.csv` into `directory` (which must exist, as after
    /// `ReviewDataset.write(to:)`). Throws `ReviewDataError` naming a file that cannot be written.
    public func writeCSV(to directory: String) throws {
        let url = URL(fileURLWithPath: directory)
        for (name, text) in [(DatasetSummary.sentimentFile, sentimentCSV()), (DatasetSummary.ratingsFile, ratingsCSV())] {
            let file = url.appendingPathComponent(name)
            do {
                try Data(text.utf8).write(to: file, options: .atomic)
            } catch {
                throw ReviewDataError("\(file.path): cannot be written (\(error.localizedDescription)); expected a writable directory")
            }
        }
    }
}
