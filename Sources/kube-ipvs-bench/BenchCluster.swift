import KubeIPVSCore

/// A synthetic cluster held in memory: `services` ClusterIP services (one TCP port 80 → 8080), each with
/// one EndpointSlice of `endpoints` ready endpoints. Addresses: ClusterIPs from 10.100.0.1, endpoints in
/// 10.128.0.0/9 (one /28 per service; a slice's generation moves an endpoint to another /14).
struct BenchCluster: Sendable {
    let services: Int
    let endpoints: Int
    static let namespace = "bench"

    func clusterIP(_ i: Int) -> IPAddress { IPAddress(v4: 0x0a64_0000 + UInt32(i + 1)) }

    func endpointIP(_ i: Int, _ j: Int, generation: Int) -> IPAddress {
        IPAddress(v4: 0x0a80_0000 + UInt32(i * 16 + j) + UInt32(generation % 32) << 18)
    }

    func service(_ i: Int) -> KubeService {
        let ip = "\(clusterIP(i))"
        return KubeService(
            metadata: KubeObjectMeta(name: "svc-\(i)", namespace: Self.namespace, resourceVersion: "1", uid: "svc-\(i)"),
            spec: .init(type: "ClusterIP", clusterIP: ip, clusterIPs: [ip],
                        ports: [.init(name: "http", protocol: "TCP", port: 80, targetPort: .int(8080))],
                        ipFamilies: ["IPv4"]))
    }

    /// The slice of service `i`; `moved` endpoints (index → generation) sit at another address.
    func slice(_ i: Int, moved: [Int: Int] = [:], version: Int = 1) -> KubeEndpointSlice {
        let endpoints = (0..<endpoints).map { j in
            KubeEndpointSlice.SliceEndpoint(
                addresses: ["\(endpointIP(i, j, generation: moved[j] ?? 0))"],
                conditions: .init(ready: true, serving: true, terminating: false), nodeName: "node-\(j % 3)")
        }
        return KubeEndpointSlice(
            metadata: KubeObjectMeta(name: "svc-\(i)-bench", namespace: Self.namespace,
                                     labels: [ObjectStore.serviceNameLabel: "svc-\(i)"],
                                     resourceVersion: "\(version)", uid: "slice-\(i)"),
            addressType: "IPv4", endpoints: endpoints,
            ports: [.init(name: "http", protocol: "TCP", port: 8080)])
    }

    var allServices: [KubeService] { (0..<services).map(service) }
    var allSlices: [KubeEndpointSlice] { (0..<services).map { slice($0) } }

    /// A store holding the whole cluster, its changes taken.
    func store() -> ObjectStore {
        var store = ObjectStore()
        store.replaceServices(allServices)
        store.replaceSlices(allSlices)
        _ = store.takeChanges()
        return store
    }
}
