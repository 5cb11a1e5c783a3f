import Glibc
import KubeIPVSCore
import KubeIPVSKernel
import KubeIPVSNetlink

/// Real connections through IPVS: the guest script has put `vip` on a dummy link and started pods at
/// `pods` (each accepting and holding TCP connections on `port`). Checks that the counters read over
/// netlink match the connections, and match `ipvsadm -Ln`.
func runTrafficCheck(vip: IPAddress, pods: [IPAddress], port: UInt16, report: Report) async {
    let key = VirtualServerKey(address: vip, proto: .tcp, port: 80)
    let servers = pods.map { RealServer(key: RealServerKey(address: $0, port: port)) }
    do {
        let ipvs = try NetlinkIPVS()
        try await ipvs.flush()
        let results = await ipvs.apply([.addVirtualServer(VirtualServer(key: key, scheduler: .roundRobin))]
                                        + servers.map { .addRealServer($0, to: key) })
        report.check("traffic: virtual server with \(pods.count) masqueraded pods", results.failures.isEmpty, "\(results.failures)")
        var sockets: [Int32] = []
        for _ in 0..<(2 * pods.count) {
            let fd = try connectTCP(vip, 80)
            sockets.append(fd)
        }
        let held = try await waitForCounters(ipvs, key) { $0.allSatisfy { $0.counters.activeConnections == 2 } }
        report.check("traffic: each pod counts 2 active connections (rr)",
                     held.allSatisfy { $0.counters.activeConnections == 2 && $0.counters.inactiveConnections == 0 },
                     "\(held)")
        let ours = IPVSTableText.render(try await ipvs.table().map(\.tableEntry))
        let theirs = spawn(["ipvsadm", "-Ln"]).output
        report.check("traffic: counters equal ipvsadm -Ln", normalized(ours) == normalized(theirs), "\nours:\n\(ours)\nipvsadm:\n\(theirs)")
        for fd in sockets.prefix(pods.count) { close(fd) }  // one per pod, by rr order
        let closing = try await waitForCounters(ipvs, key) {
            $0.allSatisfy { $0.counters.activeConnections == 1 && $0.counters.inactiveConnections == 1 }
        }
        report.check("traffic: a closed connection moves to inactive",
                     closing.allSatisfy { $0.counters.activeConnections == 1 && $0.counters.inactiveConnections == 1 },
                     "\(closing)")
        // The kernel folds per-CPU counters into the reported stats every 2 s (its rate estimator).
        var stats = IPVSStats()
        for _ in 0..<50 {
            stats = try await ipvs.table().first?.stats ?? IPVSStats()
            if stats.connections > 0 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        report.check("traffic: service stats count the connections and packets",
                     stats.connections == UInt64(2 * pods.count) && stats.inPackets > 0 && stats.outPackets > 0, "\(stats)")
        for fd in sockets.dropFirst(pods.count) { close(fd) }
        try await ipvs.flush()
    } catch {
        report.record("traffic", "\(error)")
    }
}

/// Polls the real servers of `key` (up to 5 s) until `done` holds; returns the last reading.
private func waitForCounters(_ ipvs: NetlinkIPVS, _ key: VirtualServerKey,
                             _ done: ([RealServerState]) -> Bool) async throws -> [RealServerState] {
    var last: [RealServerState] = []
    for _ in 0..<50 {
        last = try await ipvs.realServers(of: key)
        if done(last) { break }
        try await Task.sleep(for: .milliseconds(100))
    }
    return last
}

private func connectTCP(_ address: IPAddress, _ port: UInt16) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw KernelError(operation: "socket", target: "\(address):\(port)", errno: errno) }
    var sin = sockaddr_in()
    sin.sin_family = sa_family_t(AF_INET)
    sin.sin_port = port.bigEndian
    sin.sin_addr.s_addr = address.v4Value.bigEndian
    let rc = withUnsafePointer(to: &sin) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard rc == 0 else {
        let e = errno
        close(fd)
        throw KernelError(operation: "connect", target: "\(address):\(port)", errno: e)
    }
    return fd
}
