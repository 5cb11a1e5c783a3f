import Foundation
import KubeIPVSCore
import Testing

/// Issue 10 item 4: cluster-wide caps on the planned totals refuse the newest Services (by
/// creationTimestamp, then namespace/name) and leave the others' plans unchanged. The caps are lowered
/// through `ClusterCaps`, not reached with millions of objects.
@Suite struct ClusterCapsTests {
    static let node = NodeContext(name: "node1", localAddresses: [LocalAddress(interface: "eth0", address: IPAddress("10.0.0.10")!)])

    /// A ClusterIP Service with `externalIPs` extra addresses on one port: 1 + externalIPs virtual servers.
    static func service(_ name: String, _ index: Int, created: String?, externalIPs: Int = 2,
                        namespace: String = "ns") -> KubeService {
        var s = KubeService(metadata: KubeObjectMeta(name: name, namespace: namespace, creationTimestamp: created),
                            spec: KubeService.Spec(type: "ClusterIP", clusterIP: "10.96.0.\(index)",
                                                   clusterIPs: ["10.96.0.\(index)"],
                                                   ports: [KubeService.Port(name: "http", port: 80)]))
        s.spec.externalIPs = (0..<externalIPs).map { "192.0.2.\(index * 10 + $0)" }
        return s
    }

    static func plan(_ services: [KubeService], slices: [KubeEndpointSlice] = [], caps: ClusterCaps) -> IPVSPlan {
        let snapshot = ProxySnapshot.build(services: services, slices: slices, node: node)
        return IPVSPlanner.plan(snapshot, node: node, config: ProxyConfiguration(), caps: caps)
    }

    static let cluster = [
        service("a", 1, created: "2024-01-01T00:00:00Z"),
        service("b", 2, created: "2024-02-01T00:00:00Z"),
        service("c", 3, created: "2024-03-01T00:00:00Z"),
        service("d", 4, created: nil),   // no timestamp: the oldest
    ]

    static func servicesIn(_ plan: IPVSPlan) -> Set<String> {
        Set(plan.virtualServers.map(\.servicePort.service.name))
    }

    @Test func theNewestServiceIsRefusedAndTheOthersArePlannedUnchanged() {
        let capped = Self.plan(Self.cluster, caps: ClusterCaps(maxVirtualServers: 9))
        #expect(Self.servicesIn(capped) == ["a", "b", "d"])
        #expect(capped.rejections == [Rejection(kind: .service, object: "ns/c", reason:
            "cluster-wide cap reached: planning it would exceed virtual servers (12 with it, at most 9 in all); "
            + "newer Services are refused first")])
        var expected = Self.plan(Self.cluster.filter { $0.metadata.name != "c" }, caps: .default)
        expected.rejections = capped.rejections
        #expect(capped == expected)
        // Under the caps nothing is refused.
        #expect(Self.plan(Self.cluster, caps: ClusterCaps(maxVirtualServers: 12)).rejections.isEmpty)
    }

    @Test func theSameInputRefusesTheSameServicesInAnyOrder() {
        let caps = ClusterCaps(maxVirtualServers: 6)
        let reference = Self.plan(Self.cluster, caps: caps)
        #expect(Set(reference.rejections.map(\.object)) == ["ns/b", "ns/c"])
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<10 {
            #expect(Self.plan(Self.cluster.shuffled(using: &generator), caps: caps) == reference)
        }
    }

    @Test func tiesInCreationTimestampAreBrokenByNamespaceAndName() {
        let same = "2024-05-05T10:00:00Z"
        let services = [Self.service("z", 1, created: same, namespace: "aa"),
                        Self.service("a", 2, created: same, namespace: "bb"),
                        Self.service("b", 3, created: "2024-05-05T09:59:59.999999999Z", namespace: "zz")]
        let plan = Self.plan(services, caps: ClusterCaps(maxVirtualServers: 6))
        #expect(plan.rejections.map(\.object) == ["bb/a"])
    }

    @Test func aLargeNewServiceIsRefusedWhileASmallerNewerOneStillFits() {
        let services = Self.cluster.prefix(2) + [Self.service("big", 5, created: "2025-01-01T00:00:00Z", externalIPs: 9),
                                                 Self.service("small", 6, created: "2025-06-01T00:00:00Z", externalIPs: 0)]
        let plan = Self.plan(Array(services), caps: ClusterCaps(maxVirtualServers: 8))
        #expect(plan.rejections.map(\.object) == ["ns/big"])
        #expect(Self.servicesIn(plan) == ["a", "b", "small"])
    }

    @Test func realServersAreCappedInAll() {
        let slices = ["a", "b"].map { name in
            KubeEndpointSlice(metadata: KubeObjectMeta(name: "\(name)-1", namespace: "ns",
                                                       labels: [KubeEndpointSlice.serviceNameLabel: name]),
                              endpoints: (1...4).map { .init(addresses: ["10.244.\(name == "a" ? 1 : 2).\($0)"]) },
                              ports: [.init(name: "http", port: 8080)])
        }
        // a: 3 virtual servers × 4 endpoints = 12 real servers; b the same.
        let plan = Self.plan(Array(Self.cluster.prefix(2)), slices: slices, caps: ClusterCaps(maxRealServers: 20))
        #expect(plan.rejections.map(\.reason) == [
            "cluster-wide cap reached: planning it would exceed real servers (24 with it, at most 20 in all); "
            + "newer Services are refused first",
        ])
        #expect(plan.virtualServers.map(\.realServers.count) == [4, 4, 4])
    }

    @Test func hashSetEntriesAreCappedPerSet() {
        // Each Service binds 3 addresses (KUBE-IPVS-IPS, hash:ip) and adds 2 KUBE-EXTERNAL-IP entries: d and a
        // fill KUBE-IPVS-IPS to 6; b and c would make it 9.
        let plan = Self.plan(Self.cluster, caps: ClusterCaps(maxSetEntries: 6))
        let reason = "cluster-wide cap reached: planning it would exceed entries of ipset KUBE-IPVS-IPS (9 with it, "
            + "at most 6); newer Services are refused first"
        #expect(plan.rejections == [Rejection(kind: .service, object: "ns/b", reason: reason),
                                    Rejection(kind: .service, object: "ns/c", reason: reason)])
        #expect(plan.ipset(named: "KUBE-IPVS-IPS")?.entries.count == 6)
        #expect(plan.ipset(named: "KUBE-EXTERNAL-IP")?.entries.count == 4)
    }

    @Test func theDefaultSetCapIsTheMaxelemTheSetsAreCreatedWith() {
        #expect(ClusterCaps.default.maxSetEntries == 65_536)
        #expect(ProxyIPSet.allCases.allSatisfy { $0.spec(.v4).maxElements == UInt32(ClusterCaps.default.maxSetEntries) })
    }
}
