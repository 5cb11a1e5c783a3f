import KubeIPVSCore

/// Builders for iptables renderer tests: service ports and endpoints written out in Swift.
enum IptablesFixtures {
    static func ip(_ text: String) -> IPAddress { IPAddress(text)! }
    static func cidr(_ text: String) -> CIDR { CIDR(text)! }

    static func name(_ service: String, _ port: String = "", _ proto: L4Protocol = .tcp) -> ServicePortName {
        let parts = service.split(separator: "/")
        return ServicePortName(service: ServiceName(namespace: String(parts[0]), name: String(parts[1])),
                               port: port, proto: proto)
    }

    static func endpoint(_ address: String, _ port: UInt16, ready: Bool = true,
                         serving: Bool? = nil, terminating: Bool = false, local: Bool = false) -> Endpoint {
        Endpoint(address: ip(address), port: port, ready: ready, serving: serving ?? ready,
                 terminating: terminating, isLocal: local)
    }

    static func snapshot(_ entries: [(ServicePort, [Endpoint])]) -> ProxySnapshot {
        var snapshot = ProxySnapshot()
        for (port, endpoints) in entries {
            snapshot.servicePorts[port.name] = port
            if !endpoints.isEmpty { snapshot.endpoints[port.name] = endpoints }
        }
        return snapshot
    }

    /// The services and endpoints of the real API captures (Golden/demo-manifests.yaml, the
    /// list-*-after.json captures) as kube-proxy v1.28 saw them when it wrote the iptables dumps.
    static var demo: ProxySnapshot {
        let web = ServicePort(name: name("demo/web-nodeport", "http"), port: 80, nodePort: 30080,
                              clusterIPs: [ip("10.96.198.132")])
        let sticky = ServicePort(name: name("demo/sticky", "http"), port: 8080, clusterIPs: [ip("10.96.72.46")],
                                 sessionAffinityTimeout: 600)
        let extHTTP = ServicePort(name: name("demo/with-externalips", "http"), port: 80,
                                  clusterIPs: [ip("10.96.104.33")], externalIPs: [ip("192.0.2.10")])
        let extDNS = ServicePort(name: name("demo/with-externalips", "dns", .udp), port: 53,
                                 clusterIPs: [ip("10.96.104.33")], externalIPs: [ip("192.0.2.10")])
        let kubernetes = ServicePort(name: name("default/kubernetes", "https"), port: 443, clusterIPs: [ip("10.96.0.1")])
        return snapshot([
            (web, [endpoint("10.244.1.11", 8080), endpoint("10.244.1.12", 8080),
                   endpoint("10.244.2.13", 8080)]),
            (sticky, [endpoint("10.244.1.21", 8080), endpoint("10.244.2.22", 8080),
                      endpoint("10.244.2.23", 8080)]),
            (extHTTP, [endpoint("10.244.1.41", 8080), endpoint("10.244.2.42", 8080)]),
            (extDNS, [endpoint("10.244.1.41", 5353), endpoint("10.244.2.42", 5353)]),
            (kubernetes, []),
        ])
    }

    static let demoConfiguration = ProxyConfiguration(clusterCIDRs: [cidr("10.244.0.0/16")])
    static let demoNode = NodeContext(name: "node0", localAddresses: [LocalAddress(interface: "eth0", address: ip("10.0.0.10"))],
                                      primaryIPs: [ip("10.0.0.10")])
}
