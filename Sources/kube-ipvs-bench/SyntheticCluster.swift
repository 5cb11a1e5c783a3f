import KubeIPVSCore

/// A deterministic, realistic cluster for the planner benchmark: `services` Services, each with
/// `endpointsPerService` endpoints per IP family spread over `nodeCount` nodes, and the EndpointSlices
/// an API server would hold for them. The same arguments always give the same objects.
///
/// The mix (by service index modulo 100 unless said otherwise):
/// - 75 % ClusterIP, 17 % NodePort, 8 % LoadBalancer (one ingress IP; a third with source ranges);
/// - every 10th ClientIP affinity; a quarter of NodePort/LoadBalancer services externalTrafficPolicy
///   Local (LoadBalancers among them with a healthCheckNodePort); 2 % internalTrafficPolicy Local;
/// - every 5th service two ports (http, https), every 37th a DNS pair (53/UDP, 53/TCP), the rest one;
/// - 5 % dual-stack (a second, IPv6 slice), 1 % with an externalIP;
/// - 2 % of endpoints terminating (serving), 1 % not ready.
/// NodePorts count up from 30000; past 32767 they continue as if `--service-node-port-range` were
/// widened, so no two services share one (50k services need ~18k).
struct SyntheticCluster {
    let services: [KubeService]
    let slices: [KubeEndpointSlice]
    let node: NodeContext
    let config: ProxyConfiguration
    /// Service ports (a service has one, two or a DNS pair).
    let servicePortCount: Int
    let endpointCount: Int

    static let nodeCount = 100
    static let nodeIPv4 = IPAddress(v4: 0x0a00_000a)  // 10.0.0.10
    static let nodeIPv6 = IPAddress("fd00:10::10")!

    init(services count: Int, endpointsPerService perService: Int) {
        var generator = Generator(endpointsPerService: perService)
        for i in 0..<count { generator.add(service: i) }
        services = generator.services
        slices = generator.slices
        servicePortCount = generator.servicePorts
        endpointCount = generator.endpoints
        node = NodeContext(name: "node-0", localAddresses: [
            LocalAddress(interface: "lo", address: IPAddress(v4: 0x7f00_0001)),
            LocalAddress(interface: "eth0", address: SyntheticCluster.nodeIPv4),
            LocalAddress(interface: "eth0", address: SyntheticCluster.nodeIPv6),
        ], primaryIPs: [SyntheticCluster.nodeIPv4, SyntheticCluster.nodeIPv6])
        config = ProxyConfiguration(scheduler: .roundRobin, nodePortAddresses: .all,
                                    clusterCIDRs: [CIDR("10.128.0.0/9")!, CIDR("fd00:10:244::/56")!])
    }

    /// Builds the objects one service at a time.
    struct Generator {
        let endpointsPerService: Int
        var services: [KubeService] = []
        var slices: [KubeEndpointSlice] = []
        var nextNodePort = 30000
        var servicePorts = 0
        var endpoints = 0

        init(endpointsPerService: Int) { self.endpointsPerService = endpointsPerService }

        mutating func allocateNodePort() -> Int {
            defer { nextNodePort += 1 }
            return nextNodePort
        }

        mutating func add(service i: Int) {
            let bucket = i % 100
            let type = bucket < 75 ? "ClusterIP" : (bucket < 92 ? "NodePort" : "LoadBalancer")
            let dualStack = i % 20 == 11
            let meta = KubeObjectMeta(name: "svc-\(i)", namespace: "ns-\(i % 200)", resourceVersion: "\(1000 + i)",
                                      uid: "uid-svc-\(i)")
            var spec = KubeService.Spec(type: type)
            spec.clusterIPs = [SyntheticCluster.clusterIPv4(i)] + (dualStack ? [SyntheticCluster.clusterIPv6(i)] : [])
            spec.clusterIP = spec.clusterIPs[0]
            spec.ipFamilies = dualStack ? ["IPv4", "IPv6"] : ["IPv4"]
            spec.ports = ports(i, type: type)
            if i % 10 == 3 {
                spec.sessionAffinity = "ClientIP"
                spec.sessionAffinityConfig = .init(clientIP: .init(timeoutSeconds: i % 20 == 3 ? 600 : 10800))
            }
            if type != "ClusterIP" && i % 4 == 0 { spec.externalTrafficPolicy = "Local" }
            if i % 50 == 7 { spec.internalTrafficPolicy = "Local" }
            if bucket == 42 { spec.externalIPs = [SyntheticCluster.externalIP(i)] }
            var status = KubeService.Status()
            if type == "LoadBalancer" {
                status.loadBalancer.ingress = [.init(ip: SyntheticCluster.loadBalancerIP(i))]
                if i % 3 == 0 { spec.loadBalancerSourceRanges = ["203.0.113.0/24", "10.0.0.0/8"] }
                if spec.externalTrafficPolicy == "Local" { spec.healthCheckNodePort = allocateNodePort() }
            }
            services.append(KubeService(metadata: meta, spec: spec, status: status))
            servicePorts += spec.ports.count
            addSlice(service: i, meta: meta, ports: spec.ports, family: .v4)
            if dualStack { addSlice(service: i, meta: meta, ports: spec.ports, family: .v6) }
        }

