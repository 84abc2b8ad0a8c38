// swift-tools-version:6.0
import PackageDescription

// Layers, read downward (each target imports only the ones above it); docs/architecture.md has the diagram.
let package = Package(
    name: "RecoRL",
    products: [
        // The engine in one import for embedders (re-exports the five libraries below it).
        .library(name: "RecoEngine", targets: ["RecoEngine"]),
        .library(name: "RecoTensor", targets: ["RecoTensor"]),
        .library(name: "RecoNetworks", targets: ["RecoNetworks"]),
        .library(name: "RecoEnvironments", targets: ["RecoEnvironments"]),
        .library(name: "RecoEvaluation", targets: ["RecoEvaluation"]),
        .library(name: "RecoSimulators", targets: ["RecoSimulators"]),
        .library(name: "RecoData", targets: ["RecoData"]),
        .library(name: "RecoRL", targets: ["RecoRL"]),
        .library(name: "RecoExperiments", targets: ["RecoExperiments"]),
        // The HTTP decision service (Hummingbird), a product of its own so that embedders of RecoEngine don't build it.
        .library(name: "RecoServing", targets: ["RecoServing"]),
        .executable(name: "recorl", targets: ["recorl"]),
        .executable(name: "recorl-bench", targets: ["RecoBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS",
            path: "Sources/CBLAS",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            path: "Sources/CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // C kernels (target_clones), an implementation detail of RecoTensor and RecoRL's fused SAC kernels.
        .target(name: "RecoKernels"),
        .target(name: "RecoTensor", dependencies: ["CBLAS", "RecoKernels"]),
        .target(name: "RecoNetworks", dependencies: ["RecoTensor"]),
        .target(name: "RecoEnvironments", dependencies: ["RecoTensor"]),
        .target(name: "RecoEvaluation", dependencies: ["RecoEnvironments", "RecoTensor"]),
        .target(name: "RecoSimulators", dependencies: ["RecoEnvironments", "RecoTensor"]),
        // Review data: ingestion, sentiment, synthetic review files.
        .target(name: "RecoData", dependencies: ["CZlib", "RecoEnvironments", "RecoEvaluation", "RecoTensor"]),
        .target(name: "RecoRL", dependencies: ["RecoEnvironments", "RecoKernels", "RecoNetworks", "RecoTensor"]),
        .target(name: "RecoEngine", dependencies: ["RecoEnvironments", "RecoEvaluation", "RecoNetworks", "RecoRL", "RecoTensor"]),
        .target(
            name: "RecoExperiments",
            dependencies: ["RecoRL", "RecoSimulators", "RecoData", "RecoEvaluation", "RecoEnvironments", "RecoNetworks", "RecoTensor"]
        ),
        // `recorl serve`: decisions over HTTP, feedback joined to them, a safe fallback, Prometheus metrics,
        // the interaction log in SQLite (GRDB).
        .target(
            name: "RecoServing",
            dependencies: [
                "RecoExperiments", "RecoRL", "RecoSimulators", "RecoEvaluation", "RecoEnvironments", "RecoTensor",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .executableTarget(
            name: "recorl",
            dependencies: [
                "RecoServing", "RecoExperiments", "RecoRL", "RecoSimulators", "RecoEvaluation", "RecoEnvironments", "RecoNetworks", "RecoTensor",
                "RecoData",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "RecoBench",
            dependencies: [
                "RecoExperiments", "RecoRL", "RecoEvaluation", "RecoSimulators", "RecoEnvironments", "RecoNetworks",
                "RecoTensor", "RecoData", "CBLAS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/RecoBench"
        ),
        .target(name: "RecoTestSupport", dependencies: ["RecoNetworks", "RecoTensor"], path: "Tests/RecoTestSupport"),
        .testTarget(name: "RecoTensorTests", dependencies: ["RecoTensor", "RecoTestSupport"]),
        .testTarget(name: "RecoNetworksTests", dependencies: ["RecoNetworks", "RecoTensor", "RecoTestSupport"]),
        .testTarget(name: "RecoEnvironmentsTests", dependencies: ["RecoSimulators", "RecoEnvironments", "RecoEvaluation", "RecoTensor"]),
        .testTarget(name: "RecoRLTests", dependencies: [
            "RecoRL", "RecoTestSupport", "RecoSimulators", "RecoEnvironments", "RecoEvaluation", "RecoExperiments",
            "RecoNetworks", "RecoTensor", "RecoData",
        ]),
        // Also runs the built `recorl serve --log` (build with --build-tests first) and kills it.
        .testTarget(name: "RecoServingTests", dependencies: [
            "RecoServing", "RecoExperiments", "RecoRL", "RecoSimulators", "RecoEvaluation", "RecoEnvironments", "RecoTensor",
            "RecoTestSupport",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "RecoDataTests", dependencies: ["RecoData", "RecoTensor", "CZlib"]),
        // Runs the built `recorl` executable on bad input (build with --build-tests first).
        .testTarget(name: "RecorlCommandTests", dependencies: ["RecoTestSupport"]),
        // Counts each thread's heap allocations: wrappers of malloc and friends that forward to glibc's own
        // entry points, linked into the package's test executable only.
        .target(name: "AllocationCounter", path: "Tests/AllocationCounter"),
        // The serving request path's engine work allocates nothing once warm.
        .testTarget(name: "RecoAllocationTests", dependencies: [
            "AllocationCounter", "RecoServing", "RecoExperiments", "RecoEnvironments", "RecoTensor",
        ]),
        // Only the public API, as an embedder sees it (no @testable imports).
        .testTarget(name: "RecoPublicAPITests", dependencies: ["RecoEngine"]),
    ],
    swiftLanguageModes: [.v5]
)
