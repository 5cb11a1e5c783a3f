import Foundation
import KubeIPVSCore
import KubeIPVSIptables
import KubeIPVSTesting
import Testing

/// Real traffic through the rules: a client namespace talks to services on a node namespace whose
/// pods are namespaces running small HTTP/UDP servers. Once per backend.
@Suite(.serialized, .enabled(if: !IptablesLab.trafficBackends.isEmpty, "needs root, ip netns, iptables in a namespace and python3"))
struct IptablesTrafficTests {
    typealias L = IptablesLab

    static let web = L.name("ns/web", "http")
    static let sticky = L.name("ns/sticky", "http")
    static let local = L.name("ns/local", "http")
    static let localNone = L.name("ns/local-none", "http")
    static let dns = L.name("ns/dns", "dns", .udp)
    static let webV6 = L.name("ns/web6", "http")
    static let balanced = L.name("ns/lb", "http")

    static func endpoints(_ net: PodNetwork, port: UInt16, v6: Bool = false, local: Set<String> = []) -> [Endpoint] {
        net.pods.map { pod in
            Endpoint(address: v6 ? pod.ipv6 : pod.ipv4, port: port, nodeName: local.contains(pod.name) ? "node1" : "node2",
                     isLocal: local.contains(pod.name))
        }
    }

    static func snapshot(_ net: PodNetwork) -> ProxySnapshot {
        var s = ProxySnapshot()
        func add(_ port: ServicePort, _ endpoints: [Endpoint]) {
            s.servicePorts[port.name] = port
            s.endpoints[port.name] = endpoints
        }
        let http = PodNetwork.httpPort
        add(ServicePort(name: web, port: 80, nodePort: 30080, clusterIPs: [L.ip("10.96.0.10")],
                        externalIPs: [L.ip("192.0.2.10")]), endpoints(net, port: http))
        add(ServicePort(name: sticky, port: 80, clusterIPs: [L.ip("10.96.0.11")], sessionAffinityTimeout: 600),
            endpoints(net, port: http))
        add(ServicePort(name: local, port: 80, nodePort: 30090, clusterIPs: [L.ip("10.96.0.12")], externalPolicyLocal: true),
            endpoints(net, port: http, local: ["pod1"]))
        add(ServicePort(name: localNone, port: 80, nodePort: 30091, clusterIPs: [L.ip("10.96.0.13")], externalPolicyLocal: true),
            endpoints(net, port: http))
        add(ServicePort(name: dns, port: 53, clusterIPs: [L.ip("10.96.0.53")]), endpoints(net, port: PodNetwork.udpPort))
        add(ServicePort(name: webV6, port: 80, clusterIPs: [L.ip("fd00:96::10")]), endpoints(net, port: http, v6: true))
        add(ServicePort(name: balanced, port: 80, nodePort: 30092, clusterIPs: [L.ip("10.96.0.14")],
                        loadBalancerIPs: [L.ip("203.0.113.10")], loadBalancerSourceRanges: [CIDR("192.168.77.0/24")!]),
            endpoints(net, port: http))
        return s
    }

    static func setUp(_ backend: IptablesBackend) async throws -> (NetnsLab, PodNetwork, IptablesProxier) {
        let lab = try NetnsLab()
        let net = try PodNetwork.build(lab, pods: 3)
        let proxier = L.proxier(lab, net.node, backend: backend, node: net.nodeContext)
        try await proxier.sync(snapshot(net))
        return (lab, net, proxier)
    }

