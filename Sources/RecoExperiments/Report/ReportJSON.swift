import Foundation

/// Decoding the report's JSON inputs (`compare.json`, the benchmark's `--json` file) with errors that
/// name the file and the field.
enum ReportJSON {
    /// `T` decoded from the file at `path` (`flag` names the option it came from; `expected` says what
    /// the file should be).
    static func decode<T: Decodable>(_ type: T.Type, path: String, flag: String, expected: String) throws -> T {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ExperimentError("\(flag): cannot read \(path) (\(error.localizedDescription)); expected \(expected)")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw ExperimentError("\(path), field \(field(context.codingPath + [key])): missing; expected \(expected)")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw ExperimentError("\(path), field \(field(context.codingPath)): \(context.debugDescription); expected \(expected)")
        } catch let DecodingError.dataCorrupted(context) {
            let location = context.codingPath.isEmpty ? "" : ", field \(field(context.codingPath))"
            let detail = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            throw ExperimentError("\(path)\(location): not valid JSON (\(detail ?? context.debugDescription)); expected \(expected)")
        } catch {
            throw ExperimentError("\(path): not valid JSON (\(error)); expected \(expected)")
        }
    }

    /// A coding path as `summaries[2].meanReturn`.
    static func field(_ path: [CodingKey]) -> String {
        let text = path.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
        return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "(top level)" : text)
    }
}
