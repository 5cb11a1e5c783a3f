import Glibc
import KubeIPVSKernel

/// A kernel parameter under `/proc/sys`, named the `sysctl` way (`net.ipv4.vs.conntrack`).
public struct SysctlKey: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var name: String

    public init(_ name: String) { self.name = name }
    public init(stringLiteral value: String) { self.init(value) }

    /// `net/ipv4/vs/conntrack`.
    public var path: String { name.split(separator: ".", omittingEmptySubsequences: false).joined(separator: "/") }
    public var description: String { name }

    /// IPVS connections also tracked by conntrack (needed for SNAT/masquerade of IPVS traffic): 1.
    public static let ipvsConntrack: SysctlKey = "net.ipv4.vs.conntrack"
    /// Drop connections to a deleted real server at once instead of waiting for them to time out: 1.
    public static let expireNodestConn: SysctlKey = "net.ipv4.vs.expire_nodest_conn"
    /// Expire persistence templates whose real server has weight 0: 1.
    public static let expireQuiescentTemplate: SysctlKey = "net.ipv4.vs.expire_quiescent_template"
    /// Reuse of connection entries for new connections from a reused source port (kube-proxy leaves it).
    public static let connReuseMode: SysctlKey = "net.ipv4.vs.conn_reuse_mode"
    /// IPv4 forwarding: 1.
    public static let ipForward: SysctlKey = "net.ipv4.ip_forward"
    /// Answer ARP only for addresses on the receiving interface (strict ARP): 1.
    public static let arpIgnore: SysctlKey = "net.ipv4.conf.all.arp_ignore"
    /// Use the best local address in ARP requests (strict ARP): 2.
    public static let arpAnnounce: SysctlKey = "net.ipv4.conf.all.arp_announce"
}

/// Reads and writes `/proc/sys` (or a stand-in directory in tests). Errors name the key and the errno.
public struct Sysctl: Sendable {
    /// The directory the keys are resolved under.
    public var root: String

    public init(root: String = "/proc/sys") { self.root = root }

    /// The current value, without the trailing newline.
    public func read(_ key: SysctlKey) throws(KernelError) -> String {
        let fd = open(file(key), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("sysctl read", key) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 256)
        while true {
            let n = Glibc.read(fd, &chunk, chunk.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("sysctl read", key)
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        var text = String(decoding: bytes, as: UTF8.self)
        while text.last == "\n" { text.removeLast() }
        return text
    }

    /// Writes `value` and returns the previous value.
    @discardableResult
    public func write(_ key: SysctlKey, _ value: String) throws(KernelError) -> String {
        let previous = try read(key)
        let fd = open(file(key), O_WRONLY | O_CLOEXEC | O_TRUNC)
        guard fd >= 0 else { throw failure("sysctl write", key) }
        defer { close(fd) }
        let text = Array((value + "\n").utf8)
        let n = text.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard n == text.count else {
            if n < 0 { throw failure("sysctl write", key) }
            throw KernelError(code: .failed, operation: "sysctl write", target: "\(key)=\(value)",
                              detail: "short write: \(n) of \(text.count) bytes")
        }
        return previous
    }

    /// Writes `value` only when the current value differs (kube-proxy's `EnsureSysctl`); returns the
    /// previous value.
    @discardableResult
    public func ensure(_ key: SysctlKey, _ value: String) throws(KernelError) -> String {
        let current = try read(key)
        if current == value { return current }
        return try write(key, value)
    }

    private func file(_ key: SysctlKey) -> String { root + "/" + key.path }

    private func failure(_ operation: String, _ key: SysctlKey) -> KernelError {
        let e = errno
        return KernelError(operation: operation, target: key.name, errno: e, detail: file(key))
    }
}
