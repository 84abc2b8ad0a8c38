// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "RecoRL",
    products: [
        .library(name: "RecoTensor", targets: ["RecoTensor"]),
        .library(name: "RecoNetworks", targets: ["RecoNetworks"]),
        .library(name: "RecoEnvironments", targets: ["RecoEnvironments"]),
        .library(name: "RecoSimulators", targets: ["RecoSimulators"]),
        .library(name: "RecoRL", targets: ["RecoRL"]),
        .executable(name: "recorl", targets: ["recorl"]),
        .executable(name: "recorl-bench", targets: ["RecoBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS",
            path: "Sources/CBLAS",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        .target(name: "RecoKernels"),
        .target(name: "RecoTensor", dependencies: ["CBLAS", "RecoKernels"]),
        .target(name: "RecoNetworks", dependencies: ["RecoTensor"]),
        .target(name: "RecoEnvironments", dependencies: ["RecoTensor"]),
        .target(name: "RecoSimulators", dependencies: ["RecoEnvironments", "RecoTensor"]),
        .target(name: "RecoRL", dependencies: ["RecoEnvironments", "RecoKernels", "RecoNetworks", "RecoTensor"]),
        .executableTarget(
            name: "recorl",
            dependencies: [
                "RecoRL", "RecoSimulators", "RecoEnvironments", "RecoNetworks", "RecoTensor",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "RecoBench",
            dependencies: [
                "RecoRL", "RecoSimulators", "RecoEnvironments", "RecoNetworks", "RecoTensor", "CBLAS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/RecoBench"
        ),
        .target(name: "RecoTestSupport", dependencies: ["RecoNetworks", "RecoTensor"], path: "Tests/RecoTestSupport"),
        .testTarget(name: "RecoTensorTests", dependencies: ["RecoTensor", "RecoTestSupport"]),
        .testTarget(name: "RecoNetworksTests", dependencies: ["RecoNetworks", "RecoTensor", "RecoTestSupport"]),
        .testTarget(name: "RecoEnvironmentsTests", dependencies: ["RecoSimulators", "RecoEnvironments", "RecoTensor"]),
        .testTarget(name: "RecoRLTests", dependencies: ["RecoRL", "RecoTestSupport", "RecoSimulators", "RecoEnvironments", "RecoNetworks", "RecoTensor"]),
    ],
    swiftLanguageModes: [.v5]
)
