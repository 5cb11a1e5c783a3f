import Foundation
import KubeIPVSIptables

/// Throwaway network namespaces for tests and benchmarks that touch iptables, conntrack, links or
/// traffic. Every namespace is created here (`ip netns add <tag>-<role>`), every command runs
/// inside one (`ip netns exec`), and ``destroy()`` kills the started processes and deletes the
/// namespaces: nothing ever runs in the host's root namespace. Links are veth pairs created from
/// inside a namespace with the peer placed directly in the other one.
///
/// Every command has a time limit, every wait a deadline.
public final class NetnsLab: @unchecked Sendable {
    // @unchecked: a lab belongs to one test (or benchmark) at a time; `processes`/`namespaces`
    // are mutated only by that owner, and `deinit`/`destroy()` run after it is done.
    /// `kipt-1a2b3c`: prefix of every namespace of this lab.
    public let tag: String
    /// The namespaces created so far, in creation order.
    public private(set) var namespaces: [String] = []
    /// A private folder for scripts, logs and ready files; removed by ``destroy()``.
    public let workdir: URL
    private var processes: [LabProcess] = []
    private let runner = ProcessRunner()

    /// Whether this machine can run namespace tests at all (root, `ip`, network namespaces).
    public static let isUsable: Bool = {
        guard getuid() == 0, ProcessRunner().resolve("ip") != nil else { return false }
        let name = "kipt-probe-\(UInt32.random(in: 0...UInt32.max))"
        let runner = ProcessRunner()
        guard (try? runner.runBlocking(["ip", "netns", "add", name], input: nil, timeout: .seconds(10)))?.status == 0 else {
            return false
        }
        _ = try? runner.runBlocking(["ip", "netns", "del", name], input: nil, timeout: .seconds(10))
        return true
    }()

    /// A lab whose namespaces are named `<prefix>-<random hex>-<role>`; creates nothing yet but its folder.
    public init(prefix: String = "kipt") throws {
        tag = "\(prefix)-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        workdir = FileManager.default.temporaryDirectory.appendingPathComponent(tag)
        try FileManager.default.createDirectory(at: workdir, withIntermediateDirectories: true)
    }

    deinit { destroy() }

    /// Creates `<tag>-<role>` with loopback up and returns its name.
    @discardableResult
    public func addNamespace(_ role: String) throws -> String {
        let name = "\(tag)-\(role)"
        try Self.check(runner.runBlocking(["ip", "netns", "add", name], input: nil, timeout: .seconds(10)))
        namespaces.append(name)
        // No duplicate address detection: a tentative link-local address delays the first IPv6 exchange.
        try must(name, ["sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"])
        try must(name, ["ip", "link", "set", "lo", "up"])
        return name
    }

    /// A runner whose commands run in `namespace` (one of this lab's).
    public func runner(in namespace: String) -> ProcessRunner {
        precondition(namespaces.contains(namespace), "\(namespace) is not a namespace of this lab")
        return ProcessRunner.inNetworkNamespace(namespace)
    }

    /// Runs `arguments` in `namespace`; a non-zero exit is a result, not an error.
    public func run(_ namespace: String, _ arguments: [String], input: String? = nil,
                    timeout: Duration = .seconds(30)) throws -> CommandResult {
        try runner(in: namespace).runBlocking(arguments, input: input, timeout: timeout)
    }

    /// Runs `script` with `sh -c` in `namespace`.
    public func sh(_ namespace: String, _ script: String, timeout: Duration = .seconds(30)) throws -> CommandResult {
        try run(namespace, ["sh", "-c", script], timeout: timeout)
    }

    /// Runs and throws ``LabError`` unless it exits 0 in time; returns stdout.
    @discardableResult
    public func must(_ namespace: String, _ arguments: [String], input: String? = nil,
                     timeout: Duration = .seconds(30)) throws -> String {
        try Self.check(run(namespace, arguments, input: input, timeout: timeout)).stdout
    }

    @discardableResult
    static func check(_ result: CommandResult) throws -> CommandResult {
        guard result.status == 0, !result.timedOut else { throw LabError(result) }
        return result
    }

    /// A veth pair: `aName` in `a` with `aAddress` (CIDR), `bName` in `b` with `bAddress`; both up.
    public func link(_ a: String, _ aName: String, _ aAddress: String, to b: String, _ bName: String,
                     _ bAddress: String) throws {
        try must(a, ["ip", "link", "add", aName, "type", "veth", "peer", "name", bName, "netns", b])
        for (namespace, device, address) in [(a, aName, aAddress), (b, bName, bAddress)] {
            let nodad = address.contains(":") ? ["nodad"] : []
            try must(namespace, ["ip", "addr", "add", address, "dev", device] + nodad)
            try must(namespace, ["ip", "link", "set", device, "up"])
        }
    }

    /// Starts a background process in `namespace`, stdout and stderr to `log` in ``workdir``.
    /// ``destroy()`` kills it if it still runs; ``LabProcess/stop(signal:timeout:)`` ends it earlier.
    @discardableResult
    public func start(_ namespace: String, _ arguments: [String], log: String,
                      environment: [String: String]? = nil) throws -> LabProcess {
        precondition(namespaces.contains(namespace), "\(namespace) is not a namespace of this lab")
        guard let ip = runner.resolve("ip") else { throw LabError(message: "start \(arguments.first ?? ""): ip not found") }
        let process = try LabProcess(executable: ip, arguments: ["netns", "exec", namespace] + arguments,
                                     logPath: workdir.appendingPathComponent(log).path, environment: environment)
        processes.append(process)
        return process
    }

    /// Polls `condition` every 50 ms for at most `seconds`; throws ``LabError`` naming `what` after that.
    public func waitFor(_ what: String, seconds: Double = 10, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return }
            usleep(50_000)
        }
        throw LabError(message: "timed out after \(seconds) s waiting for \(what)")
    }

    /// Writes a file into the lab's folder and returns its path.
    public func write(_ name: String, _ contents: String) throws -> String {
        let url = workdir.appendingPathComponent(name)
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Kills the started processes and deletes every namespace and the lab's folder. Idempotent.
    public func destroy() {
        for process in processes { process.kill() }
        processes = []
        for name in namespaces.reversed() {
            _ = try? runner.runBlocking(["ip", "netns", "del", name], input: nil, timeout: .seconds(10))
        }
        namespaces = []
        try? FileManager.default.removeItem(at: workdir)
    }
}