    /// Every pod answered a fair share: each count within 5σ of total/pods (binomial), so a fair
    /// spread fails with odds below one in a million while a first-endpoint-takes-all fails always.
    static func expectSpread(_ report: ClientReport, over pods: [String], total: Int,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        // A client timeout on a saturated 2-core machine is not a routing error: up to 1% are tolerated;
        // any other error (refused, reset, wrong answer) fails.
        let timeouts = report.errors["TimeoutError"] ?? 0
        #expect(report.errors.filter { $0.key != "TimeoutError" }.isEmpty, "errors: \(report.errors)",
                sourceLocation: sourceLocation)
        #expect(timeouts <= max(1, total / 100), "timeouts: \(timeouts)", sourceLocation: sourceLocation)
        #expect(report.total + timeouts == total, sourceLocation: sourceLocation)
        #expect(Set(report.counts.keys) == Set(pods), "\(report.counts)", sourceLocation: sourceLocation)
        let p = 1 / Double(pods.count)
        let fair = Double(total) * p, bound = 5 * (Double(total) * p * (1 - p)).squareRoot()
        for pod in pods {
            let count = Double(report.counts[pod] ?? 0)
            #expect(abs(count - fair) <= bound, "\(pod): \(count) of \(total), fair \(fair) ± \(bound)",
                    sourceLocation: sourceLocation)
        }
    }

    @Test("ClusterIP, NodePort and external IP reach every endpoint; affinity sticks; removal takes effect",
          arguments: IptablesLab.trafficBackends)
    func clusterTraffic(backend: IptablesBackend) async throws {
        let (lab, net, proxier) = try await Self.setUp(backend)
        defer { lab.destroy() }
        let all = net.pods.map(\.name)
        let clusterIP = try net.httpRequests(L.ip("10.96.0.10"), 80, count: 600)
        Self.expectSpread(clusterIP, over: all, total: 600)
        // The client is outside --cluster-cidr, so it is masqueraded to the node's pod-side address.
        #expect(!clusterIP.sources.contains(PodNetwork.clientIP.description), "\(clusterIP.sources)")
        Self.expectSpread(try net.httpRequests(PodNetwork.nodeIP, 30080, count: 90), over: all, total: 90)
        Self.expectSpread(try net.httpRequests(L.ip("192.0.2.10"), 80, count: 90), over: all, total: 90)
        Self.expectSpread(try net.httpRequests(L.ip("fd00:96::10"), 80, count: 90), over: all, total: 90)

        let sticky = try net.httpRequests(L.ip("10.96.0.11"), 80, count: 40)
        #expect(sticky.errors.isEmpty && sticky.total == 40)
        #expect(sticky.counts.count == 1, "ClientIP affinity spread over \(sticky.counts)")

        // pod3 leaves the web service: a partial sync rewrites only that service.
        var snapshot = Self.snapshot(net)
        snapshot.endpoints[Self.web]?.removeAll { $0.address == net.pods[2].ipv4 }
        let report = try await proxier.sync(snapshot)
        #expect(report.fullSyncs.isEmpty && report.servicesWritten[.v4] == 1)
        let gone = IptablesChainNames.endpoint(Self.web, Endpoint(address: net.pods[2].ipv4, port: PodNetwork.httpPort))
        #expect(report.deletedChains[.v4] == [gone])
        #expect(!(try L.save(lab, net.node, backend, .v4)).contains(gone))
        Self.expectSpread(try net.httpRequests(L.ip("10.96.0.10"), 80, count: 150), over: ["pod1", "pod2"], total: 150)
        Self.expectSpread(try net.httpRequests(PodNetwork.nodeIP, 30080, count: 60), over: ["pod1", "pod2"], total: 60)
    }

    @Test("externalTrafficPolicy Local: only local endpoints, client source kept; none local: dropped",
          arguments: IptablesLab.trafficBackends)
    func localPolicy(backend: IptablesBackend) async throws {
        let (lab, net, _) = try await Self.setUp(backend)
        defer { lab.destroy() }
        let local = try net.httpRequests(PodNetwork.nodeIP, 30090, count: 60)
        #expect(local.errors.isEmpty && local.counts == ["pod1": 60], "\(local.counts) \(local.errors)")
        #expect(local.sources == [PodNetwork.clientIP.description])
        // Cluster policy on the same node masquerades.
        let cluster = try net.httpRequests(PodNetwork.nodeIP, 30080, count: 30)
        #expect(cluster.errors.isEmpty && !cluster.sources.contains(PodNetwork.clientIP.description))
        // No local endpoint: external traffic is dropped (filter KUBE-EXTERNAL-SERVICES), ClusterIP still works.
        let none = try net.httpRequests(PodNetwork.nodeIP, 30091, count: 2)
        #expect(none.total == 0 && none.errors.values.reduce(0, +) == 2, "\(none.counts)")
        #expect(try net.httpRequests(L.ip("10.96.0.13"), 80, count: 20).total == 20)
    }

    @Test("a removed UDP endpoint keeps its conntrack entry until the cleaner deletes it", arguments: IptablesLab.trafficBackends)
    func udpConntrack(backend: IptablesBackend) async throws {
        let (lab, net, proxier) = try await Self.setUp(backend)
        defer { lab.destroy() }
        let service = L.ip("10.96.0.53")
        let pinned = try net.udpRequests(service, 53, count: 5, sourcePort: 40053)
        #expect(pinned.errors.isEmpty && pinned.counts.count == 1, "one flow, one endpoint: \(pinned.counts)")
        let chosen = try #require(pinned.counts.keys.first)
        let pod = try #require(net.pods.first { $0.name == chosen })

        // Apply rules without that endpoint but clean nothing: the flow still goes to the removed pod.
        let before = Self.snapshot(net)
        var after = before
        after.endpoints[Self.dns]?.removeAll { $0.address == pod.ipv4 }
        let ruleset = IptablesModeRenderer(configuration: L.configuration).render(after, node: net.nodeContext, family: .v4)
        let tool = IptablesRestore(backend: backend, family: .v4, runner: lab.runner(in: net.node))
        let stale = ruleset.staleChains(existing: try #require(await proxier.appliedRulesets[.v4]).serviceChainNames)
        try await tool.restore(ruleset.restoreText(deleting: stale))
        #expect(try net.udpRequests(service, 53, count: 3, sourcePort: 40053).counts == [chosen: 3])
        let entries = try lab.must(net.node, ["conntrack", "-L", "-p", "udp", "--orig-dst", "10.96.0.53"])
        #expect(entries.contains("src=\(pod.ipv4)"), "\(entries)")

        // The cleaner deletes exactly the stale flows; the same client port now lands elsewhere.
        let deletions = StaleConntrack.deletions(previous: before, current: after)
        #expect(deletions.map(\.filter) == [.serviceEndpoint(service, endpoint: pod.ipv4)])
        let (deleted, failures) = await ConntrackCleaner(runner: lab.runner(in: net.node)).delete(deletions)
        #expect(failures.isEmpty && deleted >= 1, "\(failures)")
        let moved = try net.udpRequests(service, 53, count: 5, sourcePort: 40053)
        #expect(moved.errors.isEmpty && moved.total == 5 && moved.counts[chosen] == nil, "\(moved.counts)")
        let remaining = try lab.must(net.node, ["conntrack", "-L", "-p", "udp", "--orig-dst", "10.96.0.53"])
        #expect(!remaining.contains("src=\(pod.ipv4) "), "\(remaining)")

        // The proxier does the same on its own when an endpoint goes.
        var third = after
        let next = try #require(net.pods.first { $0.name == moved.counts.keys.first })
        third.endpoints[Self.dns]?.removeAll { $0.address == next.ipv4 }
        _ = try await proxier.sync(after)
        let report = try await proxier.sync(third)
        #expect(report.conntrackDeletions.map(\.filter) == [.serviceEndpoint(service, endpoint: next.ipv4)])
        let last = try net.udpRequests(service, 53, count: 3, sourcePort: 40053)
        #expect(last.errors.isEmpty && last.counts.keys.allSatisfy { $0 != chosen && $0 != next.name }, "\(last.counts)")
    }

    @Test("loadBalancerSourceRanges: allowed sources reach the endpoints, others are dropped by KUBE-PROXY-FIREWALL",
          arguments: IptablesLab.trafficBackends)
    func sourceRanges(backend: IptablesBackend) async throws {
        let (lab, net, proxier) = try await Self.setUp(backend)
        defer { lab.destroy() }
        let all = net.pods.map(\.name)
        Self.expectSpread(try net.httpRequests(L.ip("203.0.113.10"), 80, count: 60), over: all, total: 60)
        // Something routes the VIP onwards, so undropped packets would be forwarded.
        try lab.must(net.node, ["ip", "route", "add", "203.0.113.0/24", "via", net.pods[0].ipv4.description])
        var snapshot = Self.snapshot(net)
        snapshot.servicePorts[Self.balanced]?.loadBalancerSourceRanges = [CIDR("198.51.100.0/24")!]
        let report = try await proxier.sync(snapshot)
        #expect(report.servicesWritten[.v4] == 1)
        let refused = try net.httpRequests(L.ip("203.0.113.10"), 80, count: 2)
        #expect(refused.total == 0, "\(refused.counts)")
        let counters = try lab.must(net.node, [backend.command(.iptables, family: .v4), "-t", "filter", "-L",
                                               IptablesChainNames.proxyFirewall, "-n", "-v", "-x"])
        let dropped = counters.split(separator: "\n").first { $0.contains("DROP") && $0.contains("203.0.113.10") }
        let packets = dropped.flatMap { Int($0.split(separator: " ").first ?? "") } ?? 0
        #expect(packets >= 2, "\(counters)")
        // The NodePort is not subject to source ranges (kube-proxy behaviour).
        Self.expectSpread(try net.httpRequests(PodNetwork.nodeIP, 30092, count: 30), over: all, total: 30)
    }
}