        mutating func ports(_ i: Int, type: String) -> [KubeService.Port] {
            var ports: [KubeService.Port]
            if i % 37 == 0 {
                ports = [.init(name: "dns", protocol: "UDP", port: 53, targetPort: .int(5353)),
                         .init(name: "dns-tcp", protocol: "TCP", port: 53, targetPort: .int(5353))]
            } else if i % 5 == 0 {
                ports = [.init(name: "http", port: 80, targetPort: .int(8080)),
                         .init(name: "https", port: 443, targetPort: .int(8443))]
            } else {
                ports = [.init(name: "http", port: 80 + i % 3, targetPort: .string("http"))]
            }
            guard type != "ClusterIP" else { return ports }
            for p in ports.indices { ports[p].nodePort = allocateNodePort() }
            return ports
        }

        /// The slice the EndpointSlice controller would write: one per service and family, every
        /// service port resolved to its target number.
        mutating func addSlice(service i: Int, meta: KubeObjectMeta, ports: [KubeService.Port], family: IPFamily) {
            var members: [KubeEndpointSlice.SliceEndpoint] = []
            members.reserveCapacity(endpointsPerService)
            for j in 0..<endpointsPerService {
                let pod = i * endpointsPerService + j
                let nodeIndex = (i * 7 + j) % SyntheticCluster.nodeCount
                var conditions = KubeEndpointSlice.Conditions(ready: true, serving: true, terminating: false)
                if (i + j) % 50 == 0 { conditions = .init(ready: false, serving: true, terminating: true) }
                if (i + j) % 97 == 0 { conditions = .init(ready: false, serving: false, terminating: false) }
                members.append(.init(addresses: [SyntheticCluster.podIP(pod, family)], conditions: conditions,
                                     nodeName: "node-\(nodeIndex)", zone: "zone-\(nodeIndex % 3)"))
            }
            let slicePorts = ports.map { p -> KubeEndpointSlice.SlicePort in
                let number: Int
                switch p.targetPort {
                case .int(let n)?: number = n
                default: number = 8080
                }
                return .init(name: p.name, protocol: p.protocol, port: number)
            }
            let suffix = family == .v4 ? "v4" : "v6"
            let sliceMeta = KubeObjectMeta(name: "\(meta.name)-\(suffix)", namespace: meta.namespace,
                                           labels: [KubeEndpointSlice.serviceNameLabel: meta.name],
                                           resourceVersion: "\(2000 + i)", uid: "uid-slice-\(i)-\(suffix)")
            slices.append(KubeEndpointSlice(metadata: sliceMeta, addressType: family == .v4 ? "IPv4" : "IPv6",
                                            endpoints: members, ports: slicePorts))
            endpoints += endpointsPerService
        }
    }

    /// 10.96.0.0/12, from 10.96.0.1.
    static func clusterIPv4(_ i: Int) -> String { IPAddress(v4: 0x0a60_0001 + UInt32(i)).description }
    /// fd00:10:96::/108.
    static func clusterIPv6(_ i: Int) -> String {
        IPAddress(family: .v6, high: 0xfd00_0010_0096_0000, low: UInt64(i + 1)).description
    }
    /// 10.128.0.0/9 and fd00:10:244::/56.
    static func podIP(_ pod: Int, _ family: IPFamily) -> String {
        family == .v4 ? IPAddress(v4: 0x0a80_0000 + UInt32(pod) + 1).description
            : IPAddress(family: .v6, high: 0xfd00_0010_0244_0000, low: UInt64(pod + 1)).description
    }
    /// 198.18.0.0/15 (benchmarking range).
    static func loadBalancerIP(_ i: Int) -> String { IPAddress(v4: 0xc612_0000 + UInt32(i)).description }
    /// 172.16.0.0/12.
    static func externalIP(_ i: Int) -> String { IPAddress(v4: 0xac10_0000 + UInt32(i)).description }
}
