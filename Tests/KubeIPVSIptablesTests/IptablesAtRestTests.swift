import Foundation
import KubeIPVSCore
import KubeIPVSIptables
import KubeIPVSTesting
import Testing

/// The iptables fallback at rest (docs/iptables-fallback.md): periodic syncs read the tables back
/// and write nothing while nothing changed, so packet counters keep counting; rules changed behind
/// the proxier's back are restored by the next periodic sync. Real tools, real traffic, in
/// namespaces the test creates; once per backend.
@Suite(.serialized, .enabled(if: !IptablesLab.trafficBackends.isEmpty, "needs root, ip netns, iptables in a namespace and python3"))
struct IptablesAtRestTests {
    typealias L = IptablesLab
    typealias T = IptablesTrafficTests

    /// Packets counted by the KUBE-SERVICES rule of web's cluster IP (`iptables-save -c`).
    static func clusterIPPackets(_ lab: NetnsLab, _ net: PodNetwork, _ backend: IptablesBackend) throws -> Int {
        let saved = try lab.must(net.node, [backend.command(.save, family: .v4), "-c", "-t", "nat"])
        let line = try #require(saved.split(separator: "\n").first {
            $0.contains("-A KUBE-SERVICES ") && $0.contains("-d 10.96.0.10/32") && $0.contains("--dport 80")
        }, "no cluster IP rule in:\n\(saved.prefix(2000))")
        // "[12:720] -A KUBE-SERVICES …"
        let packets = line.dropFirst().prefix { $0 != ":" }
        return try #require(Int(packets), "no counters on \(line)")
    }

    /// Every nat chain a fresh render of `expected` declares holds the same rules in the kernel,
    /// and no other per-service chain is there.
    static func expectTables(_ lab: NetnsLab, _ net: PodNetwork, _ backend: IptablesBackend, _ expected: ProxySnapshot,
                             sourceLocation: SourceLocation = #_sourceLocation) throws {
        for family in IPFamily.allFamilies {
            let ruleset = IptablesModeRenderer(configuration: L.configuration).render(expected, node: net.nodeContext,
                                                                                      family: family)
            let saved = try L.save(lab, net.node, backend, family)
            let wanted = IptablesCanonicalRule.rulesByChain(ruleset.restoreText(), table: "nat", family: family)
            let present = IptablesCanonicalRule.rulesByChain(saved, table: "nat", family: family)
            let chains = ruleset.chainsByTable["nat"] ?? []
            #expect(chains.count > 4, sourceLocation: sourceLocation)
            for chain in chains {
                #expect(present[chain] ?? [] == wanted[chain] ?? [], "\(family) \(chain)", sourceLocation: sourceLocation)
            }
            let kernelServiceChains = IptablesSaveDump(parsing: saved)["nat"].chains.filter(IptablesChainNames.isServiceChain)
            #expect(Set(kernelServiceChains) == ruleset.serviceChainNames, "\(family)", sourceLocation: sourceLocation)
        }
    }

    static func served(_ net: PodNetwork, _ count: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let report = try net.httpRequests(L.ip("10.96.0.10"), 80, count: count)
        #expect(report.total == count && report.errors.isEmpty, "\(report.errors)", sourceLocation: sourceLocation)
    }

    @Test("periodic syncs at rest run no iptables-restore and keep the packet counters", arguments: IptablesLab.trafficBackends)
    func atRest(backend: IptablesBackend) async throws {
        let (lab, net, proxier) = try await T.setUp(backend)
        defer { lab.destroy() }
        let state = T.snapshot(net)
        try Self.served(net, 20)
        let counted = try Self.clusterIPPackets(lab, net, backend)
        #expect(counted >= 20)
        let restoresBefore = await proxier.restores
        #expect(restoresBefore >= 2, "the first sync restored both families")

        for _ in 0..<5 {
            let report = try await proxier.sync(state, changed: [], verify: true)
            #expect(report.restores == 0 && report.drift.isEmpty && report.fullSyncs.isEmpty)
            #expect(report.verifiedFamilies == [.v4, .v6] && report.skippedFamilies == [.v4, .v6])
        }
        #expect(await proxier.restores == restoresBefore)
        #expect(try Self.clusterIPPackets(lab, net, backend) == counted, "the counters were not reset")
        // They keep counting from where they were.
        try Self.served(net, 10)
        #expect(try Self.clusterIPPackets(lab, net, backend) == counted + 10)

        // A change at a periodic sync is written (its chains only), then verified: still no full rewrite.
        var changed = state
        changed.endpoints[T.web]?.removeLast()
        let report = try await proxier.sync(changed, changed: [T.web.service], verify: true)
        #expect(report.restores == 1 && report.drift.isEmpty && report.fullSyncs.isEmpty)
        #expect(try Self.clusterIPPackets(lab, net, backend) == counted + 10)
        try Self.expectTables(lab, net, backend, changed)
    }

    @Test("a periodic sync restores rules and chains deleted or added by hand", arguments: IptablesLab.trafficBackends)
    func driftRepaired(backend: IptablesBackend) async throws {
        let (lab, net, proxier) = try await T.setUp(backend)
        defer { lab.destroy() }
        let state = T.snapshot(net)
        let iptables = backend.command(.iptables, family: .v4)
        let svc = try #require(await proxier.appliedRulesets[.v4]?.section(named: T.web)?.chains
            .first { $0.hasPrefix("KUBE-SVC-") })

        // web's service chain flushed: its cluster IP stops answering until the next periodic sync.
        _ = try lab.must(net.node, [iptables, "-w", "5", "-t", "nat", "-F", svc])
        #expect(try net.httpRequests(L.ip("10.96.0.10"), 80, count: 1, perRequest: .milliseconds(500)).total == 0)
        var report = try await proxier.sync(state, changed: [], verify: true)
        #expect(report.drift[.v4] == ["nat \(svc): rules differ"] && report.drift[.v6] == nil)
        #expect(report.fullSyncs == [.v4] && report.restores == 1)
        try Self.expectTables(lab, net, backend, state)
        try Self.served(net, 5)

        // The jump from OUTPUT gone, a chain of ours deleted, a stale service chain left behind.
        let sticky = try #require(await proxier.appliedRulesets[.v4]?.section(named: T.sticky)?.chains)
        let stickySVC = try #require(sticky.first { $0.hasPrefix("KUBE-SVC-") })
        let sep = try #require(sticky.first { $0.hasPrefix("KUBE-SEP-") })
        let save = backend.command(.save, family: .v4), restore = backend.command(.restore, family: .v4)
        _ = try lab.must(net.node, ["sh", "-c", """
            { echo '*nat'; \(save) -t nat | grep -e '^-A OUTPUT .*-j KUBE-SERVICES' | sed 's/^-A/-D/'; \
              echo ':\(stickySVC) - [0:0]'; echo ':\(sep) - [0:0]'; echo '-X \(sep)'; \
              echo ':KUBE-SVC-AAAAAAAAAAAAAAAA - [0:0]'; echo COMMIT; } | \(restore) -w 5 --noflush
            """])
        report = try await proxier.sync(state, changed: [], verify: true)
        let drift = try #require(report.drift[.v4])
        #expect(drift.contains("nat \(sep): missing") && drift.contains("nat \(stickySVC): rules differ"))
        #expect(drift.contains("nat KUBE-SVC-AAAAAAAAAAAAAAAA: no longer used"))
        #expect(drift.contains("jumps from the built-in chains or the canary chain missing"))
        #expect(report.deletedChains[.v4] == ["KUBE-SVC-AAAAAAAAAAAAAAAA"])
        try Self.expectTables(lab, net, backend, state)
        try Self.served(net, 5)

        // Repaired: the next periodic sync writes nothing.
        report = try await proxier.sync(state, changed: [], verify: true)
        #expect(report.restores == 0 && report.drift.isEmpty)
    }
}
