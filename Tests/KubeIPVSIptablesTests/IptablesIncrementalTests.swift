import Foundation
import KubeIPVSCore
@testable import KubeIPVSIptables
import KubeIPVSTesting
import Testing

/// Incremental syncs against the real tools in a namespace: changed-services hints, merged partial
/// snapshots, untouched chains and skipped families. After each, the tables must equal a full
/// write of the whole state.
@Suite(.serialized, .enabled(if: !IptablesLab.backends.isEmpty, "needs root, ip netns and iptables in a namespace"))
struct IptablesIncrementalTests {
    typealias L = IptablesLab

    static let node = IptablesApplyTests.node
    static let web = L.name("ns/web", "http")
    static let dns = L.name("ns/dns", "dns", .udp)
    static let sticky = L.name("ns/sticky", "http")

    /// The part of `snapshot` that belongs to `service`.
    static func part(_ snapshot: ProxySnapshot, _ service: ServiceName) -> ProxySnapshot {
        ProxySnapshot(servicePorts: snapshot.servicePorts.filter { $0.key.service == service },
                      endpoints: snapshot.endpoints.filter { $0.key.service == service })
    }

    /// The tables hold exactly what a fresh renderer writes for `expected`.
    static func expectTables(_ lab: NetnsLab, _ ns: String, _ backend: IptablesBackend, _ expected: ProxySnapshot,
                             sourceLocation: SourceLocation = #_sourceLocation) throws {
        for family in IPFamily.allFamilies {
            let ruleset = IptablesModeRenderer(configuration: L.configuration).render(expected, node: node, family: family)
            L.expectApplied(ruleset, saved: try L.save(lab, ns, backend, family), sourceLocation: sourceLocation)
        }
    }

    @Test("merged partial snapshots: add an endpoint, delete a service, add it back", arguments: IptablesLab.backends)
    func mergedChanges(backend: IptablesBackend) async throws {
        let lab = try NetnsLab()
        defer { lab.destroy() }
        let ns = try lab.addNamespace("node")
        let proxier = L.proxier(lab, ns, backend: backend, node: Self.node)
        var state = IptablesApplyTests.snapshot()
        try await proxier.sync(state)

        // One more IPv4 endpoint for web: only web is rendered again; nat/KUBE-SERVICES is left alone.
        state.endpoints[Self.web]?.append(Endpoint(address: L.ip("10.244.3.10"), port: 8080))
        let added = try await proxier.sync(changes: Self.part(state, Self.web.service), for: [Self.web.service])
        #expect(added.fullSyncs.isEmpty && added.servicesRendered[.v4] == 1 && added.servicesWritten[.v4] == 1)
        #expect(added.rewrittenChains[.v4] == [] && added.skippedFamilies == [.v6])
        let merged = await proxier.snapshot
        #expect(merged.servicePorts == state.servicePorts && merged.endpoints == state.endpoints)
        try Self.expectTables(lab, ns, backend, state)

        // The sticky service goes: its chains are deleted and KUBE-SERVICES loses its jump.
        let stickyChains = try #require(await proxier.appliedRulesets[.v4]?.section(named: Self.sticky)).chains
        state.servicePorts[Self.sticky] = nil
        state.endpoints[Self.sticky] = nil
        let deleted = try await proxier.sync(changes: ProxySnapshot(), for: [Self.sticky.service])
        #expect(Set(deleted.deletedChains[.v4] ?? []) == Set(stickyChains))
        #expect(deleted.rewrittenChains[.v4] == ["nat/KUBE-SERVICES"])
        try Self.expectTables(lab, ns, backend, state)

        // Back again, through the full-snapshot API with a changed-services hint.
        state = IptablesApplyTests.snapshot()
        state.endpoints[Self.web]?.append(Endpoint(address: L.ip("10.244.3.10"), port: 8080))
        let back = try await proxier.sync(state, changed: [Self.sticky.service])
        #expect(back.servicesRendered[.v4] == 1 && back.servicesWritten[.v4] == 1)
        try Self.expectTables(lab, ns, backend, state)

        // Nothing changed: no restore at all.
        let idle = try await proxier.sync(state, changed: [])
        #expect(idle.skippedFamilies == [.v4, .v6] && idle.restoreTime == .zero)
        try Self.expectTables(lab, ns, backend, state)
    }

