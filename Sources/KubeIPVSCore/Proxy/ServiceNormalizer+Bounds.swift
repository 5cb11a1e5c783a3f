extension ServiceNormalizer {
    /// Most virtual servers one Service may ask for: (ClusterIPs + externalIPs + LoadBalancer ingress
    /// IPs) × ports. Every externalIP:port and LoadBalancer IP:port is also one entry of a single ipset
    /// whose maxelem is 65,536 (kube-proxy's), so more can never be programmed (docs/bounds.md).
    public static let maxVirtualServersPerService = 65_536
    /// Most `KUBE-LOAD-BALANCER-SOURCE-CIDR` entries one Service may ask for: LoadBalancer ingress IPs ×
    /// loadBalancerSourceRanges × ports, bounded by the same ipset maxelem (docs/bounds.md).
    public static let maxSourceRangeEntriesPerService = 65_536
}

extension ServiceNormalizer.Context {
    /// Refuses the whole service when the raw list lengths alone ask for more than the per-object
    /// bounds; checked before any address is parsed, so an oversized object costs nothing to refuse.
    mutating func checkBounds(type: String) -> Bool {
        let ports = spec.ports.count
        let ingress = type == "LoadBalancer" ? service.status.loadBalancer.ingress.count : 0
        let addresses = max(spec.clusterIPs.count, 1) + spec.externalIPs.count + ingress
        let (virtualServers, overflow) = addresses.multipliedReportingOverflow(by: ports)
        if overflow || virtualServers > ServiceNormalizer.maxVirtualServersPerService {
            refuse("spec.clusterIPs, spec.externalIPs (\(spec.externalIPs.count)) and "
                   + "status.loadBalancer.ingress (\(ingress)) × spec.ports (\(ports)) ask for \(virtualServers) "
                   + "virtual servers (at most \(ServiceNormalizer.maxVirtualServersPerService) per Service)")
            return false
        }
        let ranges = type == "LoadBalancer" ? spec.loadBalancerSourceRanges.count : 0
        let (entries, overflow2) = (ingress * ports).multipliedReportingOverflow(by: ranges)
        if overflow2 || entries > ServiceNormalizer.maxSourceRangeEntriesPerService {
            refuse("status.loadBalancer.ingress (\(ingress)) × spec.loadBalancerSourceRanges (\(ranges)) × "
                   + "spec.ports (\(ports)) ask for more than \(ServiceNormalizer.maxSourceRangeEntriesPerService) "
                   + "source-range set entries per Service")
            return false
        }
        return true
    }
}
