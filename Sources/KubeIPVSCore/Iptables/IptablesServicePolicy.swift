/// What kube-proxy (v1.28 `syncProxyRules`, `CategorizeEndpoints`) decides for one service port
/// before writing its rules: which endpoints each traffic policy uses, which chains exist, and what
/// the filter table does with traffic that has nowhere to go.
struct IptablesServicePolicy {
    /// Endpoints for Cluster policy and on this node, in kube-proxy's order.
    let cluster: [Endpoint], local: [Endpoint]
    let externallyAccessible: Bool
    let internalLocal: Bool, externalLocal: Bool
    /// Externally reachable ports always need the cluster endpoints: Local policies short-circuit to them.
    let usesClusterEndpoints: Bool, usesLocalEndpoints: Bool
    /// Usable endpoints anywhere in the cluster.
    let hasEndpoints: Bool
    /// ClusterIP traffic has endpoints under internalTrafficPolicy.
    let hasInternal: Bool
    /// NodePort/externalIP/LoadBalancer traffic has endpoints under externalTrafficPolicy.
    let hasExternal: Bool
    let usesExtChain: Bool, usesFWChain: Bool
    /// Filter target and (quoted) comment for ClusterIP / external traffic without endpoints.
    let internalFilter: (target: String, comment: String), externalFilter: (target: String, comment: String)

    init(port: ServicePort, selection: EndpointSelection, name: String, externallyAccessible: Bool,
         hasLoadBalancerSourceRanges: Bool, hasLoadBalancerIPs: Bool) {
        cluster = IptablesServiceRules.kubeProxyOrder(selection.cluster)
        local = IptablesServiceRules.kubeProxyOrder(selection.local)
        self.externallyAccessible = externallyAccessible
        internalLocal = port.internalPolicyLocal
        externalLocal = port.externalPolicyLocal && externallyAccessible
        usesClusterEndpoints = !internalLocal || externallyAccessible
        usesLocalEndpoints = internalLocal || externalLocal
        hasEndpoints = !cluster.isEmpty
        hasInternal = hasEndpoints && (!internalLocal || !local.isEmpty)
        hasExternal = hasEndpoints && (!externalLocal || !local.isEmpty)
        usesExtChain = hasEndpoints && externallyAccessible
        usesFWChain = hasEndpoints && hasLoadBalancerIPs && hasLoadBalancerSourceRanges
        if !hasEndpoints {
            internalFilter = ("REJECT", IptablesComment.argument("\(name) has no endpoints"))
            externalFilter = internalFilter
        } else {
            internalFilter = hasInternal ? ("", "") : ("DROP", IptablesComment.argument("\(name) has no local endpoints"))
            externalFilter = hasExternal ? ("", "") : ("DROP", IptablesComment.argument("\(name) has no local endpoints"))
        }
    }

    /// The KUBE-SVC chain exists.
    var usesClusterChain: Bool { hasEndpoints && usesClusterEndpoints }
    /// The KUBE-SVL chain exists.
    var usesLocalChain: Bool { !local.isEmpty && usesLocalEndpoints }
    /// Endpoints that get a KUBE-SEP chain.
    var reachable: [Endpoint] {
        IptablesServiceRules.kubeProxyOrder((usesClusterEndpoints ? cluster : []) + (usesLocalEndpoints ? local : []))
    }
}
