import Foundation
import KubeIPVSCore
import Testing

/// Service validation and defaulting: exact rejection reasons and what each refusal takes away.
@Suite struct ServiceNormalizerTests {
    static func service(_ name: String = "svc", type: String = "ClusterIP", clusterIPs: [String] = ["10.96.0.1"],
                        ports: [KubeService.Port] = [KubeService.Port(name: "http", port: 80)],
                        edit: (inout KubeService) -> Void = { _ in }) -> KubeService {
        var s = KubeService(metadata: KubeObjectMeta(name: name, namespace: "ns"),
                            spec: KubeService.Spec(type: type, clusterIP: clusterIPs.first, clusterIPs: clusterIPs,
                                                   ports: ports))
        edit(&s)
        return s
    }

    @Test func apiServerDefaultsWhenDecoding() throws {
        let json = #"{"metadata":{"name":"web"},"spec":{"clusterIP":"10.96.0.9","ports":[{"port":80}]},"extra":1}"#
        let s = try JSONDecoder().decode(KubeService.self, from: Data(json.utf8))
        #expect(s.spec.type == "ClusterIP")
        #expect(s.spec.sessionAffinity == "None")
        #expect(s.spec.externalTrafficPolicy == "Cluster")
        #expect(s.spec.internalTrafficPolicy == "Cluster")
        #expect(s.spec.ports == [KubeService.Port(name: "", protocol: "TCP", port: 80)])
        let n = ServiceNormalizer.normalize(s)
        #expect(n.rejections.isEmpty)
        #expect(n.name == ServiceName(namespace: "default", name: "web"))
        let port = try #require(n.ports.first)
        #expect(port.name.description == "default/web")
        #expect(port.proto == .tcp)
        #expect(port.sessionAffinityTimeout == nil)
        #expect(!port.externalPolicyLocal && !port.internalPolicyLocal)
    }

    @Test func clientIPAffinityDefaultsTo10800() {
        let n = ServiceNormalizer.normalize(Self.service { $0.spec.sessionAffinity = "ClientIP" })
        #expect(n.ports.map(\.sessionAffinityTimeout) == [10800])
        let m = ServiceNormalizer.normalize(Self.service {
            $0.spec.sessionAffinity = "ClientIP"
            $0.spec.sessionAffinityConfig = .init(clientIP: .init(timeoutSeconds: 86400))
        })
        #expect(m.ports.map(\.sessionAffinityTimeout) == [86400])
    }

    @Test func clusterIPsPreferredOverClusterIP() {
        var s = Self.service(clusterIPs: ["10.96.0.7", "fd00::7"])
        s.spec.clusterIP = "10.96.0.99"
        #expect(ServiceNormalizer.normalize(s).ports.first?.clusterIPs.map(\.description) == ["10.96.0.7", "fd00::7"])
        s.spec.clusterIPs = []
        #expect(ServiceNormalizer.normalize(s).ports.first?.clusterIPs.map(\.description) == ["10.96.0.99"])
    }

    @Test func skippedServices() {
        #expect(ServiceNormalizer.normalize(Self.service(clusterIPs: ["None"])).skipped == .headless)
        #expect(ServiceNormalizer.normalize(Self.service(type: "ExternalName", clusterIPs: [])).skipped == .externalName)
        let labelled = Self.service { $0.metadata.labels["service.kubernetes.io/service-proxy-name"] = "" }
        #expect(ServiceNormalizer.normalize(labelled).skipped == .otherProxy)
        for s in [Self.service(clusterIPs: ["None"]), labelled] {
            let n = ServiceNormalizer.normalize(s)
            #expect(n.ports.isEmpty && n.rejections.isEmpty)
        }
    }

