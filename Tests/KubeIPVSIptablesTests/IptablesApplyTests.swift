import Foundation
import KubeIPVSCore
import KubeIPVSIptables
import KubeIPVSTesting
import Testing

/// Rules applied for real with iptables-restore inside a namespace the test creates, then read
/// back with iptables-save; once per backend (legacy, nft).
@Suite(.serialized, .enabled(if: !IptablesLab.backends.isEmpty, "needs root, ip netns and iptables in a namespace"))
struct IptablesApplyTests {
    typealias L = IptablesLab

    static let node = NodeContext(name: "node1", localAddresses: [LocalAddress(interface: "eth0", address: L.ip("10.0.0.10"))],
                                  primaryIPs: [L.ip("10.0.0.10"), L.ip("fd00::10")])

    static func snapshot(withSticky: Bool = true) -> ProxySnapshot {
        var snapshot = ProxySnapshot()
        let web = ServicePort(name: L.name("ns/web", "http"), port: 80, nodePort: 30080,
                              clusterIPs: [L.ip("10.96.0.10"), L.ip("fd00:96::10")], externalIPs: [L.ip("192.0.2.10")],
                              loadBalancerIPs: [L.ip("203.0.113.10")], loadBalancerSourceRanges: [CIDR("10.0.0.0/8")!],
                              externalPolicyLocal: true, healthCheckNodePort: 32000)
        let dns = ServicePort(name: L.name("ns/dns", "dns", .udp), port: 53, clusterIPs: [L.ip("10.96.0.53")])
        let sticky = ServicePort(name: L.name("ns/sticky", "http"), port: 80, clusterIPs: [L.ip("10.96.0.11")],
                                 sessionAffinityTimeout: 600)
        let none = ServicePort(name: L.name("ns/none", "http"), port: 80, clusterIPs: [L.ip("10.96.0.12")])
        var ports = [web, dns, none]
        if withSticky { ports.append(sticky) }
        for port in ports { snapshot.servicePorts[port.name] = port }
        snapshot.endpoints[web.name] = [
            Endpoint(address: L.ip("10.244.1.10"), port: 8080, nodeName: "node1", isLocal: true),
            Endpoint(address: L.ip("10.244.2.10"), port: 8080, nodeName: "node2"),
            Endpoint(address: L.ip("fd00:244:1::10"), port: 8080, nodeName: "node1", isLocal: true),
        ]
        snapshot.endpoints[dns.name] = [Endpoint(address: L.ip("10.244.1.53"), port: 5353),
                                        Endpoint(address: L.ip("10.244.2.53"), port: 5353)]
        snapshot.endpoints[sticky.name] = [Endpoint(address: L.ip("10.244.1.11"), port: 8080),
                                           Endpoint(address: L.ip("10.244.2.11"), port: 8080)]
        return snapshot
    }

