import KubeIPVSCore

/// Service sets for the iptables golden tests; each exercises one area of kube-proxy's rules.
enum IptablesScenarios {
    typealias F = IptablesFixtures
    static let node = NodeContext(name: "node1", localAddresses: [
        LocalAddress(interface: "lo", address: F.ip("127.0.0.1")),
        LocalAddress(interface: "eth0", address: F.ip("10.0.0.10")),
        LocalAddress(interface: "eth1", address: F.ip("192.168.1.5")),
        LocalAddress(interface: "eth0", address: F.ip("fd00::10")),
    ], primaryIPs: [F.ip("10.0.0.10"), F.ip("fd00::10")])
    static let configuration = ProxyConfiguration(clusterCIDRs: [F.cidr("10.244.0.0/16"), F.cidr("fd00:244::/64")])

    static let web = ServicePort(name: F.name("ns1/web", "http"), port: 80, clusterIPs: [F.ip("10.96.0.10")])

    /// ClusterIP, NodePort (UDP), a service without endpoints, string-ordered endpoints, not-ready and
    /// terminating endpoints.
    static var basic: ProxySnapshot {
        let kubernetes = ServicePort(name: F.name("default/kubernetes", "https"), port: 443, clusterIPs: [F.ip("10.96.0.1")])
        let dns = ServicePort(name: F.name("ns1/dns", "dns", .udp), port: 53, nodePort: 30053, clusterIPs: [F.ip("10.96.0.53")])
        let empty = ServicePort(name: F.name("ns1/empty", "http"), port: 80, nodePort: 30081,
                                clusterIPs: [F.ip("10.96.0.20")], externalIPs: [F.ip("192.0.2.20")])
        let draining = ServicePort(name: F.name("ns1/draining"), port: 8443, clusterIPs: [F.ip("10.96.0.30")])
        return F.snapshot([
            (kubernetes, [F.endpoint("10.0.0.10", 6443, local: true)]),
            (web, [F.endpoint("10.244.2.9", 8080), F.endpoint("10.244.2.10", 8080), F.endpoint("10.244.1.10", 8080, local: true),
                   F.endpoint("10.244.3.3", 8080, ready: false)]),
            (dns, [F.endpoint("10.244.1.53", 5353, local: true), F.endpoint("10.244.2.53", 5353)]),
            (empty, [F.endpoint("10.244.2.77", 8080, ready: false)]),
            (draining, [F.endpoint("10.244.2.31", 8443, ready: false, serving: true, terminating: true),
                        F.endpoint("10.244.2.32", 8443, ready: false, serving: false, terminating: true)]),
        ])
    }

    /// externalTrafficPolicy / internalTrafficPolicy Local, LoadBalancer with health check and
    /// source ranges, ClientIP affinity.
    static var policies: ProxySnapshot {
        let lbLocal = ServicePort(name: F.name("ns2/lb-local", "http"), port: 80, nodePort: 30100,
                                  clusterIPs: [F.ip("10.96.1.1")], loadBalancerIPs: [F.ip("203.0.113.10")],
                                  externalPolicyLocal: true, healthCheckNodePort: 32000)
        let noLocal = ServicePort(name: F.name("ns2/lb-local-none", "http"), port: 80, nodePort: 30101,
                                  clusterIPs: [F.ip("10.96.1.2")], externalIPs: [F.ip("192.0.2.30")],
                                  externalPolicyLocal: true)
        let itpNone = ServicePort(name: F.name("ns2/itp-local-none", "http"), port: 80, clusterIPs: [F.ip("10.96.1.3")],
                                  internalPolicyLocal: true)
        let itp = ServicePort(name: F.name("ns2/itp-local", "http"), port: 80, clusterIPs: [F.ip("10.96.1.4")],
                              internalPolicyLocal: true)
        let fw = ServicePort(name: F.name("ns2/fw", "https"), port: 443, nodePort: 30443, clusterIPs: [F.ip("10.96.1.5")],
                             loadBalancerIPs: [F.ip("203.0.113.20")],
                             loadBalancerSourceRanges: [F.cidr("10.0.0.0/8"), F.cidr("198.51.100.0/24")],
                             sessionAffinityTimeout: 10800)
        return F.snapshot([
            (lbLocal, [F.endpoint("10.244.1.5", 8080, local: true), F.endpoint("10.244.2.5", 8080)]),
            (noLocal, [F.endpoint("10.244.2.6", 8080)]),
            (itpNone, [F.endpoint("10.244.2.7", 8080)]),
            (itp, [F.endpoint("10.244.1.8", 8080, local: true), F.endpoint("10.244.2.8", 8080)]),
            (fw, [F.endpoint("10.244.1.9", 8443, local: true), F.endpoint("10.244.2.9", 8443)]),
        ])
    }

    /// A dual-stack NodePort service next to an IPv4-only one.
    static var dualStack: ProxySnapshot {
        let dual = ServicePort(name: F.name("ns3/dual", "http"), port: 80, nodePort: 30200,
                               clusterIPs: [F.ip("10.96.5.5"), F.ip("fd00:96::5")], externalIPs: [F.ip("2001:db8::10")])
        return F.snapshot([
            (dual, [F.endpoint("10.244.1.7", 8080, local: true), F.endpoint("fd00:244::8", 8080),
                    F.endpoint("fd00:244::7", 8080, local: true)]),
            (web, [F.endpoint("10.244.2.9", 8080)]),
        ])
    }
}
