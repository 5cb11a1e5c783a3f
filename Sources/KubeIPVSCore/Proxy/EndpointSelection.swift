/// The endpoints a service port forwards to, split the way kube-proxy's `CategorizeEndpoints` does.
///
/// Selection: ready endpoints; when a set has none, its serving-and-terminating endpoints
/// (so connections still drain to pods that are shutting down gracefully).
///
/// Topology: the Cluster set keeps only the ready endpoints its `TopologyDecision` admits (hinted for
/// this node, else for this node's zone, when every ready endpoint carries such hints and one names
/// us); its terminating fallback ignores hints, and the Local set never reads them. Both proxiers
/// route from this one selection. Details and differences from kube-proxy: docs/routing-decisions.md.
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
    /// How topology hints shaped `cluster` (`ignored` only when the port uses Cluster endpoints).
    public var topology: TopologyDecision

    /// Selects from `endpoints` (any order, duplicates allowed) for `port`; results are sorted and unique.
    public init(port: ServicePort, endpoints: [Endpoint]) {
        // Normalized endpoints arrive sorted and unique already: skip hashing them (same result).
        let unique = EndpointSelection.isStrictlySorted(endpoints) ? endpoints : Array(Set(endpoints)).sorted()
        var decision = TopologyDecision(unique)
        cluster = EndpointSelection.usable(unique, decision)
        local = EndpointSelection.usable(unique.filter(\.isLocal))
        // kube-proxy reads hints only for ports that use Cluster endpoints (UsesClusterEndpoints).
        if port.internalPolicyLocal && !port.hasExternalAddresses { decision.ignored = nil }
        topology = decision
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

    /// Ready endpoints the topology admits, else serving-and-terminating ones whatever their hints
    /// (a mode other than none implies an admitted ready endpoint, so only "no ready endpoint
    /// anywhere" falls back).
    static func usable(_ endpoints: [Endpoint], _ topology: TopologyDecision = TopologyDecision()) -> [Endpoint] {
        let ready = topology.mode == .none ? endpoints.filter(\.ready)
            : endpoints.filter { $0.ready && topology.admits($0) }
        if !ready.isEmpty { return ready }
        return endpoints.filter { $0.serving && $0.terminating }
    }
}
