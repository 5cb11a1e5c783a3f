/// The endpoints a service port forwards to, split the way kube-proxy's `CategorizeEndpoints` does.
///
/// Selection: ready endpoints; when a set has none, its serving-and-terminating endpoints
/// (so connections still drain to pods that are shutting down gracefully).
///
/// Local policy with no local endpoint: the Local set is empty and stays empty; we never fall
/// back to other nodes' endpoints (upstream IPVS did, which broke source-IP preservation). The
/// virtual server keeps existing with no real server, so the kernel refuses new connections
/// (ICMP port unreachable), the same outcome as kube-proxy's iptables/nftables modes.
public struct EndpointSelection: Hashable, Sendable {
    /// Endpoints for traffic under the Cluster policy (every node).
    public var cluster: [Endpoint]
    /// Endpoints on this node (for Local policies).
    public var local: [Endpoint]
    /// Real servers for the ClusterIP virtual servers (internalTrafficPolicy).
    public var forInternalTraffic: [Endpoint]
    /// Real servers for NodePort, externalIP and LoadBalancer virtual servers (externalTrafficPolicy).
    public var forExternalTraffic: [Endpoint]

    /// Selects from `endpoints` (any order, duplicates allowed) for `port`; results are sorted and unique.
    public init(port: ServicePort, endpoints: [Endpoint]) {
        // Normalized endpoints arrive sorted and unique already: skip hashing them (same result).
        let unique = EndpointSelection.isStrictlySorted(endpoints) ? endpoints : Array(Set(endpoints)).sorted()
        cluster = EndpointSelection.usable(unique)
        local = EndpointSelection.usable(unique.filter(\.isLocal))
        forInternalTraffic = port.internalPolicyLocal ? local : cluster
        forExternalTraffic = port.externalPolicyLocal ? local : cluster
    }

    /// True when every endpoint sorts strictly after the previous one (so none repeats).
    static func isStrictlySorted(_ endpoints: [Endpoint]) -> Bool {
        var i = 1
        while i < endpoints.count {
            guard endpoints[i - 1] < endpoints[i] else { return false }
            i += 1
        }
        return true
    }

    /// Ready endpoints, else serving-and-terminating ones.
    static func usable(_ endpoints: [Endpoint]) -> [Endpoint] {
        let ready = endpoints.filter(\.ready)
        if !ready.isEmpty { return ready }
        return endpoints.filter { $0.serving && $0.terminating }
    }
}
