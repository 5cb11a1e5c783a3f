import Foundation
import Testing
@testable import KubeIPVSCore

/// Topology-aware routing (docs/routing-decisions.md): hints decoded, reduced to flags, decided once
/// in `EndpointSelection`, and the same decision rendered by the iptables proxier.
@Suite struct TopologyRoutingTests {
    static let name = ServicePortName(service: ServiceName(namespace: "demo", name: "web"), port: "http", proto: .tcp)

    static func endpoint(_ ip: String, ready: Bool = true, terminating: Bool = false, local: Bool = false,
                         _ hints: TopologyHints = []) -> Endpoint {
        Endpoint(address: IPAddress(ip)!, port: 8080, ready: ready, serving: ready || terminating,
                 terminating: terminating, isLocal: local, hints: hints)
    }

    static func port(itpLocal: Bool = false, etpLocal: Bool = false, nodePort: UInt16? = nil) -> ServicePort {
        ServicePort(name: name, port: 80, nodePort: nodePort, clusterIPs: [IPAddress("10.96.0.1")!],
                    externalPolicyLocal: etpLocal, internalPolicyLocal: itpLocal)
    }

    @Test func endpointStaysTwentyFourBytes() {
        #expect(MemoryLayout<Endpoint>.stride == 24)
    }

