import Foundation
import Glibc
import KubeIPVSNetlink
import Testing

/// The real-kernel tier: tests that create network namespaces, links, addresses and ipsets.
///
/// They need root (CAP_NET_ADMIN, CAP_SYS_ADMIN for unshare). Outside CI a non-root run skips
/// them with that reason; with CI=true they run anyway and fail loudly, so a CI job cannot pass
/// while silently skipping the tier.
enum KernelTier {
    static let isRoot = geteuid() == 0
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"
    static let enabled = isRoot || isCI
    static let reason: Comment = "real-kernel tier: needs root to create network namespaces (CI=true forces it)"

    struct NotRoot: Error, CustomStringConvertible {
        var description: String {
            "real-kernel tier needs root (CAP_NET_ADMIN + CAP_SYS_ADMIN) to create network namespaces, and CI=true forbids skipping it"
        }
    }

    /// Throws when the tier cannot run (only reachable with CI=true and not root).
    static func require() throws {
        if !isRoot { throw NotRoot() }
    }

    /// Runs a host tool (test-side cross-checks only; product code never runs ipset or ip).
    @discardableResult
    static func tool(_ path: String, _ arguments: [String], input: String? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        let inPipe = Pipe()
        if input != nil { process.standardInput = inPipe }
        try process.run()
        if let input {
            inPipe.fileHandleForWriting.write(Data(input.utf8))
            try inPipe.fileHandleForWriting.close()
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Runs a tool inside the namespace of an executor thread (`nsenter --net=...`).
    @discardableResult
    static func toolIn(_ namespace: NetworkNamespace, _ path: String, _ arguments: [String],
                       input: String? = nil) throws -> (status: Int32, output: String) {
        guard case .path(let file) = namespace else { fatalError("toolIn needs a namespace path") }
        return try tool("/usr/bin/nsenter", ["--net=\(file)", path] + arguments, input: input)
    }
}

/// Every real-kernel suite nests here: one serialized tree, so timings are not disturbed by other
/// libipset users (libipset is serialized process-wide) and namespaces are created one at a time.
@Suite("real kernel, in fresh network namespaces", .serialized, .enabled(if: KernelTier.enabled, KernelTier.reason))
struct RealKernelTests {}
