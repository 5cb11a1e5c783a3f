import KubeIPVSCore

/// Random but reproducible Services and EndpointSlices for property tests: every service type,
/// both families, all policies, endpoints on three nodes in every condition, duplicates across slices.
struct RandomCluster {
    var services: [KubeService] = []
    var slices: [KubeEndpointSlice] = []
    static let nodes = ["node1", "node2", "node3"]

    init(seed: UInt64, count: Int) {
        var rng = SeededGenerator(seed: seed)
        for i in 0..<count { add(i, &rng) }
    }

    mutating func add(_ i: Int, _ rng: inout SeededGenerator) {
        let kind = ["ClusterIP", "NodePort", "LoadBalancer", "headless", "ExternalName"].randomElement(using: &rng)!
        let families: [IPFamily] = [[.v4], [.v6], [.v4, .v6]].randomElement(using: &rng)!
        let name = "svc\(i)"
        var spec = KubeService.Spec(type: kind == "headless" ? "ClusterIP" : kind)
        switch kind {
        case "headless": spec.clusterIPs = ["None"]
        case "ExternalName": spec.externalName = "x.example"
        default: spec.clusterIPs = families.map { $0 == .v4 ? "10.96.\(i / 250).\(i % 250 + 1)" : "fd00:96::\(i + 1)" }
        }
        let protocols = ["TCP", "UDP", "SCTP"]
        spec.ports = (0..<Int.random(in: 1...3, using: &rng)).map { p in
            KubeService.Port(name: "p\(p)", protocol: protocols.randomElement(using: &rng)!, port: 80 + p,
                             nodePort: kind == "NodePort" || kind == "LoadBalancer" ? 30000 + i * 3 + p : nil)
        }
        spec.externalTrafficPolicy = Bool.random(using: &rng) ? "Local" : "Cluster"
        spec.internalTrafficPolicy = Bool.random(using: &rng) ? "Local" : "Cluster"
        if Bool.random(using: &rng) { spec.sessionAffinity = "ClientIP" }
        if Int.random(in: 0..<4, using: &rng) == 0 {
            spec.externalIPs = families.map { $0 == .v4 ? "192.0.2.\(i % 250 + 1)" : "2001:db8:e::\(i + 1)" }
        }
        var service = KubeService(metadata: KubeObjectMeta(name: name, namespace: "ns\(i % 3)"), spec: spec)
        if kind == "LoadBalancer" {
            service.spec.healthCheckNodePort = 32000 + i
            service.status.loadBalancer.ingress = families.map {
                .init(ip: $0 == .v4 ? "203.0.113.\(i % 250 + 1)" : "2001:db8:1b::\(i + 1)")
            }
            if Bool.random(using: &rng) { service.spec.loadBalancerSourceRanges = ["10.0.0.0/8", "198.51.100.0/24"] }
        }
        services.append(service)
        for family in families {
            for s in 0..<Int.random(in: 1...3, using: &rng) {
                slices.append(slice(i, service, family, s, &rng))
            }
        }
    }

    func slice(_ i: Int, _ service: KubeService, _ family: IPFamily, _ s: Int,
               _ rng: inout SeededGenerator) -> KubeEndpointSlice {
        let endpoints = (0..<Int.random(in: 0...5, using: &rng)).map { _ -> KubeEndpointSlice.SliceEndpoint in
            let host = Int.random(in: 1...8, using: &rng)  // small range: duplicates across slices
            let address = family == .v4 ? "10.244.\(i % 250).\(host)" : "fd00:244:\(i)::\(host)"
            let state = Int.random(in: 0..<4, using: &rng)
            let conditions = KubeEndpointSlice.Conditions(ready: state == 0 || state == 3 ? nil : false,
                                                          serving: state == 2 ? false : nil,
                                                          terminating: state == 1 || state == 2 ? true : nil)
            return .init(addresses: [address], conditions: conditions, nodeName: Self.nodes.randomElement(using: &rng))
        }
        let ports = service.spec.ports.map { KubeEndpointSlice.SlicePort(name: $0.name, protocol: $0.protocol,
                                                                          port: 8000 + $0.port) }
        let meta = KubeObjectMeta(name: "\(service.metadata.name)-\(family == .v4 ? 4 : 6)-\(s)",
                                  namespace: service.metadata.namespace,
                                  labels: [KubeEndpointSlice.serviceNameLabel: service.metadata.name])
        return KubeEndpointSlice(metadata: meta, addressType: family == .v4 ? "IPv4" : "IPv6",
                                 endpoints: endpoints, ports: ports)
    }

    static let node = NodeContext(name: "node1", localAddresses: [
        LocalAddress(interface: "eth0", address: IPAddress("10.0.0.10")!),
        LocalAddress(interface: "eth0", address: IPAddress("2001:db8::10")!),
        LocalAddress(interface: "lo", address: IPAddress("127.0.0.1")!),
    ], primaryIPs: [IPAddress("10.0.0.10")!, IPAddress("2001:db8::10")!])
}
