import Foundation

/// The body of `POST /v1/recommend`: one observation, an optional caller's user id, and whether to
/// return every action's score.
public struct RecommendRequest: Decodable, Sendable {
    /// The observation, `observationWidth` finite numbers in the environment's feature order.
    public var features: [Double]
    /// The caller's id of the user (optional): recorded with the decision in the interaction log; it
    /// keeps the user with one policy version during a roll-out (a stable hash picks the version), and
    /// chains the user's decisions for online learning.
    public var user: String?
    /// Whether the response carries every action's score (default false).
    public var explain: Bool?
    /// A list of this many items instead of one (optional, 1 to the number of actions): the chosen
    /// action first, then the others by the answering policy's scores, highest first (ties to the lower
    /// index; in index order for a policy without scores).
    public var slate: Int?
}

/// The answer to `POST /v1/recommend`.
public struct RecommendResponse: Codable, Sendable, Equatable {
    /// The decision's id, to send back with its feedback.
    public var eventId: String
    /// Index of the chosen action.
    public var action: Int
    /// The environment's name for the action.
    public var actionName: String
    /// Probability of this action under the policy that chose it (its propensity, for off-policy evaluation).
    public var propensity: Float
    /// The role of the policy that answered: `production`, `candidate` or `fallback`.
    public var policy: String
    /// The version of the policy that answered.
    public var policyVersion: String
    /// Every action's score from the policy that answered (only when `explain` was true and it has scores).
    public var scores: [Float]?
    /// What the scores mean (`Q value`, `probability`), with `scores`.
    public var scoreKind: String?
    /// The recommended list (`slate` items, `action` first), when the request asked for one.
    public var slate: [Int]?
    /// The environment's names of the slate's items.
    public var slateNames: [String]?
}

/// The body of `POST /v1/feedback`: the reward observed for a decision.
public struct FeedbackRequest: Decodable, Sendable {
    /// The `eventId` of the decision.
    public var eventId: String
    /// The reward, a finite number.
    public var reward: Double
    /// Whether the user's episode ended with this decision (optional, default false): online learning
    /// then does not bootstrap from the user's next decision.
    public var terminal: Bool?
}

/// The answer to `POST /v1/feedback` when the reward was joined to its decision.
public struct FeedbackResponse: Codable, Sendable, Equatable {
    /// Always true (a reward that cannot be joined is answered with an error).
    public var joined: Bool
}

/// Decoding of request bodies into `ServingError`s that name the problem.
enum RequestDecoding {
    /// `Value` from the JSON in `body`, or a 400 naming the field and what was wrong.
    static func decode<Value: Decodable>(_ type: Value.Type, from body: Data) throws -> Value {
        let decoder = JSONDecoder()
        // Quoted "NaN" and "Infinity" decode, so that validation can answer them with a 422 naming the field.
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        do {
            return try decoder.decode(type, from: body)
        } catch let error as DecodingError {
            throw describe(error)
        } catch {
            throw ServingError(.badRequest, field: "body", value: "\(error)", expected: "a JSON object")
        }
    }

    private static func describe(_ error: DecodingError) -> ServingError {
        func path(_ codingPath: [CodingKey], _ key: CodingKey? = nil) -> String {
            let keys = codingPath + (key.map { [$0] } ?? [])
            guard !keys.isEmpty else { return "body" }
            return keys.map { key in key.intValue.map { "[\($0)]" } ?? key.stringValue }
                .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case let .keyNotFound(key, context):
            return ServingError(.badRequest, field: path(context.codingPath, key), value: "missing", expected: "the field to be present")
        case let .typeMismatch(type, context):
            return ServingError(.badRequest, field: path(context.codingPath), value: context.debugDescription,
                                expected: "a value of type \(type)")
        case let .valueNotFound(type, context):
            return ServingError(.badRequest, field: path(context.codingPath), value: "null", expected: "a value of type \(type)")
        case let .dataCorrupted(context):
            let underlying = context.underlyingError.map { $0 as NSError }?.userInfo[NSDebugDescriptionErrorKey] as? String
            return ServingError(.badRequest, field: path(context.codingPath), value: underlying ?? context.debugDescription,
                                expected: "well-formed JSON")
        @unknown default:
            return ServingError(.badRequest, field: "body", value: "\(error)", expected: "a JSON object")
        }
    }

    /// `values` as Float32, or a 422 naming `field` when one is not finite as a Float32.
    static func finiteFloats(_ values: [Double], field: String) throws -> [Float] {
        var floats = [Float](repeating: 0, count: values.count)
        for (i, value) in values.enumerated() {
            let float = Float(value)
            guard float.isFinite else {
                throw ServingError(.unprocessableContent, field: "\(field)[\(i)]", value: "\(value)",
                                   expected: "a finite number (at most \(Float.greatestFiniteMagnitude) in magnitude)")
            }
            floats[i] = float
        }
        return floats
    }
}
