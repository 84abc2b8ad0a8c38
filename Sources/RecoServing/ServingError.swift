import Foundation
import Hummingbird

/// A request the service refuses or cannot answer, with the HTTP status and the JSON body it is sent as:
/// `{"error": {"field": ..., "value": ..., "expected": ...}}` (`field` and `value` omitted when the
/// problem is not one field's, as for an unknown route).
public struct ServingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The response status: a 4xx for anything the client sent.
    public var status: HTTPResponse.Status
    /// The request field at fault (`features`, `reward`, `eventId`, `body`), or nil.
    public var field: String?
    /// What the client sent, briefly (`3 values`, `NaN`), or nil.
    public var value: String?
    /// What the service expects there.
    public var expected: String

    /// An error answered with `status`.
    public init(_ status: HTTPResponse.Status, field: String? = nil, value: String? = nil, expected: String) {
        self.status = status
        self.field = field
        self.value = value
        self.expected = expected
    }

    public var description: String {
        "\(status.code) \(field ?? "request"): \(value ?? "") is not valid; expected \(expected)"
    }

    /// The JSON response carrying this error.
    func response() -> Response {
        JSONResponse.make(status: status, body)
    }

    /// The JSON body of this error (strings only: it always encodes).
    var body: ErrorBody { ErrorBody(error: .init(field: field, value: value, expected: expected)) }

    struct ErrorBody: Encodable {
        struct Detail: Encodable {
            var field: String?
            var value: String?
            var expected: String
        }
        var error: Detail
    }
}

/// JSON response bodies.
enum JSONResponse {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    /// `value` encoded as the body of a response with `status` and `Content-Type: application/json`; a
    /// value that cannot be encoded (a non-finite number) is answered with a 500 error body instead of a
    /// body that says less than its schema.
    static func make(status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        guard let data = try? encoder.encode(value) else {
            return make(status: .internalServerError,
                        ServingError(.internalServerError, expected: "a response that encodes as JSON (it held a non-finite number)").body)
        }
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
