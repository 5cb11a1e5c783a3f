import KubeIPVSCore
import Testing

/// Properties over random clusters (seeded, reproducible).
@Suite struct PlannerPropertyTests {
    static let seeds: [UInt64] = [1, 2, 3, 42, 0xdead_beef]
    static let config = ProxyConfiguration(clusterCIDRs: [CIDR("10.244.0.0/16")!])

    static func plan(_ services: [KubeService], _ slices: [KubeEndpointSlice]) -> (ProxySnapshot, IPVSPlan) {
        let snapshot = ProxySnapshot.build(services: services, slices: slices, node: RandomCluster.node)
        return (snapshot, IPVSPlanner.plan(snapshot, node: RandomCluster.node, config: config))
    }

    @Test(arguments: seeds)
    func inputOrderNeverChangesThePlan(_ seed: UInt64) {
        let cluster = RandomCluster(seed: seed, count: 60)
        let (_, reference) = Self.plan(cluster.services, cluster.slices)
        #expect(!reference.virtualServers.isEmpty)
        var rng = SeededGenerator(seed: seed ^ 0xffff)
        for _ in 0..<4 {
            let (_, shuffled) = Self.plan(cluster.services.shuffled(using: &rng), cluster.slices.shuffled(using: &rng))
            #expect(shuffled == reference)
            #expect(IPVSPlanText.render(shuffled) == IPVSPlanText.render(reference))
        }
        PlanInvariants.check(reference)
    }

    @Test(arguments: seeds)
    func mergeOfPortPlansEqualsPlan(_ seed: UInt64) {
        let cluster = RandomCluster(seed: seed, count: 60)
        let (snapshot, plan) = Self.plan(cluster.services, cluster.slices)
        var rng = SeededGenerator(seed: seed)
        let ports = snapshot.servicePorts.values.shuffled(using: &rng).map {
            IPVSPlanner.planPort($0, selection: snapshot.selection(for: $0), node: RandomCluster.node,
                                 config: Self.config)
        }
        #expect(IPVSPlanner.merge(ports, rejections: snapshot.rejections, config: Self.config) == plan)
    }

    @Test(arguments: seeds)
    func eachSelectedEndpointExactlyOncePerVirtualServer(_ seed: UInt64) throws {
        let cluster = RandomCluster(seed: seed, count: 60)
        let (snapshot, plan) = Self.plan(cluster.services, cluster.slices)
        for vs in plan.virtualServers {
            let port = try #require(snapshot.servicePorts[vs.servicePort])
            let selection = snapshot.selection(for: port)
            let chosen = vs.role == .clusterIP ? selection.forInternalTraffic : selection.forExternalTraffic
            let expected = chosen.filter { $0.address.family == vs.key.address.family }
                .map { RealServerKey(address: $0.address, port: $0.port) }
            #expect(vs.realServers.map(\.key) == expected, "\(vs.key)")
            #expect(Set(expected).count == expected.count)
            #expect(vs.server.persistenceTimeout == port.sessionAffinityTimeout)
        }
    }

    @Test(arguments: seeds)
    func localPoliciesNeverUseAnotherNodesEndpoint(_ seed: UInt64) throws {
        let cluster = RandomCluster(seed: seed, count: 80)
        let (snapshot, plan) = Self.plan(cluster.services, cluster.slices)
        var checked = 0
        for vs in plan.virtualServers {
            let port = try #require(snapshot.servicePorts[vs.servicePort])
            let local = vs.role == .clusterIP ? port.internalPolicyLocal : port.externalPolicyLocal
            guard local else { continue }
            let endpoints = snapshot.endpoints[port.name] ?? []
            for rs in vs.realServers {
                let e = try #require(endpoints.first { $0.address == rs.key.address && $0.port == rs.key.port })
                #expect(e.isLocal && e.nodeName == "node1", "\(vs.key) -> \(rs.key)")
            }
            checked += 1
        }
        #expect(checked > 0)
    }

