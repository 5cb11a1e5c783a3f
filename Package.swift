// swift-tools-version:6.2
import PackageDescription

// kube-ipvs: a Kubernetes service proxy node daemon (IPVS mode, iptables fallback).
// Layering (see README "Architecture"): Core (pure) <- Sources, Kernel (protocols, applier)
// <- Netlink (libnl/libipset), Iptables (iptables-restore) <- Daemon <- kube-ipvs.
let package = Package(
    name: "kube-ipvs",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kube-ipvs", targets: ["kube-ipvs"]),
        .executable(name: "kube-ipvs-bench", targets: ["kube-ipvs-bench"]),
        .library(name: "KubeIPVSCore", targets: ["KubeIPVSCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // libnl-3 + libnl-genl-3 (+ kernel uapi headers). libnl-genl-3.0.pc requires libnl-3.0.
        .systemLibrary(name: "CNetlink", pkgConfig: "libnl-genl-3.0",
                       providers: [.apt(["libnl-3-dev", "libnl-genl-3-dev"])]),
        .systemLibrary(name: "CIPSet", pkgConfig: "libipset", providers: [.apt(["libipset-dev"])]),
        // C only for what Swift cannot import: variadic libipset callbacks, unshare/setns.
        .target(name: "CKubeIPVSShim", dependencies: ["CNetlink", "CIPSet"]),

        // Pure core: model, planner, renderers, reconciler. No I/O, no clock, no logging.
        .target(name: "KubeIPVSCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // Object sources: manifest files (YAML/JSON) and, later, the API server.
        .target(name: "KubeIPVSSources", dependencies: [
            "KubeIPVSCore", .product(name: "Yams", package: "Yams"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        // An in-memory kube-apiserver for tests and the guest: list/watch/bookmarks/410, mutations, faults.
        .target(name: "KubeIPVSTestAPIServer", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Yams", package: "Yams"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "kube-ipvs-test-apiserver", dependencies: [
            "KubeIPVSTestAPIServer",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Kernel capability protocols (IPVSControl, IPSetControl, LinkAddressControl) and the applier.
        .target(name: "KubeIPVSKernel", dependencies: [
            "KubeIPVSCore", .product(name: "Logging", package: "swift-log"),
        ]),
        // libnl-genl-3 / libnl-3 / libipset implementations of the kernel protocols.
        .target(name: "KubeIPVSNetlink", dependencies: [
            "KubeIPVSKernel", "KubeIPVSCore", "CNetlink", "CIPSet", "CKubeIPVSShim",
        ]),
        // iptables-restore based rules (IPVS companions and the iptables fallback proxier).
        .target(name: "KubeIPVSIptables", dependencies: [
            "KubeIPVSKernel", "KubeIPVSCore", .product(name: "Logging", package: "swift-log"),
        ]),
        // Fakes with kernel semantics, and network-namespace labs, for tests and benchmarks.
        .target(name: "KubeIPVSTesting", dependencies: ["KubeIPVSKernel", "KubeIPVSCore", "KubeIPVSIptables"]),
        .target(name: "KubeIPVSDaemon", dependencies: [
            "KubeIPVSCore", "KubeIPVSSources", "KubeIPVSKernel", "KubeIPVSNetlink", "KubeIPVSIptables",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Yams", package: "Yams"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        .executableTarget(name: "kube-ipvs", dependencies: [
            "KubeIPVSDaemon", "KubeIPVSCore", "KubeIPVSSources", "CKubeIPVSShim",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "kube-ipvs-bench", dependencies: [
            "KubeIPVSCore", "KubeIPVSKernel", "KubeIPVSNetlink", "KubeIPVSIptables", "KubeIPVSDaemon", "KubeIPVSTesting",
            "KubeIPVSSources", "KubeIPVSTestAPIServer",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Runs inside the qemu guest (Tests/Guest): the IPVS contract, traffic and benchmark on a real kernel.
        .executableTarget(name: "kube-ipvs-guest-check", dependencies: [
            "KubeIPVSCore", "KubeIPVSKernel", "KubeIPVSNetlink", "KubeIPVSTesting",
        ]),

        // The parsers of untrusted input as fuzz targets (docs/fuzzing.md); replayed by the regression tests.
        .target(name: "KubeIPVSFuzzing", dependencies: [
            "KubeIPVSCore", "KubeIPVSSources", "KubeIPVSDaemon", "KubeIPVSNetlink",
            .product(name: "Yams", package: "Yams"),
        ]),

        .testTarget(name: "KubeIPVSCoreTests", dependencies: ["KubeIPVSCore", "KubeIPVSSources", "KubeIPVSTesting"],
                    resources: [.copy("Golden")]),
        .testTarget(name: "KubeIPVSSourcesTests", dependencies: [
            "KubeIPVSSources", "KubeIPVSCore", "KubeIPVSTestAPIServer",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ], resources: [.copy("Fixtures"), .copy("Samples")]),
        .testTarget(name: "KubeIPVSNetlinkTests", dependencies: [
            "KubeIPVSNetlink", "KubeIPVSKernel", "KubeIPVSTesting", "KubeIPVSCore", "CKubeIPVSShim", "CNetlink",
        ], resources: [.copy("Fixtures")]),
        .testTarget(name: "KubeIPVSIptablesTests", dependencies: [
            "KubeIPVSIptables", "KubeIPVSCore", "KubeIPVSSources", "KubeIPVSTesting",
        ]),
        .testTarget(name: "KubeIPVSDaemonTests", dependencies: [
            "KubeIPVSDaemon", "KubeIPVSTesting", "KubeIPVSCore", "KubeIPVSSources", "KubeIPVSTestAPIServer",
            "KubeIPVSFuzzing",
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Logging", package: "swift-log"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)

// The libFuzzer driver exists only in the sanitizer build (scripts/fuzz.sh sets KUBE_IPVS_FUZZ=1 and links
// libFuzzer): without libFuzzer it has nothing to call, so the normal build does not see it.
if Context.environment["KUBE_IPVS_FUZZ"] == "1" {
    package.targets.append(.executableTarget(name: "kube-ipvs-fuzz", dependencies: ["KubeIPVSFuzzing"]))
}