    /// (edit, rejection reasons, port names kept)
    static let refusals: [(String, @Sendable (inout KubeService) -> Void, [String], [String])] = [
        ("empty name", { $0.metadata.name = "" }, ["metadata.name \"\" must not be empty"], []),
        ("long name", { $0.metadata.name = String(repeating: "a", count: 254) },
         ["metadata.name \"" + String(repeating: "a", count: 64) + "...\" must be no more than 63 characters"], []),
        ("bad type", { $0.spec.type = "Foo" },
         ["spec.type \"Foo\" is not ClusterIP, NodePort, LoadBalancer or ExternalName"], []),
        ("empty clusterIP", { $0.spec.clusterIPs = []; $0.spec.clusterIP = "" },
         ["spec.clusterIP is not set: no ClusterIP was allocated (headless services use None)"], []),
        ("bad clusterIP", { $0.spec.clusterIPs = ["10.96.0.1", "fd00::x"] },
         ["spec.clusterIPs[1] \"fd00::x\" is not an IP address"], []),
        ("two IPv4", { $0.spec.clusterIPs = ["10.96.0.1", "10.96.0.2"] },
         ["spec.clusterIPs has two IPv4 addresses"], []),
        ("three clusterIPs", { $0.spec.clusterIPs = ["10.96.0.1", "fd00::1", "10.96.0.3"] },
         ["spec.clusterIPs has 3 entries (at most one per IP family)"], []),
        ("bad affinity", { $0.spec.sessionAffinity = "Cookie" },
         ["spec.sessionAffinity \"Cookie\" is not None or ClientIP"], []),
        ("timeout too big", { $0.spec.sessionAffinity = "ClientIP"
            $0.spec.sessionAffinityConfig = .init(clientIP: .init(timeoutSeconds: 86401)) },
         ["spec.sessionAffinityConfig.clientIP.timeoutSeconds 86401 is out of range 1-86400"], []),
        ("bad eTP", { $0.spec.externalTrafficPolicy = "Nearest" },
         ["spec.externalTrafficPolicy \"Nearest\" is not Cluster or Local"], []),
        ("bad iTP", { $0.spec.internalTrafficPolicy = "local" },
         ["spec.internalTrafficPolicy \"local\" is not Cluster or Local"], []),
        ("no ports", { $0.spec.ports = [] }, ["spec.ports is empty"], []),
        ("101 ports", { s in s.spec.ports = (1...101).map { KubeService.Port(name: "p\($0)", port: $0) } },
         ["spec.ports has 101 entries (at most 100)"], []),
        ("bad port number", { $0.spec.ports.append(KubeService.Port(name: "x", port: -1)) },
         ["spec.ports[1].port -1 is out of range 1-65535"], ["http"]),
        ("bad protocol", { $0.spec.ports.append(KubeService.Port(name: "x", protocol: "ICMP", port: 9)) },
         ["spec.ports[1].protocol \"ICMP\" is not TCP, UDP or SCTP"], ["http"]),
        ("long port name", { $0.spec.ports.append(KubeService.Port(name: String(repeating: "p", count: 300), port: 9)) },
         ["spec.ports[1].name \"" + String(repeating: "p", count: 64) + "...\" must be no more than 63 characters"], ["http"]),
        ("nodePort out of range", { $0.spec.type = "NodePort"
            $0.spec.ports.append(KubeService.Port(name: "x", port: 9, nodePort: 65536)) },
         ["spec.ports[1].nodePort 65536 is out of range 1-65535"], ["http"]),
        ("repeated name", { $0.spec.ports.append(KubeService.Port(name: "http", port: 81)) },
         ["spec.ports[1].name \"http\" repeats spec.ports[0].name"], ["http"]),
        ("repeated number", { $0.spec.ports.append(KubeService.Port(name: "other", protocol: "tcp", port: 80)) },
         ["spec.ports[1] 80/TCP repeats spec.ports[0]"], ["http"]),
        ("bad externalIP", { $0.spec.externalIPs = ["1.2.3", "192.0.2.1"] },
         ["spec.externalIPs[0] \"1.2.3\" is not an IP address"], ["http"]),
        ("bad LB ingress", { $0.spec.type = "LoadBalancer"
            $0.status.loadBalancer.ingress = [.init(ip: "300.1.1.1"), .init(ip: "fd00::5")] },
         ["status.loadBalancer.ingress[0].ip \"300.1.1.1\" is not an IP address",
          "status.loadBalancer.ingress[1].ip fd00::5 is IPv6 but the service has no IPv6 ClusterIP"], ["http"]),
        ("bad source range", { $0.spec.type = "LoadBalancer"; $0.spec.loadBalancerSourceRanges = ["10.0.0.0/8", "nope"] },
         ["spec.loadBalancerSourceRanges[1] \"nope\" is not a CIDR; no load balancer IP of the service is proxied"],
         ["http"]),
        ("bad health check port", { $0.spec.type = "LoadBalancer"; $0.spec.externalTrafficPolicy = "Local"
            $0.spec.healthCheckNodePort = 70000 },
         ["spec.healthCheckNodePort 70000 is out of range 1-65535; no health check is served"], ["http"]),
    ]

