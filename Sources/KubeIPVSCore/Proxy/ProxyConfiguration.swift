/// Which addresses accept NodePort traffic (`--nodeport-addresses`).
public enum NodePortAddresses: Hashable, Sendable {
    /// Every local address except loopback and kube-ipvs0 (kube-proxy's default for IPVS).
    case all
    /// Local addresses inside these prefixes.
    case cidrs([CIDR])
    /// The node's primary IPs (`primary`).
    case primary
}

/// Proxy mode (`--proxy-mode`).
public enum ProxyMode: String, Sendable, Hashable, CaseIterable, Codable {
    case ipvs, iptables
}

/// The planners' configuration: kube-proxy's flags and KubeProxyConfiguration fields that shape the plan.
public struct ProxyConfiguration: Hashable, Sendable {
    public var scheduler: Scheduler
    public var nodePortAddresses: NodePortAddresses
    /// `--cluster-cidr`: traffic from outside it to a ClusterIP is masqueraded.
    public var clusterCIDRs: [CIDR]
    /// `--masquerade-all`.
    public var masqueradeAll: Bool
    /// `--ipvs-exclude-cidrs`: virtual servers in these prefixes are never touched.
    public var excludeCIDRs: [CIDR]
    /// `--ipvs-strict-arp`.
    public var strictARP: Bool
    /// `--iptables-masquerade-bit` (default 14 → mark 0x4000).
    public var masqueradeBit: Int
    /// Name of the dummy interface holding service IPs.
    public var dummyInterface: String
    /// `--detect-local-mode` and its interface flags.
    public var localDetector: LocalTrafficDetector

    public init(scheduler: Scheduler = .roundRobin, nodePortAddresses: NodePortAddresses = .all,
                clusterCIDRs: [CIDR] = [], masqueradeAll: Bool = false, excludeCIDRs: [CIDR] = [],
                strictARP: Bool = false, masqueradeBit: Int = 14, dummyInterface: String = "kube-ipvs0",
                localDetector: LocalTrafficDetector = .clusterCIDR) {
        self.scheduler = scheduler
        self.nodePortAddresses = nodePortAddresses
        self.clusterCIDRs = clusterCIDRs
        self.masqueradeAll = masqueradeAll
        self.excludeCIDRs = excludeCIDRs
        self.strictARP = strictARP
        self.masqueradeBit = masqueradeBit
        self.dummyInterface = dummyInterface
        self.localDetector = localDetector
    }

    /// The local-traffic detector's arguments for `family` (nil: kube-proxy's no-op detector).
    public func localTraffic(_ family: IPFamily) -> LocalTrafficMatch? {
        localDetector.match(family: family, clusterCIDRs: clusterCIDRs)
    }

    /// The masquerade mark as kube-proxy writes it: `0x4000`.
    public var masqueradeMark: String { "0x" + String(1 << masqueradeBit, radix: 16) }
}