    @Test func hintsDecodeAndReduceToFlags() throws {
        let json = """
            {"addresses":["10.244.1.1"],"nodeName":"node1",
             "hints":{"forZones":[{"name":"zone-a"},{"name":"zone-b"}],"forNodes":[{"name":"node1"}]}}
            """
        let e = try JSONDecoder().decode(KubeEndpointSlice.SliceEndpoint.self, from: Data(json.utf8))
        #expect(e.hints == KubeEndpointSlice.Hints(forZones: ["zone-a", "zone-b"], forNodes: ["node1"]))
        #expect(TopologyHints(e.hints, nodeName: "node1", zone: "zone-b") == [.zoneHinted, .forLocalZone, .nodeHinted, .forLocalNode])
        #expect(TopologyHints(e.hints, nodeName: "node2", zone: "zone-c") == [.zoneHinted, .nodeHinted])
        #expect(TopologyHints(e.hints, nodeName: "node2", zone: "") == [.zoneHinted, .nodeHinted])
        // Round trip in the API's shape; no hints field at all when there are none.
        let again = try JSONDecoder().decode(KubeEndpointSlice.SliceEndpoint.self, from: JSONEncoder().encode(e))
        #expect(again == e)
        let bare = String(decoding: try JSONEncoder().encode(KubeEndpointSlice.SliceEndpoint(addresses: ["10.0.0.1"])),
                          as: UTF8.self)
        #expect(!bare.contains("hints"))
        let null = try JSONDecoder().decode(KubeEndpointSlice.SliceEndpoint.self,
                                            from: Data(#"{"addresses":["10.0.0.1"],"hints":null}"#.utf8))
        #expect(null.hints.isEmpty)
    }

    @Test func normalizerReadsHintsAgainstNodeAndZone() {
        let slice = KubeEndpointSlice(
            metadata: KubeObjectMeta(name: "web-1", namespace: "demo", labels: ["kubernetes.io/service-name": "web"]),
            endpoints: [.init(addresses: ["10.244.1.1"], nodeName: "node1",
                              hints: .init(forZones: ["zone-a"], forNodes: ["node1"])),
                        .init(addresses: ["10.244.2.1"], nodeName: "node2", hints: .init(forZones: ["zone-b"]))],
            ports: [.init(name: "http", port: 8080)])
        let out = EndpointSliceNormalizer.normalize([slice], nodeName: "node1", zone: "zone-a").endpoints[Self.name]
        #expect(out?.map(\.hints) == [[.zoneHinted, .forLocalZone, .nodeHinted, .forLocalNode], [.zoneHinted]])
    }

    @Test func decisionsAndTheirReasons() {
        typealias D = TopologyDecision
        let a: TopologyHints = [.zoneHinted, .forLocalZone], b: TopologyHints = [.zoneHinted]
        #expect(D([Self.endpoint("10.0.0.1", a), Self.endpoint("10.0.0.2", b)]) == D(mode: .preferSameZone))
        #expect(D([Self.endpoint("10.0.0.1", a), Self.endpoint("10.0.0.2")]) == D(ignored: .missingHints))
        #expect(D([Self.endpoint("10.0.0.1", b), Self.endpoint("10.0.0.2", b)]) == D(ignored: .noHintForZone))
        #expect(D([Self.endpoint("10.0.0.1"), Self.endpoint("10.0.0.2")]) == D())
        // An unready endpoint neither needs a hint nor counts as one.
        #expect(D([Self.endpoint("10.0.0.1", a), Self.endpoint("10.0.0.2", ready: false)]) == D(mode: .preferSameZone))
        #expect(D([Self.endpoint("10.0.0.1", ready: false, terminating: true, a)]) == D())
        // Node hints win when complete and one names this node; else zone hints are tried.
        let n: TopologyHints = [.nodeHinted, .forLocalNode], m: TopologyHints = [.nodeHinted]
        #expect(D([Self.endpoint("10.0.0.1", n.union(b)), Self.endpoint("10.0.0.2", m.union(a))]) == D(mode: .preferSameNode))
        #expect(D([Self.endpoint("10.0.0.1", m.union(a)), Self.endpoint("10.0.0.2", m.union(b))]) == D(mode: .preferSameZone))
        #expect(D([Self.endpoint("10.0.0.1", m), Self.endpoint("10.0.0.2", m)]) == D(ignored: .noHintForNode))
        #expect(D.Ignored.noHintForZone.reason(zone: "") == "the node has no topology.kubernetes.io/zone label")
        #expect(D.Ignored.noHintForZone.reason(zone: "zone-a") == "no endpoint is hinted for zone \"zone-a\"")
    }

    @Test func selectionAppliesTheDecisionToClusterOnly() {
        let a: TopologyHints = [.zoneHinted, .forLocalZone], b: TopologyHints = [.zoneHinted]
        let endpoints = [Self.endpoint("10.0.0.1", local: true, b), Self.endpoint("10.0.0.2", a),
                         Self.endpoint("10.0.0.3", b)]
        let cluster = EndpointSelection(port: Self.port(), endpoints: endpoints)
        #expect(cluster.forInternalTraffic.map(\.description) == ["10.0.0.2:8080"])
        #expect(cluster.topology == TopologyDecision(mode: .preferSameZone))
        // internalTrafficPolicy Local: the ClusterIP takes the local endpoint, hints unread.
        let itp = EndpointSelection(port: Self.port(itpLocal: true), endpoints: endpoints)
        #expect(itp.forInternalTraffic.map(\.description) == ["10.0.0.1:8080"])
        // externalTrafficPolicy Local: the NodePort takes the local endpoint, the ClusterIP the zone's.
        let etp = EndpointSelection(port: Self.port(etpLocal: true, nodePort: 30080), endpoints: endpoints)
        #expect(etp.forExternalTraffic.map(\.description) == ["10.0.0.1:8080"])
        #expect(etp.forInternalTraffic.map(\.description) == ["10.0.0.2:8080"])
        // A ClusterIP-only Local port never reads hints, so it reports no ignored hints.
        let other = [Self.endpoint("10.0.0.1", local: true, b), Self.endpoint("10.0.0.3", b)]
        #expect(EndpointSelection(port: Self.port(itpLocal: true), endpoints: other).topology.ignored == nil)
        #expect(EndpointSelection(port: Self.port(), endpoints: other).topology.ignored == .noHintForZone)
    }

    @Test func iptablesModeRoutesTheSameWay() throws {
        let scenario = try GoldenScenario("topology-zone-hints")
        let snapshot = ProxySnapshot.build(services: scenario.objects.services, slices: scenario.objects.endpointSlices,
                                           node: scenario.node)
        let rules = IptablesModeRenderer(configuration: scenario.config).render(snapshot, node: scenario.node, family: .v4)
        let text = rules.restoreText()
        try IptablesGolden.check(text, "topology-zone-hints-v4.txt")
        let hinted = try #require(rules.services.first { $0.name.service.name == "hinted" })
        let destinations = hinted.chainRules.filter { $0.contains("DNAT") }
        #expect(destinations.count == 2)
        #expect(destinations.allSatisfy { !$0.contains("10.244.3.1") })
        let partial = try #require(rules.services.first { $0.name.service.name == "partial" })
        #expect(partial.chainRules.filter { $0.contains("DNAT") }.count == 3)
    }

    @Test func storeFindsHintedServicesAndWhyTheirHintsAreIgnored() throws {
        let scenario = try GoldenScenario("topology-zone-hints")
        var store = ObjectStore()
        for s in scenario.objects.services { store.upsert(s) }
        for s in scenario.objects.endpointSlices { store.upsert(s) }
        let names = store.servicesWithHints(zoneHints: true).map(\.name).sorted()
        #expect(names == ["hinted", "other-zones", "partial", "unready-unhinted"])
        let reasons = store.ignoredHints(for: store.servicesWithHints(), node: scenario.node)
        #expect(reasons == [ServiceName(namespace: "demo", name: "partial"): .missingHints,
                            ServiceName(namespace: "demo", name: "other-zones"): .noHintForZone])
    }
}