    @Test("apply, read back, re-apply, restart: exact rules, no duplicates", arguments: IptablesLab.backends)
    func applyReadBack(backend: IptablesBackend) async throws {
        let lab = try NetnsLab()
        defer { lab.destroy() }
        let ns = try lab.addNamespace("node")
        let proxier = L.proxier(lab, ns, backend: backend, node: Self.node)
        let first = try await proxier.sync(Self.snapshot())
        #expect(first.fullSyncs == [.v4, .v6])
        for family in IPFamily.allFamilies {
            let ruleset = try #require(await proxier.appliedRulesets[family])
            L.expectApplied(ruleset, saved: try L.save(lab, ns, backend, family))
        }

        // Same snapshot again: a partial sync that writes no service chain and changes nothing.
        let before = try L.save(lab, ns, backend, .v4)
        let second = try await proxier.sync(Self.snapshot())
        #expect(second.fullSyncs.isEmpty && second.servicesWritten[.v4] == 0 && second.servicesWritten[.v6] == 0)
        #expect(Self.rules(try L.save(lab, ns, backend, .v4)) == Self.rules(before))

        // A restarted proxy (new instance) without the sticky service: full sync, stale chains gone,
        // jump rules still there exactly once.
        let restarted = L.proxier(lab, ns, backend: backend, node: Self.node)
        let third = try await restarted.sync(Self.snapshot(withSticky: false))
        #expect(third.fullSyncs == [.v4, .v6])
        let stickyChains = try #require(await proxier.appliedRulesets[.v4]).services
            .first { $0.name == L.name("ns/sticky", "http") }?.chains ?? []
        #expect(stickyChains.count == 3)
        #expect(Set(third.deletedChains[.v4] ?? []) == Set(stickyChains))
        for family in IPFamily.allFamilies {
            let ruleset = try #require(await restarted.appliedRulesets[family])
            let saved = try L.save(lab, ns, backend, family)
            L.expectApplied(ruleset, saved: saved)
            for chain in stickyChains { #expect(!saved.contains(chain)) }
        }
    }

    @Test("a refused restore reports the tool's stderr line and the input line", arguments: IptablesLab.backends)
    func restoreFailure(backend: IptablesBackend) async throws {
        let lab = try NetnsLab()
        defer { lab.destroy() }
        let ns = try lab.addNamespace("node")
        let tool = IptablesRestore(backend: backend, family: .v4, runner: lab.runner(in: ns))
        let input = "*nat\n:KUBE-X - [0:0]\n-A KUBE-X -j KUBE-NOPE\nCOMMIT\n"
        let error = await #expect(throws: IptablesError.self) { try await tool.restore(input) }
        #expect(error?.code == .restoreFailed)
        #expect(error?.operation == backend.command(.restore, family: .v4))
        let expected = backend == .legacy ? "Couldn't load target `KUBE-NOPE'" : "Chain 'KUBE-NOPE' does not exist"
        #expect(error?.message.contains(expected) == true, "\(String(describing: error))")
        #expect(error?.line != nil)
        if backend == .legacy { #expect(error?.inputLine == "-A KUBE-X -j KUBE-NOPE") }
        // The transaction was rolled back: KUBE-X does not exist.
        #expect(!(try L.save(lab, ns, backend, .v4)).contains("KUBE-X"))
    }

    @Test("cleanup removes our chains, IPVS-mode leftovers and their jumps, and nothing else", arguments: IptablesLab.backends)
    func cleanup(backend: IptablesBackend) async throws {
        let lab = try NetnsLab()
        defer { lab.destroy() }
        let ns = try lab.addNamespace("node")
        let proxier = L.proxier(lab, ns, backend: backend, node: Self.node)
        try await proxier.sync(Self.snapshot())
        // What an IPVS-mode kube-proxy leaves behind, and a chain of somebody else.
        let leftovers = """
        *nat
        :KUBE-LOAD-BALANCER - [0:0]
        :KUBE-NODE-PORT - [0:0]
        -A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ
        COMMIT
        *filter
        :KUBE-IPVS-FILTER - [0:0]
        :KUBE-SOURCE-RANGES-FIREWALL - [0:0]
        :OTHER - [0:0]
        -A KUBE-IPVS-FILTER -j RETURN
        -A INPUT -m comment --comment "kubernetes ipvs access filter" -j KUBE-IPVS-FILTER
        -A INPUT -j OTHER
        COMMIT

        """
        try await IptablesRestore(backend: backend, family: .v4, runner: lab.runner(in: ns)).restore(leftovers)
        try await proxier.cleanup(includingKubeletChains: true)
        for family in IPFamily.allFamilies {
            let saved = try L.save(lab, ns, backend, family)
            #expect(!saved.contains("KUBE-"), "\(family):\n\(saved)")
        }
        let saved = try L.save(lab, ns, backend, .v4)
        #expect(saved.contains(":OTHER - [0:0]") && saved.contains("-A INPUT -j OTHER"))
        // A sync after cleanup starts over with a full sync.
        #expect(try await proxier.sync(Self.snapshot()).fullSyncs == [.v4, .v6])
    }

    @Test("a flushed table is noticed through the canary and the next sync is full", arguments: IptablesLab.backends)
    func canary(backend: IptablesBackend) async throws {
        let lab = try NetnsLab()
        defer { lab.destroy() }
        let ns = try lab.addNamespace("node")
        let proxier = L.proxier(lab, ns, backend: backend, node: Self.node, families: [.v4])
        try await proxier.sync(Self.snapshot())
        #expect(await proxier.checkCanary() == false)
        for table in ["mangle", "nat", "filter"] {
            try lab.must(ns, [backend.command(.iptables, family: .v4), "-t", table, "-F"])
            try lab.must(ns, [backend.command(.iptables, family: .v4), "-t", table, "-X"])
        }
        #expect(await proxier.checkCanary() == true)
        let report = try await proxier.sync(Self.snapshot())
        #expect(report.fullSyncs == [.v4])
        L.expectApplied(try #require(await proxier.appliedRulesets[.v4]), saved: try L.save(lab, ns, backend, .v4))
    }

    @Test("backend detection follows kubelet's hint chain, else nft", arguments: [IptablesBackend?.none, .legacy, .nft])
    func detection(hint: IptablesBackend?) async throws {
        try #require(IptablesLab.backends.count == 2)
        let lab = try NetnsLab()
        defer { lab.destroy() }
        let ns = try lab.addNamespace("node")
        if let hint {
            try lab.must(ns, [hint.command(.iptables, family: .v4), "-t", "mangle", "-N", "KUBE-IPTABLES-HINT"])
        }
        let choice = await IptablesBackendDetector(runner: lab.runner(in: ns)).detect()
        #expect(choice.backend == hint ?? .nft, "\(choice)")
    }

    static func rules(_ saved: String) -> [String] {
        saved.split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init)
    }
}
