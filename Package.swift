// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "SealQ",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sealq", targets: ["sealq"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        // Hummingbird's own dependencies, named because SealQServer imports them directly.
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    targets: [
        // System libraries: only SealCrypto may import these.
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        /// Hashes, MACs and randomness over libsodium and OpenSSL's libcrypto.
        .target(name: "SealCrypto", dependencies: ["CSodium", "COpenSSL"]),
        /// AWS Signature Version 4: parsing, canonical requests, signing.
        .target(name: "SigV4", dependencies: ["SealCrypto"]),
        /// Queues, messages, visibility and their rules; knows no HTTP, SQL or ciphers.
        .target(
            name: "QueueEngine",
            dependencies: [
                "WireJSON", .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        /// The local key service: KMS keys, versions, aliases, grants and their cryptography.
        .target(name: "KeyService", dependencies: ["QueueEngine", "SealCrypto", "WireJSON", .product(name: "Logging", package: "swift-log")]),
        /// SQLite (GRDB) implementation of the engine's and key service's store ports, with group commit.
        .target(
            name: "Storage",
            dependencies: [
                "QueueEngine", "KeyService", "AuditTrail", "WireJSON", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        /// A strict JSON parser (with source positions on request) shared by the codecs, the engine,
        /// the key service, the policy engine, storage and the load generator.
        .target(name: "WireJSON"),

        /// CloudTrail records, RFC 9162 Merkle trees and proofs, signed checkpoints and the offline verifier.
        .target(name: "AuditTrail", dependencies: ["SealCrypto", "SigV4", "WireFormat", "WireJSON"]),
        /// CloudTrail's LookupEvents codec (JSON 1.1) and its errors.
        .target(name: "AuditWire", dependencies: ["WireFormat", "WireJSON"]),
        /// Answer trees with their JSON and XML writers, and form decoding, shared by the wire modules.
        .target(name: "WireFormat", dependencies: ["SigV4"]),
        /// SQS wire codecs: AWS JSON 1.0 and Query/XML, error mapping, MD5 digests.
        .target(name: "SQSWire", dependencies: ["QueueEngine", "SealCrypto", "SigV4", "WireJSON", "WireFormat"]),
        /// IAM policy grammar, evaluation, explanation and validation (pure).
        .target(name: "PolicyEngine", dependencies: ["WireJSON"]),
        /// Principals, groups and their policies from `policies/`, and access keys sealed in the data directory.
        .target(name: "Principals", dependencies: ["PolicyEngine", "SealCrypto", "WireJSON"]),
        /// IAM (policy simulation, access keys, users, credential report) and STS (caller identity)
        /// Query codecs, and the awscli's JSON input and output for `sealq policy simulate`.
        .target(name: "IdentityWire", dependencies: ["WireFormat", "WireJSON"]),
        /// The KMS JSON 1.1 (TrentService) codec and KMS's error shapes.
        .target(name: "KMSWire", dependencies: ["WireFormat", "WireJSON"]),
        /// The Hummingbird application: the request path, metrics, background services.
        .target(
            name: "SealQServer",
            dependencies: [
                "QueueEngine", "Storage", "SQSWire", "SigV4", "SealCrypto", "PolicyEngine", "Principals",
                "IdentityWire", "WireFormat", "WireJSON", "KeyService", "KMSWire", "AuditTrail", "AuditWire",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        /// Load generator: SigV4-signed SQS and KMS requests over keep-alive HTTP/1.1 connections, and
        /// in-process benchmarks of the key service and of authorization (hence storage and the engine).
        .target(
            name: "SealQBench",
            dependencies: [
                "SigV4", "SealCrypto", "WireJSON", "WireFormat", "PolicyEngine", "KeyService", "QueueEngine", "Storage",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        /// prctl for the executable's process hardening (Swift cannot call variadic C functions).
        .target(name: "CProcessGuard"),
        .executableTarget(
            name: "sealq",
            dependencies: [
                "CProcessGuard", "SealQServer", "SealQBench", "Principals", "PolicyEngine", "IdentityWire", "WireFormat", "AuditTrail", "AuditWire",
                "SQSWire", "KeyService", "SealCrypto", "Storage",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),

        .testTarget(name: "SealCryptoTests", dependencies: ["SealCrypto"]),
        .testTarget(name: "AuditTrailTests", dependencies: ["AuditTrail", "SealCrypto", "WireFormat", "WireJSON"]),
        .testTarget(name: "AuditWireTests", dependencies: ["AuditWire"]),
        .testTarget(name: "SigV4Tests", dependencies: ["SigV4"]),
        .testTarget(
            name: "QueueEngineTests",
            dependencies: ["QueueEngine", "Storage", "KeyService", "SealCrypto", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "SQSWireTests", dependencies: ["SQSWire", "QueueEngine", "WireJSON", "WireFormat"]),
        .testTarget(name: "PolicyEngineTests", dependencies: ["PolicyEngine", "WireJSON"]),
        .testTarget(name: "PrincipalsTests", dependencies: ["Principals", "PolicyEngine", "SealCrypto"]),
        .testTarget(
            name: "KeyServiceTests",
            dependencies: ["KeyService", "QueueEngine", "Storage", "SealCrypto", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "IdentityWireTests", dependencies: ["IdentityWire", "WireJSON", "WireFormat"]),
        .testTarget(name: "KMSWireTests", dependencies: ["KMSWire", "WireJSON", "WireFormat"]),
        .testTarget(name: "SealQBenchTests", dependencies: ["SealQBench"]),
        .testTarget(name: "WireJSONTests", dependencies: ["WireJSON"]),
    ]
)
