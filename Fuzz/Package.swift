// swift-tools-version:6.0
// libFuzzer targets for the parsers a user reaches: checkpoints, algorithm configurations, marketing
// users, RecoGym CSV logs, session settings. A package of its own, depending on the main one by path, so the main manifest and its
// ordinary `swift build` / `swift test` never see executables that link only with the fuzzer runtime
// (libFuzzer supplies `main`). Build and run with `make fuzz` from the repository root:
//     swift build --package-path Fuzz -c release --sanitize=fuzzer
import Foundation
import PackageDescription

// A path dependency's identity is its directory's name, whatever the checkout is called.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let engine = root.lastPathComponent

let package = Package(
    name: "RecoFuzz",
    dependencies: [.package(path: root.path)],
    targets: [
        .executableTarget(name: "FuzzCheckpoint", dependencies: [.product(name: "RecoNetworks", package: engine)],
                          path: "FuzzCheckpoint"),
        .executableTarget(name: "FuzzConfiguration", dependencies: [.product(name: "RecoRL", package: engine)],
                          path: "FuzzConfiguration"),
        .executableTarget(name: "FuzzMarketingUser", dependencies: [.product(name: "RecoSimulators", package: engine)],
                          path: "FuzzMarketingUser"),
        .executableTarget(name: "FuzzRecoGymLog", dependencies: [.product(name: "RecoSimulators", package: engine),
                                                                 .product(name: "RecoEnvironments", package: engine)],
                          path: "FuzzRecoGymLog"),
        .executableTarget(name: "FuzzSessionSettings", dependencies: [.product(name: "RecoSimulators", package: engine),
                                                                      .product(name: "RecoEnvironments", package: engine)],
                          path: "FuzzSessionSettings"),
    ],
    swiftLanguageModes: [.v5]
)
