import KubeIPVSCore

/// A generated cluster for benchmarks: `count` Services with one EndpointSlice of `endpoints`
/// ready endpoints each. Deterministic mix, by index i:
/// - every service: ClusterIP 10.96.0.0/12, port `http` 80/TCP → 8080;
/// - i % 50 == 11: a DNS-like service instead, `dns` 53/UDP → 5353;
/// - i % 20 == 7: a second port `metrics` 9090/TCP;
/// - i % 10 == 3: type NodePort (i % 30 == 3 of those with externalTrafficPolicy Local and a
///   healthCheckNodePort); i % 100 == 13: ClientIP session affinity;
/// - endpoints on 100 nodes, 1 % of them on this node (`node1`); pods in 10.128.0.0/9.
struct IptablesBenchCluster {
    private(set) var services: [KubeService] = []
    private(set) var slices: [KubeEndpointSlice] = []
    let endpointsPerService: Int
    let nodeName: String
    private var addedPods = 0
    private var version = 1

    /// The cluster CIDR the pods live in.
    static let podCIDR = CIDR("10.128.0.0/9")!

    init(services count: Int, endpoints: Int, nodeName: String = "node1") {
        endpointsPerService = endpoints
        self.nodeName = nodeName
        services.reserveCapacity(count)
        slices.reserveCapacity(count)
        for index in 0..<count {
            services.append(Self.service(index))
            slices.append(slice(index))
        }
    }

    /// The service's name.
    func name(_ index: Int) -> ServiceName {
        ServiceName(namespace: "ns-\(index % 40)", name: "svc-\(index)")
    }

    /// Service ports in total.
    var servicePortCount: Int { services.reduce(0) { $0 + $1.spec.ports.count } }

    /// Endpoints in total (every port of a service has every endpoint of its slice).
    var endpointCount: Int { slices.reduce(0) { $0 + $1.endpoints.count } }

    /// A new pod joins service `index`'s slice (one more endpoint). Returns the service.
    @discardableResult
    mutating func addEndpoint(toService index: Int) -> ServiceName {
        addedPods += 1
        version += 1
        slices[index].endpoints.append(endpoint(Self.address(200, addedPods), pod: addedPods))
        slices[index].metadata.resourceVersion = String(version)
        return name(index)
    }

    static func service(_ index: Int) -> KubeService {
        var spec = KubeService.Spec(clusterIP: address(96, index + 1).description)
        spec.clusterIPs = [spec.clusterIP!]
        spec.ipFamilies = ["IPv4"]
        if index % 50 == 11 {
            spec.ports = [.init(name: "dns", protocol: "UDP", port: 53, targetPort: .int(5353))]
        } else {
            spec.ports = [.init(name: "http", port: 80, targetPort: .int(8080))]
        }
        if index % 20 == 7 { spec.ports.append(.init(name: "metrics", port: 9090, targetPort: .int(9090))) }
        if index % 10 == 3 {
            spec.type = "NodePort"
            for p in spec.ports.indices { spec.ports[p].nodePort = 30000 + (index / 10 * 2 + p) % 2768 }
            if index % 30 == 3 {
                spec.externalTrafficPolicy = "Local"
                spec.healthCheckNodePort = 32700 - (index / 30) % 2700
            }
        }
        if index % 100 == 13 {
            spec.sessionAffinity = "ClientIP"
            spec.sessionAffinityConfig = .init(clientIP: .init(timeoutSeconds: 10800))
        }
        let meta = KubeObjectMeta(name: "svc-\(index)", namespace: "ns-\(index % 40)", resourceVersion: "1",
                                  uid: "svc-uid-\(index)")
        return KubeService(metadata: meta, spec: spec)
    }

    func slice(_ index: Int) -> KubeEndpointSlice {
        let service = Self.service(index)
        let ports = service.spec.ports.map { port -> KubeEndpointSlice.SlicePort in
            let target: Int = if case .int(let n) = port.targetPort { n } else { port.port }
            return .init(name: port.name, protocol: port.protocol, port: target)
        }
        let endpoints = (0..<endpointsPerService).map { j in
            let pod = index * endpointsPerService + j
            return endpoint(Self.address(128, pod), pod: pod)
        }
        let meta = KubeObjectMeta(name: "svc-\(index)-x7k2p", namespace: service.metadata.namespace,
                                  labels: [KubeEndpointSlice.serviceNameLabel: "svc-\(index)"],
                                  resourceVersion: "1", uid: "slice-uid-\(index)")
        return KubeEndpointSlice(metadata: meta, addressType: "IPv4", endpoints: endpoints, ports: ports)
    }

    func endpoint(_ address: IPAddress, pod: Int) -> KubeEndpointSlice.SliceEndpoint {
        .init(addresses: [address.description], conditions: .init(ready: true, serving: true, terminating: false),
              nodeName: pod % 100 == 0 ? nodeName : "node-\(pod % 100 + 2)")
    }

    /// 10.`second`.0.0 plus `offset`.
    static func address(_ second: UInt32, _ offset: Int) -> IPAddress {
        let value = (10 << 24) + (second << 16) + UInt32(offset)
        return IPAddress("\(value >> 24).\(value >> 16 & 255).\(value >> 8 & 255).\(value & 255)")!
    }
}
