// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Porchlight",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "porchlight", targets: ["PorchlightCLI"]),
        .library(name: "Porchlight", targets: ["Porchlight"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CCmark",
            pkgConfig: "libcmark",
            providers: [.apt(["libcmark-dev"])]
        ),
        // cmark's allocator: an arena per thread (C for its thread-local state).
        .target(name: "CDocumentArena"),
        .target(
            name: "Porchlight",
            dependencies: [
                "CCmark",
                "CDocumentArena",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "PorchlightServer",
            dependencies: [
                "Porchlight",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .executableTarget(
            name: "PorchlightCLI",
            dependencies: [
                "Porchlight",
                "PorchlightServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // jemalloc in place of glibc's malloc: builds hold many small objects on all cores, and glibc's malloc
            // slows down as its heap fragments (half the time of a 100,000-letter build; see BENCHMARKS.md).
            // Not under a sanitizer (`make race`, `make asan`), which brings its own malloc.
            linkerSettings: Context.environment["PORCHLIGHT_SYSTEM_MALLOC"] == nil ? [.linkedLibrary("jemalloc", .when(platforms: [.linux]))] : []
        ),
        .testTarget(
            name: "PorchlightTests",
            dependencies: ["Porchlight"],
            exclude: ["Fixtures", "Calendar/Support"]
        ),
        .testTarget(
            name: "PorchlightServerTests",
            dependencies: [
                "PorchlightServer",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ]
)
