import KubeIPVSCore
import KubeIPVSIptables
import KubeIPVSTesting
import Testing

/// A node switching from iptables mode to IPVS mode (docs/migrating-from-kube-proxy.md): the IPVS mode's
/// companion rules are restored over an iptables-mode ruleset, then the iptables-mode chains are removed,
/// for real inside a namespace the test creates, once per backend.
@Suite(.serialized, .enabled(if: !IptablesLab.backends.isEmpty, "needs root, ip netns and iptables in a namespace"))
struct IptablesModeLeftoversTests {
    typealias L = IptablesLab

    /// KUBE-* chains per table, from iptables-save.
    static func kubeChains(_ saved: String) -> [String: Set<String>] {
        let dump = IptablesSaveDump(parsing: saved)
        var chains: [String: Set<String>] = [:]
        for table in ["nat", "filter", "mangle"] {
            chains[table] = Set(dump[table].userChains.filter { $0.hasPrefix("KUBE-") })
        }
        return chains
    }

    @Test("after the IPVS mode's rules, only its chains and kubelet's stay; no built-in chain jumps elsewhere",
          arguments: IptablesLab.backends)
    func switchToIPVSMode(backend: IptablesBackend) async throws {
        let lab = try NetnsLab()
        defer { lab.destroy() }
        let ns = try lab.addNamespace("node")
        try await L.proxier(lab, ns, backend: backend, node: IptablesApplyTests.node, families: [.v4])
            .sync(IptablesApplyTests.snapshot())
        let before = Self.kubeChains(try L.save(lab, ns, backend, .v4))
        let serviceChains = before["nat"]!.filter { $0.hasPrefix("KUBE-SVC-") || $0.hasPrefix("KUBE-SEP-") }
        #expect(serviceChains.count >= 8, "the iptables-mode ruleset: \(before)")

        // The sets the companion rules match (the IPVS proxier creates them before its rules).
        for set in ProxyIPSet.allCases {
            let range = set.type == .bitmapPort ? ["range", "0-65535"] : []
            try lab.must(ns, ["ipset", "create", set.name(.v4), set.type.rawValue] + range)
        }
        let applier = IPVSCompanionApplier(backend: backend, runner: lab.runner(in: ns))
        let companion = IPVSCompanionRules.render(family: .v4, nonEmpty: [.clusterIP, .loopBack, .nodePortTCP],
                                                  nodeAccessBlocked: [], config: L.configuration)
        try await applier.apply(family: .v4, text: companion)
        let removed = try await applier.removeIptablesModeLeftovers(family: .v4)

        let saved = try L.save(lab, ns, backend, .v4)
        let after = Self.kubeChains(saved)
        let kubelet = IptablesChainNames.kubeletOwned
        #expect(after["nat"]!.subtracting(kubelet) == Set(IPVSCompanionRules.natChains), "\(saved)")
        #expect(after["filter"]!.subtracting(kubelet) == Set(IPVSCompanionRules.filterChains), "\(saved)")
        #expect(after["mangle"]!.subtracting(kubelet).isEmpty, "\(saved)")
        // What was reported removed is exactly what went, and kubelet's chains stayed.
        var gone: Set<String> = []
        for (table, chains) in before { for c in chains.subtracting(after[table]!) { gone.insert("\(table)/\(c)") } }
        #expect(Set(removed) == gone && removed.count == gone.count)
        for (table, chains) in before { #expect(chains.intersection(kubelet).isSubset(of: after[table]!)) }
        // Every jump left in a built-in chain targets a chain that exists.
        let dump = IptablesSaveDump(parsing: saved)
        for table in ["nat", "filter"] {
            for line in dump[table].rules where line.contains(" -j KUBE-") {
                let target = String(line.split(separator: " ").last!)
                #expect(after[table]!.contains(target), "\(table): \(line)")
            }
        }
        // The companion rules are intact, and a second pass has nothing to remove.
        #expect(saved.contains("-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT"))
        #expect(try await applier.removeIptablesModeLeftovers(family: .v4) == [])
    }
}
