import Glibc
import KubeIPVSCore
import KubeIPVSKernel
import KubeIPVSNetlink

/// Applies `services` x `reals` from empty in one batch, dumps it all, and times `ipvsadm -R` and
/// `ipvsadm -Ln` on the identical table in the same guest run; prints figures and ratios (ours / ipvsadm).
func runBench(services: Int, reals: Int, options: NetlinkIPVS.Options, report: Report) async {
    let table = benchTable(services, reals)
    let ops = restoreOperations(table)
    do {
        let ipvs = try NetlinkIPVS(options: options)
        try await ipvs.open()
        try await ipvs.flush()
        let start = now()
        let results = await ipvs.apply(ops)
        let applySeconds = now() - start
        report.check("bench: batch applied \(ops.count) operations", results.failures.isEmpty,
                     "\(results.failures.count) failed, first: \(results.failures.first.map { "\($0)" } ?? "")")
        let dumpStart = now()
        let dumped = try await ipvs.table()
        let dumpSeconds = now() - dumpStart
        report.check("bench: dump returned \(dumped.count) virtual servers and \(dumped.reduce(0) { $0 + $1.realServers.count }) real servers",
                     dumped.count == services && dumped.allSatisfy { $0.realServers.count == reals }, "")

        try await ipvs.flush()
        // Deleted real servers wait in the kernel's dest trash (freed by a timer after minutes) and every
        // add scans it: ipvsadm -R after our flush took twice as long. A fresh ip_vs makes the baseline fair.
        report.check("bench: ip_vs reloaded before the baseline", reloadIPVS(), "modprobe -r / modprobe failed")
        let (restoreSeconds, listSeconds) = timeIpvsadm(table, services: services, reals: reals, report: report)
        _ = spawn(["ipvsadm", "-C"])
        print("BENCH table: \(services) virtual servers x \(reals) real servers = \(ops.count) operations")
        print("BENCH ours    apply \(fmt(applySeconds)) s (\(Int(Double(ops.count) / applySeconds)) ops/s)   dump \(fmt(dumpSeconds)) s (\(Int(Double(ops.count) / dumpSeconds)) entries/s)")
        print("BENCH ipvsadm -R    \(fmt(restoreSeconds)) s (\(Int(Double(ops.count) / restoreSeconds)) ops/s)   -Ln  \(fmt(listSeconds)) s")
        print("BENCH ratio apply/ipvsadm-R = \(fmt(applySeconds / restoreSeconds))   dump/ipvsadm-Ln = \(fmt(dumpSeconds / listSeconds))   (target <= 1.0)")
        report.check("bench: apply no slower than ipvsadm -R", applySeconds <= restoreSeconds, "\(applySeconds) > \(restoreSeconds)")
        report.check("bench: dump no slower than ipvsadm -Ln", dumpSeconds <= listSeconds, "\(dumpSeconds) > \(listSeconds)")
    } catch {
        report.record("bench", "\(error)")
    }
}

/// Times `ipvsadm -R` restoring `table` into an empty kernel table, then `ipvsadm -Ln` listing it.
private func timeIpvsadm(_ table: [VirtualServerState], services: Int, reals: Int, report: Report) -> (Double, Double) {
    let script = IPVSRestoreText.script(table.map(\.restoreEntry))
    let restoreStart = now()
    let restore = spawn(["ipvsadm", "-R"], input: script)
    let restoreSeconds = now() - restoreStart
    let listStart = now()
    let listing = spawn(["ipvsadm", "-Ln"])
    let listSeconds = now() - listStart
    let lines = listing.output.split(separator: "\n").count
    report.check("bench: ipvsadm -R restored and -Ln listed the same table", restore.status == 0 && listing.status == 0
                 && lines == 3 + services * (1 + reals), "ipvsadm -R exit \(restore.status), -Ln \(lines) lines")
    return (restoreSeconds, listSeconds)
}

/// Unloads and reloads ip_vs (the table must be empty): a kernel with no dest trash. A NetlinkIPVS opened
/// before must not be used after (the family id may change).
func reloadIPVS() -> Bool {
    spawn(["modprobe", "-r", "ip_vs_rr", "ip_vs"]).status == 0 && spawn(["modprobe", "-a", "ip_vs", "ip_vs_rr"]).status == 0
}

/// IPv4 TCP virtual servers 10.96.x.y:80, each with `reals` masqueraded pods (weight 1).
func benchTable(_ services: Int, _ reals: Int) -> [VirtualServerState] {
    (0..<services).map { i in
        let vs = VirtualServer(key: VirtualServerKey(address: IPAddress(v4: 0x0a60_0000 | UInt32(i)), proto: .tcp, port: 80),
                               scheduler: .roundRobin)
        let rs = (0..<reals).map { j in
            RealServerState(realServer: RealServer(key: RealServerKey(address: IPAddress(v4: 0x0af4_0000 | UInt32(i * reals + j)), port: 8080)))
        }
        return VirtualServerState(virtualServer: vs, realServers: rs.reversed())
    }
}

private func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

private func fmt(_ x: Double) -> String {
    let scaled = Int((x * 1000).rounded())
    return "\(scaled / 1000).\(String(repeating: "0", count: 3 - String(scaled % 1000).count))\(scaled % 1000)"
}
