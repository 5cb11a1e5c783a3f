/// The plan for one service port: what `IPVSPlanner.planPort` returns, and what `IPVSPlanner.merge`
/// combines into an `IPVSPlan`. Lets the daemon re-plan only the service ports that changed.
public struct PortPlan: Hashable, Sendable {
    /// The service port this belongs to.
    public var servicePort: ServicePortName
    /// Sorted by key.
    public var virtualServers: [PlannedVirtualServer]
    /// Addresses to bind on the dummy interface (sorted, unique).
    public var boundAddresses: [IPAddress]
    /// Set memberships (sorted, unique).
    public var ipsetEntries: [IPSetMember]
    /// The service's healthCheckNodePort, if it serves one.
    public var healthCheckNodePort: UInt16?
    /// Local ready endpoint addresses of this port (feeds `HealthCheck.localEndpoints`).
    public var localReadyAddresses: [IPAddress]
    /// LoadBalancer IP:ports that the node itself must not reach (source ranges exclude the node).
    public var nodeAccessBlocked: [VirtualServerKey]
    /// A Local internal (external) traffic policy finds no endpoint on this node while the service has
    /// endpoints elsewhere: kube-proxy's kubeproxy_sync_proxy_rules_no_local_endpoints_total counts these.
    public var internalNoLocalEndpoints = false
    public var externalNoLocalEndpoints = false

    /// Creates a value from its parts.
    public init(servicePort: ServicePortName, virtualServers: [PlannedVirtualServer] = [],
                boundAddresses: [IPAddress] = [], ipsetEntries: [IPSetMember] = [],
                healthCheckNodePort: UInt16? = nil, localReadyAddresses: [IPAddress] = [],
                nodeAccessBlocked: [VirtualServerKey] = []) {
        self.servicePort = servicePort
        self.virtualServers = virtualServers
        self.boundAddresses = boundAddresses
        self.ipsetEntries = ipsetEntries
        self.healthCheckNodePort = healthCheckNodePort
        self.localReadyAddresses = localReadyAddresses
        self.nodeAccessBlocked = nodeAccessBlocked
    }
}

/// One entry in one of the proxy's ipsets.
public struct IPSetMember: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Which of kube-proxy's sets.
    public var set: ProxyIPSet
    /// The proxy family (selects `KUBE-` or `KUBE-6-` names).
    public var family: IPFamily
    /// The member, in the set's own syntax.
    public var entry: IPSetEntry

    /// Creates a value from its parts.
    public init(set: ProxyIPSet, family: IPFamily, entry: IPSetEntry) {
        self.set = set
        self.family = family
        self.entry = entry
    }

    /// `add KUBE-CLUSTER-IP 10.96.0.1,tcp:443`.
    public var description: String { "add \(set.name(family)) \(entry)" }

    /// Total order, for deterministic output.
    public static func < (a: IPSetMember, b: IPSetMember) -> Bool {
        if a.set != b.set { return a.set < b.set }
        if a.family != b.family { return a.family < b.family }
        return a.entry < b.entry
    }
}
