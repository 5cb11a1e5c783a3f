import Foundation
import KubeIPVSCore
import KubeIPVSTesting
import Testing

/// The daemon against `kube-ipvs-test-apiserver`: every object change goes through list/watch.
extension DaemonEndToEndTests {
    @Test("API server: services, affinity, Local policies, endpoint changes, UDP conntrack, rejections")
    func apiServer() throws {
        try DaemonE2E.requireHost()
        let (lab, net, harness) = try Self.startWithAPIServer()
        defer { lab.destroy() }
        #expect(harness.log.contains("falling back to the iptables proxier"))
        #expect(try harness.metrics()["kubeipvs_ipvs_fallback"] == 1)
        try Self.servicesAndPolicies(net)
        try Self.endpointChange(net, harness)
        try Self.udpConntrack(net, harness)
        try Self.malformedServices(net, harness)
    }

    static func servicesAndPolicies(_ net: PodNetwork) throws {
        let all = net.pods.map(\.name)
        let clusterIP = try net.httpRequests(ip("10.96.0.10"), 80, count: 300)
        expectSpread(clusterIP, all, 300)
        // The client is outside --cluster-cidr: masqueraded to the node's pod-side address.
        #expect(!clusterIP.sources.contains(PodNetwork.clientIP.description), "\(clusterIP.sources)")
        expectSpread(try net.httpRequests(PodNetwork.nodeIP, 30080, count: 90), all, 90)
        expectSpread(try net.httpRequests(ip("192.0.2.10"), 80, count: 90), all, 90)

        let sticky = try net.httpRequests(ip("10.96.0.11"), 80, count: 40)
        #expect(sticky.errors.isEmpty && sticky.total == 40 && sticky.counts.count == 1,
                "ClientIP affinity: \(sticky.counts) \(sticky.errors)")

        // externalTrafficPolicy Local: only pod1 (on node1) answers, and sees the client's own address.
        let local = try net.httpRequests(PodNetwork.nodeIP, 30090, count: 40)
        #expect(local.errors.isEmpty && local.counts == ["pod1": 40], "\(local.counts) \(local.errors)")
        #expect(local.sources == [PodNetwork.clientIP.description])
        // internalTrafficPolicy Local: only pod2 (on node1), though pod1 and pod3 are ready on node2.
        let internalPolicy = try net.httpRequests(ip("10.96.0.13"), 80, count: 40)
        #expect(internalPolicy.errors.isEmpty && internalPolicy.counts == ["pod2": 40],
                "\(internalPolicy.counts) \(internalPolicy.errors)")
    }

    /// pod3 leaves `web` through a watch event: ClusterIP and NodePort stop using it.
    static func endpointChange(_ net: PodNetwork, _ harness: DaemonHarness) throws {
        try harness.afterSync {
            try harness.apply(O.slice("web", O.members(net).filter { $0.pod.name != "pod3" }))
        }
        expectSpread(try net.httpRequests(ip("10.96.0.10"), 80, count: 150), ["pod1", "pod2"], 150)
        expectSpread(try net.httpRequests(PodNetwork.nodeIP, 30080, count: 60), ["pod1", "pod2"], 60)
        // And comes back.
        try harness.afterSync { try harness.apply(O.slice("web", O.members(net))) }
        expectSpread(try net.httpRequests(ip("10.96.0.10"), 80, count: 90), net.pods.map(\.name), 90)
    }

    /// A UDP flow sticks to its endpoint through conntrack; when that endpoint leaves, the daemon
    /// deletes the flow's entry and the next datagrams from the same source port reach another pod
    /// (the removed pod still runs, so without the cleanup it would keep answering).
    static func udpConntrack(_ net: PodNetwork, _ harness: DaemonHarness) throws {
        let service = ip("10.96.0.53")
        let pinned = try net.udpRequests(service, 53, count: 5, sourcePort: 40053)
        #expect(pinned.errors.isEmpty && pinned.total == 5 && pinned.counts.count == 1, "one flow, one pod: \(pinned.counts)")
        let chosen = try #require(pinned.counts.keys.first)
        let pod = try #require(net.pods.first { $0.name == chosen })
        let flows = try harness.lab.must(net.node, ["conntrack", "-L", "-p", "udp", "--orig-dst", "10.96.0.53"])
        #expect(flows.contains("src=\(pod.ipv4) "), "\(flows)")

        try harness.afterSync { try harness.apply(O.dnsSlice(O.members(net).filter { $0.pod.name != chosen })) }
        let remaining = try harness.lab.must(net.node, ["conntrack", "-L", "-p", "udp", "--orig-dst", "10.96.0.53"])
        #expect(!remaining.contains("src=\(pod.ipv4) "), "stale flow kept: \(remaining)")
        let moved = try net.udpRequests(service, 53, count: 5, sourcePort: 40053)
        #expect(moved.errors.isEmpty && moved.total == 5 && moved.counts[chosen] == nil && moved.counts.count == 1,
                "\(chosen) removed, still answered: \(moved.counts) \(moved.errors)")
    }

    /// A Service with port 0 and one with a bad clusterIP are refused (a log line each, the rejection
    /// metric), while a valid Service applied with them syncs and the old ones keep working.
    static func malformedServices(_ net: PodNetwork, _ harness: DaemonHarness) throws {
        let pod3 = O.members(net).filter { $0.pod.name == "pod3" }
        let before = harness.syncs
        try harness.apply(O.stream([
            O.service("bad-port", clusterIP: "10.96.0.30", port: 0),
            O.service("bad-ip", clusterIP: "10.96.0.999"),
            O.service("late", clusterIP: "10.96.0.20"), O.slice("late", pod3),
        ]))
        try harness.waitForSync(after: before) {
            try harness.metrics()["kubeipvs_rejected_objects{kind=\"Service\"}"] == 2
        }
        let rejected = harness.log.split(separator: "\n").filter { $0.contains("rejected object") }
        for name in ["e2e/bad-port", "e2e/bad-ip"] {
            #expect(rejected.contains { $0.contains(name) }, "no rejection logged for \(name): \(rejected)")
        }
        #expect(!rejected.contains { $0.contains("e2e/late") }, "\(rejected)")
        try net.waitUntilServed(ip("10.96.0.20"), 80, seconds: 10)
        let late = try net.httpRequests(ip("10.96.0.20"), 80, count: 20)
        #expect(late.errors.isEmpty && late.counts == ["pod3": 20], "\(late.counts) \(late.errors)")
        expectSpread(try net.httpRequests(ip("10.96.0.10"), 80, count: 60), net.pods.map(\.name), 60)
        let metrics = try harness.metrics()
        #expect(metrics["kubeipvs_sync_failures_total"] ?? 0 == 0, "a rejection is not a failed sync")
    }
}