    @Test(arguments: seeds)
    func nothingForHeadlessOrExternalName(_ seed: UInt64) {
        let cluster = RandomCluster(seed: seed, count: 60)
        let (_, plan) = Self.plan(cluster.services, cluster.slices)
        let skipped = Set(cluster.services.filter { $0.spec.type == "ExternalName" || $0.spec.clusterIPs == ["None"] }
            .map { ServiceName(namespace: $0.metadata.namespace, name: $0.metadata.name) })
        #expect(!skipped.isEmpty)
        #expect(plan.virtualServers.allSatisfy { !skipped.contains($0.servicePort.service) })
        #expect(plan.healthChecks.allSatisfy { !skipped.contains($0.service) })
        #expect(plan.rejections.isEmpty)
        // Only their slices exist for them: no set entry may carry their endpoints' ports either.
        let planned = Set(plan.virtualServers.map(\.servicePort.service))
        #expect(planned.isDisjoint(with: skipped))
    }

    @Test func healthCheckCountsDistinctLocalReadyAddresses() {
        let port = ServicePort(name: ServicePortName(service: ServiceName(namespace: "n", name: "lb"), port: "a",
                                                     proto: .tcp),
                               port: 80, nodePort: 30000, clusterIPs: [IPAddress("10.96.0.1")!],
                               loadBalancerIPs: [IPAddress("203.0.113.1")!], externalPolicyLocal: true,
                               healthCheckNodePort: 32000)
        var other = port
        other.name.port = "b"
        other.port = 81
        let local = { (ip: String, ready: Bool) in
            Endpoint(address: IPAddress(ip)!, port: 8080, ready: ready, serving: true, terminating: !ready,
                     nodeName: "node1", isLocal: true)
        }
        let a = EndpointSelection(port: port, endpoints: [local("10.244.1.1", true), local("10.244.1.2", true)])
        let b = EndpointSelection(port: other, endpoints: [local("10.244.1.1", true), local("10.244.1.3", false)])
        let plan = IPVSPlanner.merge([
            IPVSPlanner.planPort(port, selection: a, node: RandomCluster.node, config: Self.config),
            IPVSPlanner.planPort(other, selection: b, node: RandomCluster.node, config: Self.config),
        ], config: Self.config)
        #expect(plan.healthChecks == [HealthCheck(service: port.name.service, nodePort: 32000, localEndpoints: 2)])
        #expect(plan.ipset(named: "KUBE-HEALTH-CHECK-NODE-PORT")?.entries == [.port(32000)])
    }
}

/// `--nodeport-addresses` selection.
@Suite struct NodePortAddressTests {
    static let node = NodeContext(name: "n", localAddresses: [
        LocalAddress(interface: "eth0", address: IPAddress("10.0.0.10")!),
        LocalAddress(interface: "eth0", address: IPAddress("fe80::1")!),
        LocalAddress(interface: "eth0", address: IPAddress("2001:db8::10")!),
        LocalAddress(interface: "eth1", address: IPAddress("169.254.1.1")!),
        LocalAddress(interface: "lo", address: IPAddress("127.0.0.1")!),
        LocalAddress(interface: "lo", address: IPAddress("::1")!),
        LocalAddress(interface: "kube-ipvs0", address: IPAddress("10.96.0.1")!),
        LocalAddress(interface: "eth2", address: IPAddress("10.0.0.10")!),
    ], primaryIPs: [IPAddress("10.0.0.10")!, IPAddress("2001:db8::10")!])

    @Test func selections() {
        func addresses(_ mode: NodePortAddresses) -> [String] {
            IPVSPlanner.nodePortAddresses(node: Self.node, config: ProxyConfiguration(nodePortAddresses: mode))
                .map(\.description)
        }
        #expect(addresses(.all) == ["10.0.0.10", "169.254.1.1", "2001:db8::10"])
        #expect(addresses(.cidrs([CIDR("10.0.0.0/8")!, CIDR("127.0.0.0/8")!, CIDR("fe80::/10")!]))
                == ["10.0.0.10", "fe80::1"])
        #expect(addresses(.primary) == ["10.0.0.10", "2001:db8::10"])
    }
}
