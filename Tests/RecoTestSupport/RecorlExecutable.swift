import Foundation

/// Where the tests that run the built `recorl` executable find it and the package: build first with
/// `swift build -c release --build-tests`; `RECORL_BINARY` overrides where it is looked for.
public enum RecorlExecutable {
    /// The package's root directory.
    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The executable next to this test bundle, else `.build/release/recorl` in the package.
    public static var url: URL? {
        var candidates: [URL] = []
        if let override = ProcessInfo.processInfo.environment["RECORL_BINARY"] { candidates.append(URL(fileURLWithPath: override)) }
        if let executable = Bundle.main.executableURL {
            var directory = executable.deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(directory.appendingPathComponent("recorl"))
                directory = directory.deletingLastPathComponent()
            }
        }
        candidates.append(packageRoot.appendingPathComponent(".build/release/recorl"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) && !$0.hasDirectoryPath }
    }
}
