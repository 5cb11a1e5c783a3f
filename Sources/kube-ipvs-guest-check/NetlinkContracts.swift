import KubeIPVSCore
import KubeIPVSKernel
import KubeIPVSNetlink
import KubeIPVSTesting

/// The link/address contract on the guest kernel, which (unlike the host's) has the dummy link type:
/// kube-ipvs0 created, listed, carrying service addresses and deleted over rtnetlink, each case in a fresh
/// network namespace, with iproute2 cross-checks in that namespace.
func runLinkChecks(report: Report) async {
    do {
        let rtnl = try RTNetlinkLinkAddress(namespace: .fresh)
        try await LinkAddressContract.runDummyLink(on: rtnl)
        report.record("links: contract dummyLink (kube-ipvs0 over rtnetlink)", nil)
        let link = try await rtnl.ensureDummyLink(named: "kube-ipvs0")
        try await rtnl.addAddress(IPAddress(v4: 0x0a60_000a), to: "kube-ipvs0")
        let shown = inNamespace(rtnl.namespacePath, ["ip", "-d", "-o", "addr", "show", "dev", "kube-ipvs0"])
        report.check("links: ip sees kube-ipvs0 as a DOWN dummy with 10.96.0.10/32",
                     shown.status == 0 && shown.output.contains("10.96.0.10/32") && !link.isUp
                        && inNamespace(rtnl.namespacePath, ["ip", "-d", "link", "show", "kube-ipvs0"]).output.contains("dummy"),
                     "ip exit \(shown.status): \(shown.output)")
    } catch {
        report.record("links: contract dummyLink", "\(error)")
    }
    do {
        let rtnl = try RTNetlinkLinkAddress(namespace: .fresh)
        try await rtnl.createVethPair("kipvs-v0", peer: "kipvs-v1")
        try await LinkAddressContract.runAddresses(on: rtnl, link: "kipvs-v0")
        report.record("links: contract addresses (on a veth)", nil)
    } catch {
        report.record("links: contract addresses (on a veth)", "\(error)")
    }
}

/// Every ipset contract case on the guest kernel through libipset, each in a fresh network namespace; a
/// kernel reference is a real `iptables -m set` rule in that namespace.
func runIPSetChecks(report: Report) async {
    for c in IPSetContract.Case.allCases {
        do {
            let ipset = try LibIPSet(namespace: .fresh)
            let namespace = ipset.namespacePath
            try await IPSetContract.run(c, on: ipset) { name in
                let rule = ["iptables", "-w", "-A", "INPUT", "-m", "set", "--match-set", name, "dst,dst,src", "-j", "ACCEPT"]
                let result = inNamespace(namespace, rule)
                if result.status != 0 {
                    throw KernelError(code: .failed, operation: "iptables -m set", target: name,
                                      detail: "exit \(result.status): \(result.output)")
                }
            }
            await ipset.close()
            report.record("ipsets: contract \(c)", nil)
        } catch {
            report.record("ipsets: contract \(c)", "\(error)")
        }
    }
}

/// Runs a tool inside `namespace` (a `/proc/PID/task/TID/ns/net` path) with nsenter.
func inNamespace(_ namespace: NetworkNamespace, _ argv: [String]) -> (status: Int32, output: String) {
    guard case .path(let file) = namespace else { return (-1, "not a namespace path: \(namespace)") }
    return spawn(["nsenter", "--net=\(file)"] + argv)
}
