/// The ipsets kube-proxy's IPVS mode maintains (pkg/proxy/ipvs/ipset.go), with its names, types and
/// comments. Each exists once per IP family: IPv6 names take the `KUBE-6-` prefix, cut to ipset's
/// 31-character limit exactly as kube-proxy cuts them, so existing sets are adopted, not duplicated.
public enum ProxyIPSet: Int, CaseIterable, Hashable, Sendable, Comparable {
    case loopBack
    case clusterIP
    case externalIP
    case externalIPLocal
    case loadBalancer
    case loadBalancerFW
    case loadBalancerLocal
    case loadBalancerSourceIP
    case loadBalancerSourceCIDR
    case nodePortTCP
    case nodePortLocalTCP
    case nodePortUDP
    case nodePortLocalUDP
    case nodePortSCTP
    case nodePortLocalSCTP
    case healthCheckNodePort
    case ipvsIPs

    /// The IPv4 name (`KUBE-CLUSTER-IP`).
    public var baseName: String {
        switch self {
        case .loopBack: "KUBE-LOOP-BACK"
        case .clusterIP: "KUBE-CLUSTER-IP"
        case .externalIP: "KUBE-EXTERNAL-IP"
        case .externalIPLocal: "KUBE-EXTERNAL-IP-LOCAL"
        case .loadBalancer: "KUBE-LOAD-BALANCER"
        case .loadBalancerFW: "KUBE-LOAD-BALANCER-FW"
        case .loadBalancerLocal: "KUBE-LOAD-BALANCER-LOCAL"
        case .loadBalancerSourceIP: "KUBE-LOAD-BALANCER-SOURCE-IP"
        case .loadBalancerSourceCIDR: "KUBE-LOAD-BALANCER-SOURCE-CIDR"
        case .nodePortTCP: "KUBE-NODE-PORT-TCP"
        case .nodePortLocalTCP: "KUBE-NODE-PORT-LOCAL-TCP"
        case .nodePortUDP: "KUBE-NODE-PORT-UDP"
        case .nodePortLocalUDP: "KUBE-NODE-PORT-LOCAL-UDP"
        case .nodePortSCTP: "KUBE-NODE-PORT-SCTP-HASH"
        case .nodePortLocalSCTP: "KUBE-NODE-PORT-LOCAL-SCTP-HASH"
        case .healthCheckNodePort: "KUBE-HEALTH-CHECK-NODE-PORT"
        case .ipvsIPs: "KUBE-IPVS-IPS"
        }
    }

    /// The set's name for one family: `KUBE-6-` prefix for IPv6, at most 31 characters.
    public func name(_ family: IPFamily) -> String {
        guard family == .v6 else { return baseName }
        return String(("KUBE-6-" + baseName.dropFirst("KUBE-".count)).prefix(31))
    }

    /// The ipset type kube-proxy creates the set with.
    public var type: IPSetType {
        switch self {
        case .loopBack, .loadBalancerSourceIP: .hashIPPortIP
        case .loadBalancerSourceCIDR: .hashIPPortNet
        case .nodePortTCP, .nodePortLocalTCP, .nodePortUDP, .nodePortLocalUDP, .healthCheckNodePort: .bitmapPort
        case .ipvsIPs: .hashIP
        default: .hashIPPort
        }
    }

    /// kube-proxy's comment for the set (also used as the iptables rule comment).
    public var comment: String {
        switch self {
        case .loopBack: "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose"
        case .clusterIP: "Kubernetes service cluster ip + port for masquerade purpose"
        case .externalIP: "Kubernetes service external ip + port for masquerade and filter purpose"
        case .externalIPLocal: "Kubernetes service external ip + port with externalTrafficPolicy=local"
        case .loadBalancer: "Kubernetes service lb portal"
        case .loadBalancerFW: "Kubernetes service load balancer ip + port for load balancer with sourceRange"
        case .loadBalancerLocal: "Kubernetes service load balancer ip + port with externalTrafficPolicy=local"
        case .loadBalancerSourceIP: "Kubernetes service load balancer ip + port + source IP for packet filter purpose"
        case .loadBalancerSourceCIDR:
            "Kubernetes service load balancer ip + port + source cidr for packet filter purpose"
        case .nodePortTCP: "Kubernetes nodeport TCP port for masquerade purpose"
        case .nodePortLocalTCP: "Kubernetes nodeport TCP port with externalTrafficPolicy=local"
        case .nodePortUDP: "Kubernetes nodeport UDP port for masquerade purpose"
        case .nodePortLocalUDP: "Kubernetes nodeport UDP port with externalTrafficPolicy=local"
        case .nodePortSCTP: "Kubernetes nodeport SCTP port for masquerade purpose with type 'hash ip:port'"
        case .nodePortLocalSCTP:
            "Kubernetes nodeport SCTP port with externalTrafficPolicy=local with type 'hash ip:port'"
        case .healthCheckNodePort: "Kubernetes health check node port"
        case .ipvsIPs: "Addresses on the ipvs interface"
        }
    }

    /// The kernel definition of this set for `family` (hashsize 1024, maxelem 65536, range 0-65535).
    public func spec(_ family: IPFamily) -> IPSetSpec {
        IPSetSpec(name: name(family), type: type, family: family, comment: comment)
    }

    /// The NodePort set for a protocol, and its externalTrafficPolicy=Local companion.
    static func nodePort(_ proto: L4Protocol, local: Bool) -> ProxyIPSet {
        switch proto {
        case .tcp: local ? .nodePortLocalTCP : .nodePortTCP
        case .udp: local ? .nodePortLocalUDP : .nodePortUDP
        case .sctp: local ? .nodePortLocalSCTP : .nodePortSCTP
        }
    }

    /// Total order, for deterministic output.
    public static func < (a: ProxyIPSet, b: ProxyIPSet) -> Bool { a.rawValue < b.rawValue }
}