    @Test("a removed UDP endpoint reported through a partial snapshot still gets its conntrack cleanup",
          arguments: IptablesLab.backends)
    func conntrackThroughChanges(backend: IptablesBackend) async throws {
        let lab = try NetnsLab()
        defer { lab.destroy() }
        let ns = try lab.addNamespace("node")
        let proxier = L.proxier(lab, ns, backend: backend, node: Self.node)
        var state = IptablesApplyTests.snapshot()
        try await proxier.sync(state)
        state.endpoints[Self.dns]?.removeAll { $0.address == L.ip("10.244.2.53") }
        let report = try await proxier.sync(changes: Self.part(state, Self.dns.service), for: [Self.dns.service])
        #expect(report.conntrackDeletions.map(\.filter) == [.serviceEndpoint(L.ip("10.96.0.53"), endpoint: L.ip("10.244.2.53"))])
        #expect(report.conntrackFailures.isEmpty)
        try Self.expectTables(lab, ns, backend, state)
    }

    @Test("a large full sync on nft (starting with -Z) writes exactly the ruleset and leaves other nat rules alone")
    func largeFullSyncOnNft() async throws {
        try #require(IptablesLab.backends.contains(.nft))
        let lab = try NetnsLab()
        defer { lab.destroy() }
        let ns = try lab.addNamespace("node")
        let tool = IptablesRestore(backend: .nft, family: .v4, runner: lab.runner(in: ns))
        // Another program's chains (not hooked to a built-in chain: expectApplied checks those exactly).
        try await tool.restore("*nat\n:OTHER - [0:0]\n:OTHER-ENTRY - [0:0]\n-A OTHER -s 198.51.100.0/24 -j RETURN\n"
            + "-A OTHER-ENTRY -j OTHER\nCOMMIT\n")
        var snapshot = ProxySnapshot()
        for index in 0..<60 {
            let port = ServicePort(name: L.name("big/svc-\(index)", "http"), port: 80,
                                   clusterIPs: [L.ip("10.96.7.\(index + 1)")])
            snapshot.servicePorts[port.name] = port
            snapshot.endpoints[port.name] = (0..<10).map {
                Endpoint(address: L.ip("10.244.\(index).\($0 + 1)"), port: 8080)
            }
        }
        let proxier = L.proxier(lab, ns, backend: .nft, node: Self.node, families: [.v4])
        let ruleset = IptablesModeRenderer(configuration: L.configuration).render(snapshot, node: Self.node, family: .v4)
        #expect(IptablesProxier.natPrelude(ruleset, backend: .nft) == ["-Z"])
        #expect(IptablesProxier.natPrelude(ruleset, backend: .legacy) == [])
        let report = try await proxier.sync(snapshot)
        #expect(report.fullSyncs == [.v4] && report.servicesWritten[.v4] == 60)
        let saved = try L.save(lab, ns, .nft, .v4)
        L.expectApplied(ruleset, saved: saved)
        #expect(saved.contains(":OTHER - [0:0]") && saved.contains("-A OTHER -s 198.51.100.0/24 -j RETURN")
                && saved.contains("-A OTHER-ENTRY -j OTHER"))
    }

    /// `--detect-local-mode NodeCIDR`: a detector taken after syncs (the cache holds every chain) makes
    /// the next sync full, and the tables then equal a fresh write with the Node's pod CIDRs in them.
    @Test("a new local-traffic detector rewrites every service", arguments: IptablesLab.backends)
    func localDetectorChange(backend: IptablesBackend) async throws {
        let lab = try NetnsLab()
        defer { lab.destroy() }
        let ns = try lab.addNamespace("node")
        let proxier = L.proxier(lab, ns, backend: backend, node: Self.node)
        let state = IptablesApplyTests.snapshot()
        try await proxier.sync(state)
        let detector = LocalTrafficDetector.nodeCIDR([CIDR("10.244.7.0/24")!, CIDR("fd00:244:7::/64")!])
        await proxier.setLocalDetector(detector)
        let report = try await proxier.sync(state, changed: [])
        #expect(report.fullSyncs == [.v4, .v6], "\(report.fullSyncs)")
        var configuration = L.configuration
        configuration.localDetector = detector
        for family in IPFamily.allFamilies {
            let ruleset = IptablesModeRenderer(configuration: configuration).render(state, node: Self.node, family: family)
            L.expectApplied(ruleset, saved: try L.save(lab, ns, backend, family))
        }
        let v4 = try L.save(lab, ns, backend, .v4)
        #expect(v4.contains("! -s 10.244.7.0/24") && !v4.contains("10.244.0.0/16"))
        #expect(try L.save(lab, ns, backend, .v6).contains("! -s fd00:244:7::/64"))
    }
}
