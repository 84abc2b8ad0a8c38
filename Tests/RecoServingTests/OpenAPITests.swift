import Foundation
import Hummingbird
import HummingbirdTesting
import RecoServing
import Testing

@Suite("GET /openapi.yaml")
struct OpenAPITests {
    /// The operations (`METHOD /path`) a YAML OpenAPI document declares under `paths:`, read line by
    /// line (paths indented by two spaces, methods by four).
    static func operations(_ yaml: String) -> Set<String> {
        var operations = Set<String>()
        var inPaths = false, path: String?
        let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: true) {
            if !line.hasPrefix(" ") {
                inPaths = line == "paths:"
                path = nil
                continue
            }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), !line.hasPrefix("   "), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                let key = line.trimmingCharacters(in: .whitespaces).dropLast()
                if methods.contains(String(key)) { operations.insert("\(key.uppercased()) \(path)") }
            }
        }
        return operations
    }

    @Test("served as application/yaml, OpenAPI 3.0.3, YAML-shaped, with every route of the router")
    func document() async throws {
        let service = try makeService()
        // Hummingbird writes a path parameter as `:name`, OpenAPI as `{name}`.
        let routes = Set(service.makeRouter().routes.map { route in
            let path = "\(route.path)".split(separator: "/", omittingEmptySubsequences: false)
                .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
            return "\(route.method.rawValue) \(path)"
        })
        #expect(routes.contains("GET /openapi.yaml"))
        try await live(service) { client in
            try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/yaml")
                let text = String(buffer: response.body)
                #expect(text.hasPrefix("openapi: 3.0.3\n"))
                #expect(!text.contains("\t"), "YAML is indented with spaces")
                for key in ["info:", "paths:", "components:"] {
                    #expect(text.split(separator: "\n").contains { $0 == key }, "top-level \(key)")
                }
                // Every line is a comment, a `key:` or `key: value`, a list item, or a folded scalar's continuation.
                for line in text.split(separator: "\n") {
                    let indent = line.prefix { $0 == " " }.count
                    #expect(indent % 2 == 0, "indented by pairs of spaces: \(line)")
                }
                let documented = Self.operations(text)
                for route in routes {
                    let path = String(route.split(separator: " ")[1])
                    #expect(text.contains("  \(path):"), "path \(path) in the document")
                    #expect(documented.contains(route), "\(route) documented (documented: \(documented.sorted()))")
                }
                // `features` has exactly the served width (3 for this service).
                #expect(text.contains("minItems: 3\n          maxItems: 3\n"))
                #expect(routes.contains("PATCH /v1/policies/{version}"))
                for operation in ["GET /v1/policies", "POST /v1/policies", "PATCH /v1/policies/{version}",
                                  "POST /v1/policies/{version}/promote", "POST /v1/policies/{version}/rollback"] {
                    #expect(documented.contains(operation), "\(operation)")
                }
            }
        }
    }

    @Test("every 4xx a route is documented with has the JSON error body")
    func errorBodies() {
        // Each documented 4xx has, within its response (the lines indented below it), the Error schema or a
        // shared error response (each of which has it).
        let lines = OpenAPIDocument.yaml(observationWidth: 3, actionCount: 3).split(separator: "\n").map(String.init)
        for (index, line) in lines.enumerated() where line.trimmingCharacters(in: .whitespaces).hasPrefix("'4") {
            let indent = line.prefix { $0 == " " }.count
            let following = lines[(index + 1)...].prefix { $0.prefix { $0 == " " }.count > indent }.joined(separator: "\n")
            #expect(following.contains("#/components/schemas/Error") || following.contains("#/components/responses/"),
                    "\(line.trimmingCharacters(in: .whitespaces)) has the error body")
        }
    }
}
