import Foundation
import KubeIPVSCore
import KubeIPVSIptables
import KubeIPVSTesting
import Testing

/// Topology hints through real iptables rules in namespaces: which pods answer a ClusterIP and a
/// NodePort when the node is in zone-a, then in zone-b (docs/routing-decisions.md).
@Suite(.serialized, .enabled(if: !IptablesLab.trafficBackends.isEmpty, "needs root, ip netns, iptables in a namespace and python3"))
struct IptablesTopologyTrafficTests {
    typealias L = IptablesLab

    /// Pods pod1 (on this node) and pod2 hinted for zone-a, pod3 for zone-b; `zoned` is a ClusterIP,
    /// `edge` a NodePort with externalTrafficPolicy Local whose hints put pod1 in zone-b.
    static func objects(_ net: PodNetwork) -> (services: [KubeService], slices: [KubeEndpointSlice]) {
        func service(_ name: String, _ ip: String, nodePort: Int? = nil, etp: String = "Cluster") -> KubeService {
            KubeService(metadata: KubeObjectMeta(name: name, namespace: "ns"),
                        spec: .init(type: nodePort == nil ? "ClusterIP" : "NodePort", clusterIP: ip, clusterIPs: [ip],
                                    ports: [.init(name: "http", protocol: "TCP", port: 80, nodePort: nodePort)],
                                    externalTrafficPolicy: etp))
        }
        func slice(_ service: String, _ zones: [String]) -> KubeEndpointSlice {
            KubeEndpointSlice(
                metadata: KubeObjectMeta(name: service + "-1", namespace: "ns", labels: ["kubernetes.io/service-name": service]),
                endpoints: zip(net.pods, zones).map { pod, zone in
                    .init(addresses: [pod.ipv4.description], nodeName: pod.name == "pod1" ? "node1" : "other",
                          hints: .init(forZones: [zone]))
                },
                ports: [.init(name: "http", port: Int(PodNetwork.httpPort))])
        }
        return ([service("zoned", "10.96.0.30"), service("edge", "10.96.0.31", nodePort: 30095, etp: "Local")],
                [slice("zoned", ["zone-a", "zone-a", "zone-b"]), slice("edge", ["zone-b", "zone-a", "zone-b"])])
    }

    static func expectOnly(_ report: ClientReport, _ pods: Set<String>, total: Int,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        let timeouts = report.errors["TimeoutError"] ?? 0
        #expect(report.errors.filter { $0.key != "TimeoutError" }.isEmpty, "errors: \(report.errors)",
                sourceLocation: sourceLocation)
        #expect(timeouts <= max(1, total / 100) && report.total + timeouts == total, sourceLocation: sourceLocation)
        #expect(Set(report.counts.keys) == pods, "\(report.counts)", sourceLocation: sourceLocation)
    }

    @Test("zone hints: the ClusterIP reaches this zone's pods only, the Local NodePort its local pod; a zone change re-routes",
          arguments: IptablesLab.trafficBackends)
    func zoneHints(backend: IptablesBackend) async throws {
        let lab = try NetnsLab()
        defer { lab.destroy() }
        let net = try PodNetwork.build(lab, pods: 3)
        var node = net.nodeContext
        node.zone = "zone-a"
        let proxier = L.proxier(lab, net.node, backend: backend, node: node)
        let objects = Self.objects(net)
        try await proxier.sync(ProxySnapshot.build(services: objects.services, slices: objects.slices, node: node))
        // 60 connections: a pod with a fair 1/2 share is missed with odds 2^-60.
        Self.expectOnly(try net.httpRequests(L.ip("10.96.0.30"), 80, count: 60), ["pod1", "pod2"], total: 60)
        Self.expectOnly(try net.httpRequests(PodNetwork.nodeIP, 30095, count: 20), ["pod1"], total: 20)
        // The ClusterIP of the Local NodePort service follows the hints: zone-a is pod2 alone.
        Self.expectOnly(try net.httpRequests(L.ip("10.96.0.31"), 80, count: 20), ["pod2"], total: 20)

        node.zone = "zone-b"
        try await proxier.sync(ProxySnapshot.build(services: objects.services, slices: objects.slices, node: node))
        Self.expectOnly(try net.httpRequests(L.ip("10.96.0.30"), 80, count: 20), ["pod3"], total: 20)
        Self.expectOnly(try net.httpRequests(L.ip("10.96.0.31"), 80, count: 60), ["pod1", "pod3"], total: 60)

        // A zone no hint names: hints ignored, every pod answers.
        node.zone = "zone-c"
        try await proxier.sync(ProxySnapshot.build(services: objects.services, slices: objects.slices, node: node))
        Self.expectOnly(try net.httpRequests(L.ip("10.96.0.30"), 80, count: 90), ["pod1", "pod2", "pod3"], total: 90)
    }
}
