import Glibc
import KubeIPVSCore
import KubeIPVSKernel
import KubeIPVSNetlink
import KubeIPVSTesting

/// The contract suite on the real kernel, then the probe, sysctl and ipvsadm cross-checks.
func runKernelChecks(filter: String?, options: NetlinkIPVS.Options, report: Report) async {
    let ipvs: NetlinkIPVS
    do {
        ipvs = try NetlinkIPVS(options: options)
    } catch {
        report.record("kernel: start the netlink thread", "\(error)")
        return
    }
    for result in await IPVSContract.run(on: ipvs, matching: filter) {
        report.record("contract: \(result.name)", result.failure)
    }
    guard filter == nil else { return }
    await runProbeChecks(ipvs, report: report)
    runSysctlChecks(report: report)
    await crossCheckWithIpvsadm(ipvs, report: report)
    await runNamespaceCheck(ipvs, report: report)
}

/// `NetlinkIPVS(namespace: .fresh)`: its table is the new namespace's, invisible from the root one.
func runNamespaceCheck(_ root: NetlinkIPVS, report: Report) async {
    let key = VirtualServerKey(address: IPAddress(v4: 0x0a60_ff01), proto: .udp, port: 53)
    do {
        let inner = try NetlinkIPVS(namespace: .fresh)
        let added = await inner.apply([.addVirtualServer(VirtualServer(key: key, scheduler: .roundRobin))])
        let innerKeys = try await inner.virtualServers().map(\.key)
        let rootKeys = try await root.virtualServers().map(\.key)
        report.check("netns: a virtual server added in a fresh namespace is there and only there",
                     added.failures.isEmpty && innerKeys == [key] && !rootKeys.contains(key),
                     "\(added.failures), inside \(innerKeys), root \(rootKeys)")
    } catch {
        report.record("netns: NetlinkIPVS in a fresh namespace", "\(error)")
    }
}

func runProbeChecks(_ ipvs: NetlinkIPVS, report: Report) async {
    let rr = await IPVSProbe.run(scheduler: .roundRobin)
    report.check("probe: rr is available", rr == .available, "\(rr)")
    let twos = await IPVSProbe.run(scheduler: .twoRandomChoices)
    var twosMissing = false
    if case .schedulerMissing(.twoRandomChoices, let e) = twos, e.errno == ENOENT { twosMissing = true }
    report.check("probe: twos (no module in 6.1) is schedulerMissing with ENOENT", twosMissing, "\(twos)")
    let left = (try? await ipvs.virtualServers()) ?? []
    report.check("probe: leaves no dummy virtual server behind", !left.contains { $0.key == IPVSProbe.dummyVirtualServer }, "\(left)")
}

func runSysctlChecks(report: Report) {
    let sysctl = Sysctl()
    do {
        let before = try sysctl.read(.ipvsConntrack)
        let flipped = before == "1" ? "0" : "1"
        let previous = try sysctl.write(.ipvsConntrack, flipped)
        let tool = spawn(["sysctl", "-n", "net.ipv4.vs.conntrack"]).output.trimmingNewlines
        report.check("sysctl: write returns the previous value and the kernel has the new one",
                     previous == before && tool == flipped, "previous \(previous), before \(before), now \(tool)")
        try sysctl.write(.ipvsConntrack, before)
        let current = try sysctl.read(.ipForward)
        let unchanged = try sysctl.ensure(.ipForward, current)
        report.check("sysctl: ensure with the current value reports it", unchanged == current, unchanged)
    } catch {
        report.record("sysctl: read/write net.ipv4.vs.conntrack", "\(error)")
    }
    do {
        _ = try sysctl.read("net.ipv4.vs.no_such_key")
        report.record("sysctl: a missing key fails naming it", "read succeeded")
    } catch {
        report.check("sysctl: a missing key fails naming it",
                     error.errno == ENOENT && error.target == "net.ipv4.vs.no_such_key", "\(error)")
    }
}

/// Both directions: what we write, `ipvsadm -Ln` shows; what `ipvsadm -R` writes, we read.
func crossCheckWithIpvsadm(_ ipvs: NetlinkIPVS, report: Report) async {
    let sample = IPVSContract.bulkTable(12, 3)
    do {
        try await ipvs.flush()
        let results = await ipvs.apply(restoreOperations(sample))
        report.check("ipvsadm: our batch applied", results.failures.isEmpty, "\(results.failures)")
        let ours = IPVSTableText.render(try await ipvs.table().map(\.tableEntry))
        let theirs = spawn(["ipvsadm", "-Ln"]).output
        report.check("ipvsadm -Ln shows exactly what we applied", normalized(theirs) == normalized(ours),
                     "\nours:\n\(ours)\nipvsadm:\n\(theirs)")
        try await ipvs.flush()
        let restore = spawn(["ipvsadm", "-R"], input: IPVSRestoreText.script(sample.map(\.restoreEntry)))
        let readBack = try await ipvs.table()
        report.check("ipvsadm -R table reads back through netlink", restore.status == 0
                     && Set(readBack.map(\.settingsOnly)) == Set(sample.map(\.settingsOnly)),
                     "ipvsadm -R exit \(restore.status); read \(readBack.count) virtual servers")
        let again = spawn(["ipvsadm", "-Ln"]).output
        report.check("our rendering of the ipvsadm-made table equals ipvsadm -Ln",
                     normalized(again) == normalized(IPVSTableText.render(readBack.map(\.tableEntry))), "\n\(again)")
        try await ipvs.flush()
    } catch {
        report.record("ipvsadm cross-check", "\(error)")
    }
}

/// `ipvsadm -Ln` text reduced to comparable lines: the version line dropped, each real server line
/// prefixed by its service line, then sorted (ipvsadm's sort compares addresses as wrapped ints).
func normalized(_ listing: String) -> [String] {
    var service = "", lines: [String] = []
    for line in listing.split(separator: "\n").map(String.init) where !line.hasPrefix("IP Virtual Server") {
        if line.hasPrefix("  -> ") && service != "" { lines.append(service + " | " + line) } else {
            service = line.hasPrefix("  -> ") ? "" : line
            lines.append(line)
        }
    }
    return lines.sorted()
}

extension VirtualServerState {
    /// Settings only, real servers as a sorted list (order and counters aside).
    var settingsOnly: [String] {
        [virtualServer.description] + realServers.map { $0.realServer.description }.sorted()
    }
}

extension String {
    var trimmingNewlines: String {
        var s = self
        while s.last == "\n" { s.removeLast() }
        return s
    }
}
