import Foundation
import KubeIPVSIptables

/// Throwaway network namespaces for tests that touch iptables, conntrack, links or traffic.
/// Every namespace is created here (`ip netns add kipt-<random>-<role>`), every command runs inside
/// one (`ip netns exec`), and ``destroy()`` kills the servers and deletes the namespaces: nothing
/// ever runs in the host's root namespace. Links are veth pairs created from inside a namespace
/// with the peer placed directly in the other one.
final class NetnsLab: @unchecked Sendable {
    // @unchecked: used from one test at a time; `servers`/`namespaces` are only mutated by that test.
    /// `kipt-1a2b3c`: prefix of every namespace of this lab.
    let tag: String
    private(set) var namespaces: [String] = []
    private var servers: [Process] = []
    let workdir: URL
    private let runner = ProcessRunner()

    /// Whether this machine can run namespace tests at all (root, `ip`, network namespaces).
    static let isUsable: Bool = {
        guard getuid() == 0, ProcessRunner().resolve("ip") != nil else { return false }
        let name = "kipt-probe-\(UInt32.random(in: 0...UInt32.max))"
        let runner = ProcessRunner()
        guard (try? runner.runBlocking(["ip", "netns", "add", name], input: nil, timeout: .seconds(10)))?.status == 0 else {
            return false
        }
        _ = try? runner.runBlocking(["ip", "netns", "del", name], input: nil, timeout: .seconds(10))
        return true
    }()

    init(prefix: String = "kipt") throws {
        tag = "\(prefix)-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        workdir = FileManager.default.temporaryDirectory.appendingPathComponent(tag)
        try FileManager.default.createDirectory(at: workdir, withIntermediateDirectories: true)
    }

    deinit { destroy() }

    /// Creates `<tag>-<role>` with loopback up and returns its name.
    @discardableResult
    func addNamespace(_ role: String) throws -> String {
        let name = "\(tag)-\(role)"
        try must(runner.runBlocking(["ip", "netns", "add", name], input: nil, timeout: .seconds(10)))
        namespaces.append(name)
        try must(name, ["ip", "link", "set", "lo", "up"])
        return name
    }

    /// A runner whose commands run in `namespace`.
    func runner(in namespace: String) -> ProcessRunner {
        precondition(namespaces.contains(namespace), "\(namespace) is not a namespace of this lab")
        return ProcessRunner.inNetworkNamespace(namespace)
    }

    /// Runs `arguments` in `namespace`.
    func run(_ namespace: String, _ arguments: [String], input: String? = nil,
             timeout: Duration = .seconds(30)) throws -> CommandResult {
        try runner(in: namespace).runBlocking(arguments, input: input, timeout: timeout)
    }

    /// Runs `script` with `sh -c` in `namespace`.
    func sh(_ namespace: String, _ script: String, timeout: Duration = .seconds(30)) throws -> CommandResult {
        try run(namespace, ["sh", "-c", script], timeout: timeout)
    }

    /// Runs and throws unless it exits 0; returns stdout.
    @discardableResult
    func must(_ namespace: String, _ arguments: [String], input: String? = nil,
              timeout: Duration = .seconds(30)) throws -> String {
        try must(run(namespace, arguments, input: input, timeout: timeout)).stdout
    }

    @discardableResult
    private func must(_ result: CommandResult) throws -> CommandResult {
        guard result.status == 0, !result.timedOut else { throw LabError(result) }
        return result
    }

    /// A veth pair: `aName` in `a` with `aAddress` (CIDR), `bName` in `b` with `bAddress`; both up.
    func link(_ a: String, _ aName: String, _ aAddress: String, to b: String, _ bName: String, _ bAddress: String) throws {
        try must(a, ["ip", "link", "add", aName, "type", "veth", "peer", "name", bName, "netns", b])
        for (namespace, device, address) in [(a, aName, aAddress), (b, bName, bAddress)] {
            let nodad = address.contains(":") ? ["nodad"] : []
            try must(namespace, ["ip", "addr", "add", address, "dev", device] + nodad)
            try must(namespace, ["ip", "link", "set", device, "up"])
        }
    }

    /// Starts a background process in `namespace` (stdout/stderr to a log file in the lab's folder).
    func start(_ namespace: String, _ arguments: [String], log: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: runner.resolve("ip")!)
        process.arguments = ["netns", "exec", namespace] + arguments
        let logURL = workdir.appendingPathComponent(log)
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logURL)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        servers.append(process)
    }

    /// Polls `condition` every 50 ms for at most `seconds`.
    func waitFor(_ what: String, seconds: Double = 10, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return }
            usleep(50_000)
        }
        throw LabError(message: "timed out after \(seconds) s waiting for \(what)")
    }

    /// Writes a file into the lab's folder and returns its path.
    func write(_ name: String, _ contents: String) throws -> String {
        let url = workdir.appendingPathComponent(name)
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Kills the servers and deletes every namespace and the lab's folder. Idempotent.
    func destroy() {
        for process in servers where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        servers = []
        for name in namespaces.reversed() {
            _ = try? runner.runBlocking(["ip", "netns", "del", name], input: nil, timeout: .seconds(10))
        }
        namespaces = []
        try? FileManager.default.removeItem(at: workdir)
    }
}

/// A command in the lab failed.
struct LabError: Error, CustomStringConvertible {
    var description: String

    init(message: String) { description = message }

    init(_ result: CommandResult) {
        description = "\(result.arguments.joined(separator: " ")): exit \(result.status)"
            + (result.timedOut ? " (timed out)" : "") + ": \(result.stderr)\(result.stdout)"
    }
}
