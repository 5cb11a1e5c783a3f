/// One validated, defaulted service port: everything the planners need, in kube-proxy's terms
/// (its `BaseServicePortInfo`). Built from a `Service` by `ServiceNormalizer`.
public struct ServicePort: Hashable, Sendable {
    public var name: ServicePortName
    public var port: UInt16
    /// NodePort, when the service type allocates one (NodePort, LoadBalancer).
    public var nodePort: UInt16?
    /// ClusterIPs (one per family; empty for headless, which is never normalized).
    public var clusterIPs: [IPAddress]
    public var externalIPs: [IPAddress]
    /// LoadBalancer ingress IPs that proxy here (ingress with ipMode Proxy excluded).
    public var loadBalancerIPs: [IPAddress]
    public var loadBalancerSourceRanges: [CIDR]
    /// ClientIP affinity timeout in seconds; nil for sessionAffinity None.
    public var sessionAffinityTimeout: UInt32?
    /// externalTrafficPolicy: Local (only meaningful for NodePort/LoadBalancer/externalIPs).
    public var externalPolicyLocal: Bool
    /// internalTrafficPolicy: Local.
    public var internalPolicyLocal: Bool
    /// healthCheckNodePort of an externalTrafficPolicy Local LoadBalancer service.
    public var healthCheckNodePort: UInt16?

    public var proto: L4Protocol { name.proto }

    public init(name: ServicePortName, port: UInt16, nodePort: UInt16? = nil, clusterIPs: [IPAddress],
                externalIPs: [IPAddress] = [], loadBalancerIPs: [IPAddress] = [],
                loadBalancerSourceRanges: [CIDR] = [], sessionAffinityTimeout: UInt32? = nil,
                externalPolicyLocal: Bool = false, internalPolicyLocal: Bool = false,
                healthCheckNodePort: UInt16? = nil) {
        self.name = name
        self.port = port
        self.nodePort = nodePort
        self.clusterIPs = clusterIPs
        self.externalIPs = externalIPs
        self.loadBalancerIPs = loadBalancerIPs
        self.loadBalancerSourceRanges = loadBalancerSourceRanges
        self.sessionAffinityTimeout = sessionAffinityTimeout
        self.externalPolicyLocal = externalPolicyLocal
        self.internalPolicyLocal = internalPolicyLocal
        self.healthCheckNodePort = healthCheckNodePort
    }

    /// True when some traffic arrives from outside the cluster (NodePort, externalIP, LB).
    public var hasExternalAddresses: Bool {
        nodePort != nil || !externalIPs.isEmpty || !loadBalancerIPs.isEmpty
    }
}