    @Test(arguments: 0..<refusals.count)
    func refusal(_ index: Int) {
        let (_, edit, reasons, kept) = Self.refusals[index]
        let n = ServiceNormalizer.normalize(Self.service(edit: edit))
        #expect(n.rejections.map(\.reason) == reasons)
        #expect(n.rejections.allSatisfy { $0.kind == .service })
        #expect(n.ports.map(\.name.port) == kept)
    }

    @Test func refusalNamesTheService() {
        let n = ServiceNormalizer.normalize(Self.service { $0.spec.ports[0].port = 0 })
        #expect(n.rejections.map(\.description) == ["Service ns/svc: spec.ports[0].port 0 is out of range 1-65535"])
    }

    @Test func addressesAndPolicies() throws {
        let n = ServiceNormalizer.normalize(Self.service(type: "LoadBalancer", clusterIPs: ["10.96.0.1", "fd00::1"]) {
            $0.spec.externalIPs = ["192.0.2.1", "fd00:ee::1", "192.0.2.1"]
            $0.spec.externalTrafficPolicy = "Local"
            $0.spec.healthCheckNodePort = 32000
            $0.spec.loadBalancerSourceRanges = [" 10.0.0.0/8", "fd00::/8", "10.0.0.0/8"]
            $0.spec.ports[0].nodePort = 30000
            $0.status.loadBalancer.ingress = [.init(ip: "203.0.113.1", ipMode: "VIP"),
                                              .init(ip: "203.0.113.2", ipMode: "Proxy"),
                                              .init(hostname: "lb.example"), .init(ip: "2001:db8::1")]
        })
        #expect(n.rejections.isEmpty)
        let p = try #require(n.ports.first)
        #expect(p.externalIPs.map(\.description) == ["192.0.2.1", "fd00:ee::1"])
        #expect(p.loadBalancerIPs.map(\.description) == ["203.0.113.1", "2001:db8::1"])
        #expect(p.loadBalancerSourceRanges.map(\.description) == ["10.0.0.0/8", "fd00::/8"])
        #expect(p.externalPolicyLocal && p.healthCheckNodePort == 32000 && p.nodePort == 30000)
        // Local external policy without any external address is meaningless (kube-proxy ignores it).
        let internalOnly = ServiceNormalizer.normalize(Self.service { $0.spec.externalTrafficPolicy = "Local" })
        #expect(internalOnly.ports.first?.externalPolicyLocal == false)
        // NodePorts only for NodePort/LoadBalancer; health checks only for Local LoadBalancers.
        let clusterIP = ServiceNormalizer.normalize(Self.service {
            $0.spec.ports[0].nodePort = 30000
            $0.spec.healthCheckNodePort = 32000
        })
        #expect(clusterIP.ports.first?.nodePort == nil && clusterIP.ports.first?.healthCheckNodePort == nil)
    }
}
